"""Callback data of every inline button (each packs to at most 64 bytes)."""

import functools
from collections.abc import Iterable
from typing import Any, Literal

from aiogram import Router
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData, CallbackQueryFilter
from aiogram.types import CallbackQuery
from magic_filter import MagicFilter
from pydantic import ConfigDict

UNPACKED_KEPT = 4096
"""Distinct button data remembered unpacked (a button is pressed again and again)."""


class Button(CallbackData, prefix="_"):
    """The base of every button's data: frozen, so one unpacked instance serves every update.

    Its ``filter`` turns away another class's data by its prefix and unpacks a button's data
    once, not once for each handler whose filter looks at it.
    """

    model_config = ConfigDict(frozen=True)

    @classmethod
    def filter(cls, rule: MagicFilter | None = None) -> CallbackQueryFilter:
        return ButtonFilter(callback_data=cls, rule=rule)


class ButtonFilter(CallbackQueryFilter):
    """``CallbackQueryFilter`` with the unpacking remembered (see ``Button``)."""

    async def __call__(self, query: CallbackQuery) -> Literal[False] | dict[str, Any]:
        if not isinstance(query, CallbackQuery) or not query.data:
            return False
        data = unpacked(self.callback_data, query.data)
        if data is None or (self.rule is not None and not self.rule.resolve(data)):
            return False
        return {"callback_data": data}


@functools.lru_cache(maxsize=UNPACKED_KEPT)
def unpacked(kind: type[CallbackData], data: str) -> CallbackData | None:
    """``data`` as a ``kind``; ``None`` when it is another kind's (or no kind's) data."""
    if not data.startswith(f"{kind.__prefix__}{kind.__separator__}"):
        return None
    try:
        return kind.unpack(data)
    except (TypeError, ValueError):
        return None


class ButtonKinds(Filter):
    """A router's own filter: the press carries data of one of its kinds of buttons."""

    def __init__(self, kinds: Iterable[type[CallbackData]]) -> None:
        self.kinds = frozenset(kinds)
        self.heads = tuple(sorted(f"{kind.__prefix__}{kind.__separator__}" for kind in self.kinds))

    @classmethod
    def union(cls, found: Iterable["ButtonKinds"]) -> "ButtonKinds":
        return cls(kind for kinds in found for kind in kinds.kinds)

    async def __call__(self, query: CallbackQuery) -> bool:
        return isinstance(query, CallbackQuery) and (query.data or "").startswith(self.heads)


def only_its_buttons(router: Router) -> ButtonKinds | None:
    """Let ``router`` look at a press only if one of its handlers takes that kind of button;
    the kinds it takes, or ``None`` when it may take any.

    A press then passes one check per router instead of one per handler. It applies only when
    every button handler of the router (and nothing beneath it) names its kind.
    """
    kinds = [_kind_of(handler.filters or []) for handler in router.callback_query.handlers]
    if router.sub_routers or None in kinds:
        return None
    own = ButtonKinds(kind for kind in kinds if kind is not None)
    if kinds:
        router.callback_query.filter(own)
    return own


def _kind_of(filters: list[Any]) -> type[CallbackData] | None:
    found = [f.callback.callback_data for f in filters if isinstance(f.callback, ButtonFilter)]
    return found[0] if found else None


class WizardCb(Button, prefix="w"):
    """A choice in the new-request wizard: ``step`` is loc, cat, pri, files, confirm, edit."""

    step: str
    value: str = ""


class ListCb(Button, prefix="l"):
    """A page of a list: ``kind`` is my, queue or search; ``flt`` a compact filter."""

    kind: str
    page: int = 0
    flt: str = ""


class CardCb(Button, prefix="r"):
    """Open a request card, or act on it; ``v`` is the version the card showed."""

    id: int
    action: str = "open"
    v: int = 0
    arg: str = ""


class UserCb(Button, prefix="u"):
    """An admin's action on a person: approve, decline, block, unblock, promote, demote, open."""

    id: int
    action: str = "open"
    page: int = 0


class OrgCb(Button, prefix="o"):
    """The organization switcher: ``list`` the person's organizations, or switch ``to`` ``id``."""

    action: str = "list"
    id: int = 0
