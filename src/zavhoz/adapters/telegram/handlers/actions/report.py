"""A completion report: its text, then photos of the work (kept as plain dicts in the FSM).

The report's step is its data: a report written (``text`` kept) is at its photos. The text is
written before the state, so a failure between the two (or a refused photos question) leaves
the report kept and the person at the photos, never asked to type it again.
"""

from typing import Any

from aiogram.types import Message

from zavhoz.adapters.telegram.handlers._scene import Scene
from zavhoz.adapters.telegram.handlers.actions.table import ROWS, Ask, Row
from zavhoz.adapters.telegram.keyboards import actions as kb
from zavhoz.adapters.telegram.states import AskText
from zavhoz.domain.attachments import MAX_ATTACHMENTS, Attachment, AttachmentKind, check_count
from zavhoz.domain.errors import ValidationFailed


async def take_report(scene: Scene, row: Row, report: str) -> None:
    """Check the report's length now (the core's rule), so the photos are not sent in vain."""
    try:
        if row.rule is not None:
            row.rule.clean(report)
    except ValidationFailed as error:
        await scene.refuse(error)
        return
    data = await scene.state.update_data(text=report)
    await scene.state.set_state(AskText.photos)
    count = len(data.get("photos", []))
    if count:
        key = "act.photos_ask_kept"
    elif scene.services.settings.require_completion_photo:
        key = "act.photos_ask_required"
    else:
        key = "act.photos_ask"
    await scene.say(
        scene.t(key, n=count, limit=MAX_ATTACHMENTS), kb.photos(scene.t, data["request_id"])
    )


async def take_photo(scene: Scene, row: Row, message: Message, step: str | None) -> None:
    """A photo of the work: counted; before the report, its caption is the report."""
    if not await _keep_photo(scene, message):
        return
    data = await scene.state.get_data()
    if step == AskText.photos.state:
        text = scene.t("act.photo_counted", n=len(data["photos"]), limit=MAX_ATTACHMENTS)
        await scene.say(text, kb.photos(scene.t, data["request_id"]))
    elif message.caption:
        await take_report(scene, row, message.caption)
    else:
        await scene.say(scene.t("act.photo_kept"), kb.prompt(scene.t, data["request_id"]))


def step_of(data: dict[str, Any], state: str | None) -> str | None:
    """The conversation's step: the photos once a report is written, whatever the state says."""
    row = ROWS.get(str(data.get("action")))
    written = row is not None and row.asks is Ask.REPORT and "text" in data
    return AskText.photos.state if written else state


def kept_photos(data: dict[str, object]) -> list[Attachment]:
    photos = data.get("photos")
    kept = [p for p in photos if isinstance(p, dict)] if isinstance(photos, list) else []
    return [_attachment(p) for p in kept]


async def _keep_photo(scene: Scene, message: Message) -> bool:
    """Keep the largest size; one past the core's limit is refused."""
    assert message.photo
    largest = message.photo[-1]
    photo = {
        "file_id": largest.file_id,
        "file_unique_id": largest.file_unique_id,
        "size": largest.file_size,
    }
    kept = list((await scene.state.get_data()).get("photos", []))
    try:
        check_count([_attachment(p) for p in [*kept, photo]])
    except ValidationFailed as error:
        await scene.refuse(error)
        return False
    await scene.state.update_data(photos=[*kept, photo])
    return True


def _attachment(photo: dict[str, object]) -> Attachment:
    size = photo.get("size")
    return Attachment(
        file_id=str(photo["file_id"]),
        file_unique_id=str(photo["file_unique_id"]),
        kind=AttachmentKind.PHOTO,
        size=size if isinstance(size, int) else None,
    )
