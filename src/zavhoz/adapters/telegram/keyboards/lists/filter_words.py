"""The queue's filter in words: on its buttons, in its pickers, and in the list's header."""

from collections.abc import Callable
from typing import Any

from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards.lists.queue_view import QueueView
from zavhoz.adapters.telegram.views import words

_WORDS: dict[str, Callable[[Texts, Any], str]] = {
    "status": words.status,
    "priority": words.priority,
    "category": words.category,
}
_EVERY = {"status": "all_active", "priority": "any", "category": "any"}
"""The word for ``None`` in each field: «все активные», «любая»."""


def field_value(t: Texts, field: str, value: object, *, option: bool = False) -> str:
    """``option``: as a choice in a picker («Любая» rather than «любая»)."""
    if value is None:
        every = _EVERY[field]
        return t(f"lists.filter.option_{every}" if option else f"lists.filter.{every}")
    return _WORDS[field](t, value)


def filter_summary(view: QueueView, t: Texts) -> list[str]:
    """The active filters, for the queue's header."""
    values = [(field, getattr(view, field)) for field in QueueView.FIELDS]
    parts = [field_value(t, field, value) for field, value in values if value is not None]
    if view.mine and not view.tasks:
        parts.append(t("lists.filter.mine_word"))
    if view.overdue:
        parts.append(t("lists.filter.overdue_word"))
    return parts
