"""The wizard's draft: plain JSON in the FSM data, and the confirmation card that shows it.

FSM data of a person in the wizard (JSON, so Redis can keep it)::

    {"key": "<uuid4 hex>",            # idempotency key, made once per draft
     "draft": {"location": ..., "room_code": ..., "category": ..., "description": ...,
               "priority": "medium", "attachments": [{"file_id": ..., "file_unique_id": ...,
               "kind": "photo", "mime_type": ..., "size": ..., "name": ...}], "album": ...},
     "editing": false,                # a field picked from «✏️ Изменить»: return to the card
     "places": [{"name": "Спортзал", "room": "gym"}],    # the location buttons shown
     "submitted": {"key": "...", "id": 142}}                 # the last draft sent, kept after it
"""

import uuid
from collections.abc import Mapping
from typing import Any

import attrs

from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.views import words
from zavhoz.domain.attachments import Attachment, AttachmentKind, check_count
from zavhoz.domain.catalog import Category, Priority


def _new_key() -> str:
    return uuid.uuid4().hex


@attrs.define(kw_only=True)
class Draft:
    key: str = attrs.field(factory=_new_key)
    location: str | None = None
    room_code: str | None = None
    category: str | None = None
    description: str | None = None
    priority: str = Priority.MEDIUM.value
    attachments: list[dict[str, Any]] = attrs.field(factory=list)
    album: str | None = None
    """The media group whose caption became the description: its other photos join the files."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "Draft | None":
        raw, key = data.get("draft"), data.get("key")
        if not isinstance(raw, dict) or not isinstance(key, str):
            return None
        return cls(
            key=key,
            location=raw.get("location"),
            room_code=raw.get("room_code"),
            category=raw.get("category"),
            description=raw.get("description"),
            priority=raw.get("priority") or Priority.MEDIUM.value,
            attachments=[dict(a) for a in raw.get("attachments") or []],
            album=raw.get("album"),
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "draft": {
                "location": self.location,
                "room_code": self.room_code,
                "category": self.category,
                "description": self.description,
                "priority": self.priority,
                "attachments": [dict(a) for a in self.attachments],
                "album": self.album,
            },
        }

    @property
    def complete(self) -> bool:
        return bool(self.location and self.category and self.description)

    def files(self) -> tuple[Attachment, ...]:
        return tuple(
            Attachment(
                file_id=a["file_id"],
                file_unique_id=a["file_unique_id"],
                kind=AttachmentKind(a["kind"]),
                mime_type=a.get("mime_type"),
                size=a.get("size"),
                name=a.get("name"),
            )
            for a in self.attachments
        )

    def has(self, attachment: Attachment) -> bool:
        return any(a["file_unique_id"] == attachment.file_unique_id for a in self.attachments)

    def attach(self, attachment: Attachment) -> None:
        """Add a file; raises ``ValidationFailed`` (max_count) past the core's limit."""
        check_count([*self.files(), attachment])
        self.attachments.append(
            {
                "file_id": attachment.file_id,
                "file_unique_id": attachment.file_unique_id,
                "kind": attachment.kind.value,
                "mime_type": attachment.mime_type,
                "size": attachment.size,
                "name": attachment.name,
            }
        )


def files_summary(draft: Draft, t: Texts) -> str:
    photos = sum(a["kind"] == AttachmentKind.PHOTO.value for a in draft.attachments)
    documents = len(draft.attachments) - photos
    parts = []
    if photos:
        parts.append(t("wizard.card.photos", n=photos))
    if documents:
        parts.append(t("wizard.card.documents", n=documents))
    if not parts:
        return t("wizard.card.no_files")
    return t("wizard.card.files", value=Html(", ".join(parts)))


def draft_card(draft: Draft, t: Texts) -> str:
    """Everything the person entered, escaped, for the last look before sending."""
    lines = [t("wizard.card.title"), t("wizard.card.location", value=draft.location or "—")]
    if draft.category:
        category = words.category(t, Category(draft.category))
        lines.append(t("wizard.card.category", value=Html(category)))
    lines += [
        t("wizard.card.priority", value=Html(words.priority(t, Priority(draft.priority)))),
        files_summary(draft, t),
        "",
        t("wizard.card.description", value=draft.description or "—"),
    ]
    return "\n".join(lines)
