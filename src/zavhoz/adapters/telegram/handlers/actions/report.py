"""A completion report: its text, then photos of the work (kept as plain dicts in the FSM)."""

from aiogram.types import Message

from zavhoz.adapters.telegram.handlers.actions.talk import Talk
from zavhoz.adapters.telegram.keyboards import actions as kb
from zavhoz.adapters.telegram.states import AskText
from zavhoz.domain import text as rules
from zavhoz.domain.attachments import MAX_ATTACHMENTS, Attachment, AttachmentKind, check_count
from zavhoz.domain.errors import ValidationFailed


async def take_report(talk: Talk, report: str) -> None:
    """Check the report's length now (the core's rule), so the photos are not sent in vain."""
    try:
        rules.REPORT.clean(report)
    except ValidationFailed as error:
        await talk.refuse(error)
        return
    await talk.state.update_data(text=report)
    await talk.state.set_state(AskText.photos)
    data = await talk.state.get_data()
    count = len(data.get("photos", []))
    if count:
        key = "act.photos_ask_kept"
    elif talk.services.settings.require_completion_photo:
        key = "act.photos_ask_required"
    else:
        key = "act.photos_ask"
    await talk.say(
        talk.t(key, n=count, limit=MAX_ATTACHMENTS), kb.photos(talk.t, data["request_id"])
    )


async def take_photo(talk: Talk, message: Message, step: str | None) -> None:
    """A photo of the work: counted; before the report, its caption is the report."""
    if not await _keep_photo(talk, message):
        return
    data = await talk.state.get_data()
    if step == AskText.photos.state:
        text = talk.t("act.photo_counted", n=len(data["photos"]), limit=MAX_ATTACHMENTS)
        await talk.say(text, kb.photos(talk.t, data["request_id"]))
    elif message.caption:
        await take_report(talk, message.caption)
    else:
        await talk.say(talk.t("act.photo_kept"), kb.prompt(talk.t, data["request_id"]))


def kept_photos(data: dict[str, object]) -> list[Attachment]:
    photos = data.get("photos")
    kept = [p for p in photos if isinstance(p, dict)] if isinstance(photos, list) else []
    return [_attachment(p) for p in kept]


async def _keep_photo(talk: Talk, message: Message) -> bool:
    """Keep the largest size; one past the core's limit is refused."""
    assert message.photo
    largest = message.photo[-1]
    photo = {
        "file_id": largest.file_id,
        "file_unique_id": largest.file_unique_id,
        "size": largest.file_size,
    }
    kept = list((await talk.state.get_data()).get("photos", []))
    try:
        check_count([_attachment(p) for p in [*kept, photo]])
    except ValidationFailed as error:
        await talk.refuse(error)
        return False
    await talk.state.update_data(photos=[*kept, photo])
    return True


def _attachment(photo: dict[str, object]) -> Attachment:
    size = photo.get("size")
    return Attachment(
        file_id=str(photo["file_id"]),
        file_unique_id=str(photo["file_unique_id"]),
        kind=AttachmentKind.PHOTO,
        size=size if isinstance(size, int) else None,
    )
