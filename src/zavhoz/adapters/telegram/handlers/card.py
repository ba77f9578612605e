"""Placeholder: the card feature is being built."""

from aiogram import Router


def router() -> Router:
    return Router(name="card")
