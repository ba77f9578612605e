from typing import NewType

UserId = NewType("UserId", int)
"""A Telegram user id (64-bit)."""

RequestId = NewType("RequestId", int)
"""The number people say: "заявка №142"."""

RoomCode = NewType("RoomCode", str)
