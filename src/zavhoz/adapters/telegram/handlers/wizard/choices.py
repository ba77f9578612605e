"""The category and priority steps: chosen by buttons; what is typed there gets a hint."""

from aiogram.types import Message

from zavhoz.adapters.telegram.handlers.wizard.files import is_file, take_file, tell
from zavhoz.adapters.telegram.handlers.wizard.flow import advance, question, show
from zavhoz.adapters.telegram.handlers.wizard.turn import Turn
from zavhoz.adapters.telegram.i18n import Html
from zavhoz.adapters.telegram.views import words
from zavhoz.domain.catalog import Category, Priority


async def category_typed(turn: Turn, message: Message) -> None:
    hint = "wizard.category.use_buttons" if message.text else "wizard.unsupported"
    await show(turn, "category", turn.t(hint))


async def category_chosen(turn: Turn, value: str) -> None:
    if value not in set(Category):
        await show(turn, "category", turn.t("common.stale_button"))
        return
    turn.draft.category = value
    await _chosen(turn, "category", words.category(turn.t, Category(value)))


async def priority_typed(turn: Turn, message: Message) -> None:
    """Only the rest of the album whose caption became the description is welcome here."""
    album = turn.draft.album
    if is_file(message) and album is not None and message.media_group_id == album:
        _, note = await take_file(turn, message)
        await tell(turn, message, *await question(turn, "priority", note))
        return
    known = message.text is not None or is_file(message)
    hint = "wizard.priority.use_buttons" if known else "wizard.unsupported"
    await show(turn, "priority", turn.t(hint))


async def priority_chosen(turn: Turn, value: str) -> None:
    if value not in set(Priority):
        await show(turn, "priority", turn.t("common.stale_button"))
        return
    turn.draft.priority = value
    await _chosen(turn, "priority", words.priority(turn.t, Priority(value)))


async def _chosen(turn: Turn, step: str, label: str) -> None:
    """The question becomes the answer («🏷 Категория: Сантехника»); on to the next step."""
    await turn.edit(turn.t(f"wizard.{step}.chosen", value=Html(label)))
    await advance(turn, step)
