"""Which messages a handler takes: a menu button in any language, a command, typed text.

A router looks only at the messages one of its handlers may take (``only_its_messages``): a
message then passes one check per router instead of one per handler.
"""

from collections.abc import Iterable
from typing import Any

from aiogram import Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from zavhoz.adapters.telegram.i18n import Translator, default_translator


class MenuButton(Filter):
    """Matches the text of menu item ``item`` (e.g. "my") in every locale."""

    def __init__(self, *items: str, translator: Translator | None = None) -> None:
        texts = (translator or default_translator()).all()
        self.labels = frozenset(t(f"menu.{item}") for t in texts for item in items)

    async def __call__(self, message: Message) -> bool:
        return message.text in self.labels


class NotCommand(Filter):
    """Anything but a command: typed text, or a message without text (a photo)."""

    async def __call__(self, message: Message) -> bool:
        return not (message.text or "").startswith("/")


class Typed(Filter):
    """Typed text that is not a command."""

    async def __call__(self, message: Message) -> bool:
        text = message.text
        return bool(text) and not (text or "").startswith("/")


class MessageKinds(Filter):
    """A router's own filter: a menu button, a command or a state one of its handlers takes."""

    def __init__(
        self,
        labels: Iterable[str] = (),
        prefixes: Iterable[str] = (),
        states: Iterable[str | None] = (),
    ) -> None:
        self.labels = frozenset(labels)
        self.prefixes = frozenset(prefixes)
        self.states = frozenset(states)

    async def __call__(self, message: Message, raw_state: str | None = None) -> bool:
        if message.text in self.labels or raw_state in self.states:
            return True
        text = message.text or message.caption
        if not text:
            return False
        # As ``Command`` reads it: the first character after any leading whitespace.
        return text.lstrip()[:1] in self.prefixes

    @classmethod
    def union(cls, kinds: Iterable["MessageKinds"]) -> "MessageKinds":
        found = list(kinds)
        return cls(
            labels=[label for kind in found for label in kind.labels],
            prefixes=[prefix for kind in found for prefix in kind.prefixes],
            states=[state for kind in found for state in kind.states],
        )


def only_its_messages(router: Router) -> MessageKinds | None:
    """Let ``router`` look at a message only if one of its handlers may take it; what it takes,
    or ``None`` when it may take any.

    It applies only when every message handler of the router (and nothing beneath it) has a
    menu button, a command or a state among its filters.
    """
    handlers = router.message.handlers
    kinds = [kind for h in handlers if (kind := _kind_of(h.filters or [])) is not None]
    if router.sub_routers or len(kinds) < len(handlers):
        return None
    own = MessageKinds.union(kinds)
    if handlers:
        router.message.filter(own)
    return own


def _kind_of(filters: list[Any]) -> MessageKinds | None:
    """What a handler's message must be, from the first of its filters that says so."""
    for found in (_kind(f.callback) for f in filters):
        if found is not None:
            return found
    return None


def _kind(check: object) -> MessageKinds | None:
    if isinstance(check, MenuButton):
        return MessageKinds(labels=check.labels)
    if isinstance(check, Command):
        return MessageKinds(prefixes=check.prefix)
    if isinstance(check, StateFilter):
        names = [name for state in check.states for name in _names(state)]
        return None if "*" in names else MessageKinds(states=names)
    return None


def _names(state: object) -> list[str | None]:
    if isinstance(state, State):
        return [state.state]
    if isinstance(state, StatesGroup):
        return list(type(state).__all_states_names__)
    if isinstance(state, type) and issubclass(state, StatesGroup):
        return list(state.__all_states_names__)
    return [state] if state is None or isinstance(state, str) else ["*"]
