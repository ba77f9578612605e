"""The schema, kept apart from the domain classes. Alembic migrations follow this metadata."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    text,
)

from zavhoz.adapters.persistence.sqlalchemy.types import Id64, UtcDateTime

ACTIVE_SQL = "status IN ('in_progress', 'on_hold', 'open')"
"""Spelled literally, in the index and in queries, so both planners match the partial index."""

UNDELIVERED_SQL = "state IN ('pending', 'sending')"
"""Outbox rows still to deliver: the delivery worker's claims and counts stay on this small
partial index while sent messages pile up (spelled literally for the same reason)."""

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("slug", String(24), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("parent_id", Integer, ForeignKey("organizations.id")),
    Column("settings", JSON, nullable=False),
    Column("last_number", Integer, nullable=False, server_default="0"),
)
"""``last_number``: the number its latest request was given (requests are numbered per
organization, counted here so that numbering one never reads the others)."""

users = Table(
    "users",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("username", String(64)),
    Column("language", String(16)),
    Column("reachable", Boolean, nullable=False),
    Column("mute_sla_warnings", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),
)
"""``organization_id``: where the person acts now; their role there is their membership's."""

memberships = Table(
    "memberships",
    metadata,
    Column("person_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Index("ix_memberships_organization", "organization_id", "state", "role"),
)

invites = Table(
    "invites",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_by", BigInteger),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime),
    Column("revoked", Boolean, nullable=False),
    Index("ix_invites_organization", "organization_id", "created_at"),
)

rooms = Table(
    "rooms",
    metadata,
    Column("organization_id", Integer, ForeignKey("organizations.id"), primary_key=True),
    Column("code", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("building", String(100), nullable=False),
    Column("floor", String(32), nullable=False),
)

remembered = Table(
    "remembered",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
"""Small facts one process leaves for the others (the bot's username for ``zavhoz qr``)."""

requests = Table(
    "requests",
    metadata,
    Column("id", Id64, primary_key=True, autoincrement=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("author_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("location", String(100), nullable=False),
    Column("location_key", String(100), nullable=False),
    Column("room_code", String(32)),
    Column("category", String(32), nullable=False),
    Column("description", Text, nullable=False),
    Column("title", String(100), nullable=False),
    Column("search_text", Text, nullable=False),
    Column("priority", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("assignee_id", BigInteger, ForeignKey("users.id")),
    Column("attachments", JSON, nullable=False),
    Column("watchers", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("taken_at", UtcDateTime),
    Column("completed_at", UtcDateTime),
    Column("confirmed_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Column("rating", SmallInteger),
    Column("feedback", Text),
    Column("respond_by", UtcDateTime, nullable=False),
    Column("resolve_by", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime),
    Column("urgency", UtcDateTime, nullable=False),
    Column("sla_started_at", UtcDateTime, nullable=False),
    Column("held_seconds", BigInteger, nullable=False),
    Column("hold_started_at", UtcDateTime),
    Column("sla_checkpoints", JSON, nullable=False),
    Column("sla_alerts_sent", JSON, nullable=False),
    Column("next_alert_at", UtcDateTime),
    Column("idempotency_key", String(64)),
    Column("version", Integer, nullable=False),
    ForeignKeyConstraint(
        ["organization_id", "room_code"],
        ["rooms.organization_id", "rooms.code"],
        name="fk_requests_room_rooms",
    ),
    Index("uq_requests_organization_number", "organization_id", "number", unique=True),
    Index(
        "ix_requests_active_queue",
        "organization_id",
        "urgency",
        "id",
        "status",
        "priority",
        "category",
        "assignee_id",
        sqlite_where=text(ACTIVE_SQL),
        postgresql_where=text(ACTIVE_SQL),
    ),
    Index(
        "ix_requests_active_by_urgency",
        "urgency",
        "id",
        "organization_id",
        "status",
        "priority",
        "category",
        "assignee_id",
        sqlite_where=text(ACTIVE_SQL),
        postgresql_where=text(ACTIVE_SQL),
    ),
    Index("ix_requests_author", "author_id", "id"),
    Index("ix_requests_assignee", "assignee_id", "status"),
    Index("ix_requests_next_alert_at", "next_alert_at"),
    Index("ix_requests_location_key", "organization_id", "location_key", "status"),
    Index("ix_requests_room_code", "organization_id", "room_code"),
    Index("ix_requests_created_at", "organization_id", "created_at"),
    Index("ix_requests_completed_at", "organization_id", "completed_at"),
    Index("uq_requests_author_idempotency", "author_id", "idempotency_key", unique=True),
)

history = Table(
    "history",
    metadata,
    Column("id", Id64, primary_key=True, autoincrement=True),
    Column("request_id", Id64, ForeignKey("requests.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("actor_id", BigInteger, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("attachments", JSON, nullable=False),
    Index("ix_history_request", "request_id", "id"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Id64, primary_key=True, autoincrement=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),
    Column("recipient_id", BigInteger, nullable=False),
    Column("template", String(64), nullable=False),
    Column("params", JSON, nullable=False),
    Column("dedupe_key", String(255), nullable=False, unique=True),
    Column("request_id", Id64),
    Column("attachments", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime),
    Column("sent_at", UtcDateTime),
    Column("last_error", Text),
    Index("ix_outbox_pending", "state", "next_attempt_at", "id"),
    Index(
        "ix_outbox_undelivered",
        "id",
        sqlite_where=text(UNDELIVERED_SQL),
        postgresql_where=text(UNDELIVERED_SQL),
    ),
)
