"""Photos and documents: the attachments step, and files sent with (or after) the description."""

import logging

from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup, Message

from zavhoz.adapters.telegram.errors import explain
from zavhoz.adapters.telegram.handlers.wizard.flow import advance, show
from zavhoz.adapters.telegram.handlers.wizard.turn import Turn
from zavhoz.adapters.telegram.keyboards.wizard import files_keyboard
from zavhoz.domain.attachments import MAX_ATTACHMENTS, Attachment
from zavhoz.domain.attachments import AttachmentKind as Kind
from zavhoz.domain.errors import ValidationFailed

log = logging.getLogger("zavhoz.telegram.wizard")

PHOTO_MIME = "image/jpeg"


def is_file(message: Message) -> bool:
    """A photo or a document (a GIF comes as a document too, and is not one)."""
    return bool(message.photo) or (message.document is not None and message.animation is None)


async def take_file(turn: Turn, message: Message) -> tuple[bool, str]:
    """Attach the message's file: whether it was accepted, and what to say ("Фото 2 из 10",
    or why not: too big, one too many, already attached; within an album, after its count)."""
    t = turn.t
    try:
        attachment = _attachment(message)
        if turn.draft.has(attachment):
            return False, _after_count(turn, message, t("wizard.files.duplicate"))
        turn.draft.attach(attachment)
    except ValidationFailed as error:
        return False, _after_count(turn, message, await explain(error, t, turn.services))
    return True, _counted(turn, attachment.kind)


def _counted(turn: Turn, kind: Kind) -> str:
    """«🖼 Фото 3 из 10» (and that it is the maximum)."""
    count, t = len(turn.draft.attachments), turn.t
    key = "wizard.files.photo" if kind is Kind.PHOTO else "wizard.files.document"
    counted = t(key, n=count, limit=MAX_ATTACHMENTS)
    if count >= MAX_ATTACHMENTS:
        counted += "\n" + t("wizard.files.full")
    return counted


def _after_count(turn: Turn, message: Message, refusal: str) -> str:
    """An album is answered by one message: a refused photo keeps the count shown above."""
    kinds = [a.kind for a in turn.draft.files()]
    if message.media_group_id is None or not kinds:
        return refusal
    return _counted(turn, kinds[-1]) + "\n" + refusal


async def tell(turn: Turn, message: Message, text: str, markup: InlineKeyboardMarkup) -> None:
    """Answer a file; the rest of its album changes that answer: one message per album."""
    album = message.media_group_id
    if album is not None and await _recount(turn, album, text, markup):
        return
    await turn.ask(text, markup)
    if album is not None:
        turn.data["album_answer"] = [album, turn.data["prompt"], text]
        await turn.save()


async def _recount(turn: Turn, album: str, text: str, markup: InlineKeyboardMarkup) -> bool:
    """Change the album's answer, if it is still the newest question (unchanged: no edit)."""
    prompt, answered = turn.data.get("prompt"), turn.data.get("album_answer")
    if not isinstance(prompt, int) or not answered or answered[:2] != [album, prompt]:
        return False
    if answered[2] != text and not await _redraw(turn, prompt, text, markup):
        return False
    turn.data["album_answer"] = [album, prompt, text]
    await turn.save()
    return True


def remember_album(turn: Turn, message: Message) -> None:
    """The question just asked answers this file: the rest of its album will change it."""
    album = message.media_group_id
    if album is not None:
        turn.data["album_answer"] = [album, turn.data.get("prompt"), None]


async def _redraw(turn: Turn, prompt: int, text: str, markup: InlineKeyboardMarkup) -> bool:
    """A refused change (gone, too old, or Telegram refusing the call) asks anew instead."""
    try:
        await turn.bot.edit_message_text(
            text, chat_id=turn.chat_id, message_id=prompt, reply_markup=markup
        )
    except TelegramAPIError as error:
        log.info("asking anew: could not change message %s: %s", prompt, error)
        return False
    return True


async def files_typed(turn: Turn, message: Message) -> None:
    t = turn.t
    if not is_file(message):
        hint = "wizard.files.text_hint" if message.text is not None else "wizard.unsupported"
        await show(turn, "attachments", t(hint))
        return
    accepted, note = await take_file(turn, message)
    if accepted and message.caption:
        note += "\n" + t("wizard.files.caption_ignored")
    count = len(turn.draft.attachments)
    await tell(turn, message, note, files_keyboard(t, count, editing=turn.editing))


async def files_button(turn: Turn, value: str) -> None:
    """«✅ Готово» / «⏭ Пропустить», or «🗑 Убрать все файлы» while editing."""
    await turn.edit()
    if value == "clear":
        turn.draft.attachments = []
        await show(turn, "attachments", turn.t("wizard.files.cleared"))
        return
    await advance(turn, "attachments")


def _attachment(message: Message) -> Attachment:
    """The photo (its largest size) or document; ``ValidationFailed`` for a too-big document."""
    if message.photo:
        photo = message.photo[-1]
        return Attachment(
            file_id=photo.file_id,
            file_unique_id=photo.file_unique_id,
            kind=Kind.PHOTO,
            mime_type=PHOTO_MIME,
            size=photo.file_size,
        )
    document = message.document
    assert document is not None
    return Attachment(
        file_id=document.file_id,
        file_unique_id=document.file_unique_id,
        kind=Kind.DOCUMENT,
        mime_type=document.mime_type,
        size=document.file_size,
        name=document.file_name,
    )
