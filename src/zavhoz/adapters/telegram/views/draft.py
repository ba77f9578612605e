"""The wizard's draft, kept as plain JSON in the FSM data (so Redis can keep it).

FSM data of a person in the wizard::

    {"key": "<uuid4 hex>",            # idempotency key, made once per draft
     "draft": {"location": ..., "room_code": ..., "category": ..., "description": ...,
               "priority": "medium", "attachments": [{"file_id": ..., "file_unique_id": ...,
               "kind": "photo", "mime_type": ..., "size": ..., "name": ...}], "album": ...},
     "prompt": 1234,                  # the wizard's newest question: the only live buttons
     "editing": false,                # a field picked from «✏️ Изменить»: return to the card
     "places": [{"name": "Спортзал", "room": "gym"}],    # the location buttons shown
     "submitted": {"key": "...", "id": 9042, "number": 142}}  # the last draft sent, kept after it
"""

import uuid
from collections.abc import Mapping
from typing import Any

import attrs

from zavhoz.domain.attachments import Attachment, AttachmentKind, check_count
from zavhoz.domain.catalog import Priority


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
        fields = {
            "location": self.location,
            "room_code": self.room_code,
            "category": self.category,
            "description": self.description,
            "priority": self.priority,
            "attachments": [dict(a) for a in self.attachments],
            "album": self.album,
        }
        return {"key": self.key, "draft": fields}

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
