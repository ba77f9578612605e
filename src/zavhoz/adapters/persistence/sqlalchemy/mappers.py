"""Explicit mapping between rows and domain objects (no ORM instrumentation on the domain)."""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from zavhoz.application.messages import OutboxMessage
from zavhoz.domain.attachments import Attachment, AttachmentKind
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.events import EventKind, HistoryEvent
from zavhoz.domain.ids import OrgId, RequestId, RoomCode, UserId
from zavhoz.domain.organizations import Invite, Membership, Organization
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.sla import SlaCheckpoint, SlaKind, SlaLevel
from zavhoz.domain.users import Role, User, UserState

Row = Mapping[Any, Any]

NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)
"""Sorts after every real deadline, so the queue orders by one indexed column."""


def user_to_row(user: User) -> dict[str, Any]:
    """The person's own row; their role and state go to ``user_membership``."""
    return {
        "id": user.id,
        "name": user.name,
        "username": user.username,
        "language": user.language,
        "reachable": user.reachable,
        "mute_sla_warnings": user.mute_sla_warnings,
        "created_at": user.created_at,
        "organization_id": user.organization,
    }


def user_membership(user: User) -> Membership:
    return Membership(
        person=user.id, organization=user.organization, role=user.role, state=user.state
    )


def user_from_row(row: Row) -> User:
    """From the person's row joined with their membership in their current organization
    (none there reads as a newcomer: staff, pending)."""
    return User(
        id=UserId(row["id"]),
        name=row["name"],
        username=row["username"],
        language=row["language"],
        role=Role(row["role"] or Role.STAFF),
        state=UserState(row["state"] or UserState.PENDING),
        reachable=row["reachable"],
        mute_sla_warnings=row["mute_sla_warnings"],
        created_at=row["created_at"],
        organization=OrgId(row["organization_id"]),
    )


def organization_to_row(organization: Organization) -> dict[str, Any]:
    return {
        "slug": organization.slug,
        "name": organization.name,
        "parent_id": organization.parent,
        "settings": dict(organization.settings),
    }


def organization_from_row(row: Row) -> Organization:
    parent = row["parent_id"]
    return Organization(
        id=OrgId(row["id"]),
        slug=row["slug"],
        name=row["name"],
        parent=OrgId(parent) if parent is not None else None,
        settings=dict(row["settings"]),
    )


def membership_to_row(membership: Membership) -> dict[str, Any]:
    return {
        "person_id": membership.person,
        "organization_id": membership.organization,
        "role": membership.role.value,
        "state": membership.state.value,
    }


def membership_from_row(row: Row) -> Membership:
    return Membership(
        person=UserId(row["person_id"]),
        organization=OrgId(row["organization_id"]),
        role=Role(row["role"]),
        state=UserState(row["state"]),
    )


def invite_to_row(invite: Invite) -> dict[str, Any]:
    return {
        "token": invite.token,
        "organization_id": invite.organization,
        "role": invite.role.value,
        "created_by": invite.created_by,
        "created_at": invite.created_at,
        "expires_at": invite.expires_at,
        "revoked": invite.revoked,
    }


def invite_from_row(row: Row) -> Invite:
    author = row["created_by"]
    return Invite(
        token=row["token"],
        organization=OrgId(row["organization_id"]),
        role=Role(row["role"]),
        created_by=UserId(author) if author is not None else None,
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked=row["revoked"],
    )


def room_to_row(room: Room) -> dict[str, Any]:
    return {
        "organization_id": room.organization,
        "code": room.code,
        "name": room.name,
        "building": room.building,
        "floor": room.floor,
    }


def room_from_row(row: Row) -> Room:
    return Room(
        code=RoomCode(row["code"]),
        name=row["name"],
        building=row["building"],
        floor=row["floor"],
        organization=OrgId(row["organization_id"]),
    )


def attachments_to_json(attachments: Sequence[Attachment]) -> list[dict[str, Any]]:
    return [
        {
            "file_id": a.file_id,
            "file_unique_id": a.file_unique_id,
            "kind": a.kind.value,
            "mime_type": a.mime_type,
            "size": a.size,
            "name": a.name,
        }
        for a in attachments
    ]


def attachments_from_json(items: Sequence[Mapping[str, Any]]) -> list[Attachment]:
    return [
        Attachment(
            file_id=item["file_id"],
            file_unique_id=item["file_unique_id"],
            kind=AttachmentKind(item["kind"]),
            mime_type=item["mime_type"],
            size=item["size"],
            name=item["name"],
        )
        for item in items
    ]


def _checkpoints_to_json(checkpoints: Sequence[SlaCheckpoint]) -> list[dict[str, str]]:
    return [
        {
            "kind": c.kind.value,
            "level": c.level.value,
            "at": c.at.isoformat(),
            "deadline": c.deadline.isoformat(),
        }
        for c in checkpoints
    ]


