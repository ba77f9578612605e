from typing import NewType

UserId = NewType("UserId", int)
"""A Telegram user id (64-bit)."""

RequestId = NewType("RequestId", int)
"""The number people say: "заявка №142"."""

RoomCode = NewType("RoomCode", str)

OrgId = NewType("OrgId", int)
"""An organization: a school, or a district above schools."""

FIRST_ORG = OrgId(1)
"""The organization a deployment starts with; a one-school deployment never sees another."""
