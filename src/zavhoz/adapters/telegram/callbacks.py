"""Callback data of every inline button (each packs to at most 64 bytes)."""

from aiogram.filters.callback_data import CallbackData


class WizardCb(CallbackData, prefix="w"):
    """A choice in the new-request wizard: ``step`` is loc, cat, pri, files, confirm, edit."""

    step: str
    value: str = ""


class ListCb(CallbackData, prefix="l"):
    """A page of a list: ``kind`` is my, queue or search; ``flt`` a compact filter."""

    kind: str
    page: int = 0
    flt: str = ""


class CardCb(CallbackData, prefix="r"):
    """Open a request card, or act on it; ``v`` is the version the card showed."""

    id: int
    action: str = "open"
    v: int = 0
    arg: str = ""


class UserCb(CallbackData, prefix="u"):
    """An admin's action on a person: approve, decline, block, unblock, promote, demote, open."""

    id: int
    action: str = "open"
    page: int = 0
