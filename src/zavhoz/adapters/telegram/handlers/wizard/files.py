"""Photos and documents: the attachments step, and files sent with (or after) the description."""

from aiogram.types import Message

from zavhoz.adapters.telegram.errors import explain
from zavhoz.adapters.telegram.handlers.wizard.flow import advance, show
from zavhoz.adapters.telegram.handlers.wizard.turn import Turn
from zavhoz.adapters.telegram.keyboards.wizard import files_keyboard
from zavhoz.domain.attachments import MAX_ATTACHMENTS, Attachment
from zavhoz.domain.attachments import AttachmentKind as Kind
from zavhoz.domain.errors import ValidationFailed

PHOTO_MIME = "image/jpeg"


def is_file(message: Message) -> bool:
    """A photo or a document (a GIF comes as a document too, and is not one)."""
    return bool(message.photo) or (message.document is not None and message.animation is None)


async def take_file(turn: Turn, message: Message) -> tuple[bool, str]:
    """Attach the message's file: whether it was accepted, and what to say ("Фото 2 из 10",
    or why not: too big, one too many, already attached)."""
    t = turn.t
    try:
        attachment = _attachment(message)
        if turn.draft.has(attachment):
            return False, t("wizard.files.duplicate")
        turn.draft.attach(attachment)
    except ValidationFailed as error:
        return False, await explain(error, t, turn.services)
    count = len(turn.draft.attachments)
    key = "wizard.files.photo" if attachment.kind is Kind.PHOTO else "wizard.files.document"
    counted = t(key, n=count, limit=MAX_ATTACHMENTS)
    if count >= MAX_ATTACHMENTS:
        counted += "\n" + t("wizard.files.full")
    return True, counted


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
    await turn.ask(note, files_keyboard(t, count, editing=turn.editing))


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