def _checkpoints_from_json(items: Sequence[Mapping[str, str]]) -> tuple[SlaCheckpoint, ...]:
    return tuple(
        SlaCheckpoint(
            SlaKind(item["kind"]),
            SlaLevel(item["level"]),
            datetime.fromisoformat(item["at"]),
            datetime.fromisoformat(item["deadline"]),
        )
        for item in items
    )


def search_text(request: Request) -> str:
    """Case-folded in Python: SQLite's ``lower()`` leaves Cyrillic as it is."""
    return f"{request.location}\n{request.title}\n{request.description}".casefold()


def request_to_row(request: Request) -> dict[str, Any]:
    return {
        "organization_id": request.organization,
        "number": request.number,
        "author_id": request.author,
        "location": request.location,
        "location_key": request.location.casefold(),
        "room_code": request.room_code,
        "category": request.category.value,
        "description": request.description,
        "title": request.title,
        "search_text": search_text(request),
        "priority": request.priority.value,
        "status": request.status.value,
        "assignee_id": request.assignee,
        "attachments": attachments_to_json(request.attachments),
        "watchers": sorted(request.watchers),
        "created_at": request.created_at,
        "updated_at": request.updated_at,
        "taken_at": request.taken_at,
        "completed_at": request.completed_at,
        "confirmed_at": request.confirmed_at,
        "closed_at": request.closed_at,
        "rating": request.rating,
        "feedback": request.feedback,
        "respond_by": request.respond_by,
        "resolve_by": request.resolve_by,
        "due_at": request.due_at,
        "urgency": request.due_at or NO_DEADLINE,
        "sla_started_at": request.sla_started_at,
        "held_seconds": request.held // timedelta(microseconds=1),
        "hold_started_at": request.hold_started_at,
        "sla_checkpoints": _checkpoints_to_json(request.sla_checkpoints),
        "sla_alerts_sent": sorted(request.sla_alerts_sent),
        "next_alert_at": request.next_alert_at,
        "idempotency_key": request.idempotency_key,
        "version": request.version,
    }


def request_from_row(row: Row) -> Request:
    return Request(
        id=RequestId(row["id"]),
        organization=OrgId(row["organization_id"]),
        number=row["number"],
        author=UserId(row["author_id"]),
        location=row["location"],
        room_code=RoomCode(row["room_code"]) if row["room_code"] else None,
        category=Category(row["category"]),
        description=row["description"],
        title=row["title"],
        priority=Priority(row["priority"]),
        status=Status(row["status"]),
        assignee=UserId(row["assignee_id"]) if row["assignee_id"] is not None else None,
        attachments=attachments_from_json(row["attachments"]),
        watchers={UserId(w) for w in row["watchers"]},
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        taken_at=row["taken_at"],
        completed_at=row["completed_at"],
        confirmed_at=row["confirmed_at"],
        closed_at=row["closed_at"],
        rating=row["rating"],
        feedback=row["feedback"],
        respond_by=row["respond_by"],
        resolve_by=row["resolve_by"],
        sla_started_at=row["sla_started_at"],
        held=timedelta(microseconds=row["held_seconds"]),
        hold_started_at=row["hold_started_at"],
        sla_checkpoints=_checkpoints_from_json(row["sla_checkpoints"]),
        sla_alerts_sent=frozenset(row["sla_alerts_sent"]),
        idempotency_key=row["idempotency_key"],
        version=row["version"],
    )


def event_to_row(request_id: RequestId, event: HistoryEvent) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "kind": event.kind.value,
        "actor_id": event.actor,
        "at": event.at,
        "payload": dict(event.payload),
        "attachments": attachments_to_json(event.attachments),
    }


def event_from_row(row: Row) -> HistoryEvent:
    return HistoryEvent(
        kind=EventKind(row["kind"]),
        actor=UserId(row["actor_id"]),
        at=row["at"],
        payload=row["payload"],
        attachments=tuple(attachments_from_json(row["attachments"])),
    )


def message_to_row(message: OutboxMessage) -> dict[str, Any]:
    return {
        "organization_id": message.organization,
        "recipient_id": message.recipient,
        "template": message.template,
        "params": dict(message.params),
        "dedupe_key": message.dedupe_key,
        "request_id": message.request_id,
        "attachments": attachments_to_json(message.attachments),
        "created_at": message.created_at,
    }


def message_from_row(row: Row) -> OutboxMessage:
    return OutboxMessage(
        recipient=UserId(row["recipient_id"]),
        template=row["template"],
        params=row["params"],
        dedupe_key=row["dedupe_key"],
        request_id=RequestId(row["request_id"]) if row["request_id"] is not None else None,
        attachments=tuple(attachments_from_json(row["attachments"])),
        created_at=row["created_at"],
        organization=OrgId(row["organization_id"]),
    )
