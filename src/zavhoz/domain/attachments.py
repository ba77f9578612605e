"""Files people attach: Telegram photos and documents."""

from enum import StrEnum

import attrs

from zavhoz.domain.errors import ValidationFailed

MAX_ATTACHMENTS = 10
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
"""The Bot API refuses to download bigger files."""


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


def _check_size(instance: "Attachment", _: object, size: int | None) -> None:
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise ValidationFailed("attachment", "max_size", MAX_DOCUMENT_BYTES, size)


@attrs.frozen(kw_only=True)
class Attachment:
    file_id: str
    file_unique_id: str
    kind: AttachmentKind
    mime_type: str | None = None
    size: int | None = attrs.field(default=None, validator=_check_size)
    name: str | None = None


def check_count(attachments: "tuple[Attachment, ...] | list[Attachment]") -> None:
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationFailed("attachments", "max_count", MAX_ATTACHMENTS, len(attachments))
