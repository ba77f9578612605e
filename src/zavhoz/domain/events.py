"""History: every change to a request is an event, kept forever."""

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

import attrs

from zavhoz.domain.attachments import Attachment
from zavhoz.domain.ids import UserId

PayloadValue = str | int | bool | None


class EventKind(StrEnum):
    CREATED = "created"
    TAKEN = "taken"
    ASSIGNED = "assigned"
    REASSIGNED = "reassigned"
    PUT_ON_HOLD = "put_on_hold"
    RESUMED = "resumed"
    COMPLETED = "completed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    REOPENED = "reopened"
    CONFIRMED = "confirmed"
    RATED = "rated"
    PRIORITY_CHANGED = "priority_changed"
    COMMENT_ADDED = "comment_added"
    ATTACHMENT_ADDED = "attachment_added"
    WATCHER_ADDED = "watcher_added"


@attrs.frozen(kw_only=True)
class HistoryEvent:
    kind: EventKind
    actor: UserId
    at: datetime
    payload: Mapping[str, PayloadValue] = attrs.field(factory=dict)
    attachments: tuple[Attachment, ...] = ()

    @property
    def is_internal(self) -> bool:
        """An internal note: never shown to, nor sent to, the author."""
        return self.payload.get("internal") is True
