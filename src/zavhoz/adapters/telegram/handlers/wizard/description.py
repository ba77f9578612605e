"""The description step: text, or a photo or document whose caption is the description."""

from aiogram.types import Message

from zavhoz.adapters.telegram.errors import explain
from zavhoz.adapters.telegram.handlers.wizard.files import (
    is_file,
    remember_album,
    take_file,
    tell,
)
from zavhoz.adapters.telegram.handlers.wizard.flow import advance, question, show
from zavhoz.adapters.telegram.handlers.wizard.turn import Turn
from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.text import DESCRIPTION


async def description_typed(turn: Turn, message: Message) -> None:
    if message.text is not None:
        await _describe(turn, message.text)
    elif not is_file(message):
        await show(turn, "description", turn.t("wizard.unsupported"))
    elif message.caption is None:
        await _file_without_words(turn, message)
    else:
        await _file_with_caption(turn, message, message.caption)


async def _file_without_words(turn: Turn, message: Message) -> None:
    """The file is kept; the description is still to come."""
    accepted, note = await take_file(turn, message)
    if accepted:
        note += "\n" + turn.t("wizard.description.file_kept")
    await tell(turn, message, *await question(turn, "description", note))


async def _file_with_caption(turn: Turn, message: Message, caption: str) -> None:
    """The caption is the description; the rest of its album joins at the next step."""
    accepted, note = await take_file(turn, message)
    if accepted and message.media_group_id:
        turn.draft.album = message.media_group_id
    await _describe(turn, caption, note)
    remember_album(turn, message)
    await turn.save()


async def _describe(turn: Turn, text: str, note: str | None = None) -> None:
    """Too short or too long stays on the step and says the limit."""
    try:
        turn.draft.description = DESCRIPTION.clean(text)
    except ValidationFailed as error:
        problem = await explain(error, turn.t, turn.services)
        await show(turn, "description", f"{note}\n{problem}" if note else problem)
        return
    await advance(turn, "description", note)
