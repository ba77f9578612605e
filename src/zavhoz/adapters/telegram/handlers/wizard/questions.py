"""Each step's question: its text (with what the draft holds now) and its buttons."""

from collections.abc import Awaitable, Callable

from aiogram.types import InlineKeyboardMarkup

from zavhoz.adapters.telegram.handlers.wizard.places import places
from zavhoz.adapters.telegram.handlers.wizard.turn import Turn
from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.keyboards import wizard as kb
from zavhoz.adapters.telegram.views import words
from zavhoz.adapters.telegram.views.draft_card import draft_card
from zavhoz.domain.attachments import MAX_ATTACHMENTS, MAX_DOCUMENT_BYTES
from zavhoz.domain.text import DESCRIPTION, LOCATION

MEGABYTE = 1024 * 1024

Question = tuple[str, InlineKeyboardMarkup]


async def location(turn: Turn) -> Question:
    t, draft = turn.t, turn.draft
    shown = turn.data["places"] = await places(turn.services, turn.user)
    text = t("wizard.location.ask", min=LOCATION.min_length, max=LOCATION.max_length)
    if draft.location:
        text += "\n" + t("wizard.current", value=draft.location)
    keep = bool(draft.location) and not turn.editing
    names = [str(place["name"]) for place in shown]
    return text, kb.location_keyboard(t, names, keep_current=keep, editing=turn.editing)


async def category(turn: Turn) -> Question:
    return turn.t("wizard.category.ask"), kb.category_keyboard(turn.t, turn.draft.category)


async def description(turn: Turn) -> Question:
    t, draft = turn.t, turn.draft
    text = t("wizard.description.ask", min=DESCRIPTION.min_length, max=DESCRIPTION.max_length)
    if draft.description:
        text += "\n\n" + t("wizard.current", value=draft.description)
    keep = bool(draft.description) and not turn.editing
    return text, kb.description_keyboard(t, keep_current=keep)


async def priority(turn: Turn) -> Question:
    return _priority_question(turn.t), kb.priority_keyboard(turn.t, turn.draft.priority)


@kb.kept
def _priority_question(t: Texts) -> str:
    """The priorities with their hints: the same text all day in a language."""
    lines = [t("wizard.priority.ask")]
    lines += [
        t(
            "wizard.priority.line",
            priority=Html(words.priority(t, p)),
            hint=Html(t(f"priority_hint.{p.value}")),
        )
        for p in kb.URGENCIES
    ]
    return "\n".join(lines)


async def files(turn: Turn) -> Question:
    t, count = turn.t, len(turn.draft.attachments)
    text = t("wizard.files.ask", limit=MAX_ATTACHMENTS, size=MAX_DOCUMENT_BYTES // MEGABYTE)
    if count:
        text += "\n" + t("wizard.files.attached", n=count, limit=MAX_ATTACHMENTS)
    return text, kb.files_keyboard(t, count, editing=turn.editing)


async def confirm(turn: Turn) -> Question:
    return draft_card(turn.draft, turn.t), kb.confirm_keyboard(turn.t, turn.draft.key)


QUESTIONS: dict[str, Callable[[Turn], Awaitable[Question]]] = {
    "location": location,
    "category": category,
    "description": description,
    "priority": priority,
    "attachments": files,
    "confirm": confirm,
}
