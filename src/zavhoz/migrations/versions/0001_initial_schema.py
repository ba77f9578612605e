"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 15:26:48.192157
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("recipient_id", sa.BigInteger(), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_pending", ["state", "next_attempt_at", "id"], unique=False)

    op.create_table(
        "rooms",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("building", sa.String(length=100), nullable=False),
        sa.Column("floor", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_rooms")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reachable", sa.Boolean(), nullable=False),
        sa.Column("mute_sla_warnings", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("ix_users_role_state", ["role", "state"], unique=False)

    op.create_table(
        "requests",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("location", sa.String(length=100), nullable=False),
        sa.Column("location_key", sa.String(length=100), nullable=False),
        sa.Column("room_code", sa.String(length=32), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignee_id", sa.BigInteger(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("watchers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("respond_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolve_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("urgency", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sla_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("held_seconds", sa.BigInteger(), nullable=False),
        sa.Column("hold_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sla_checkpoints", sa.JSON(), nullable=False),
        sa.Column("sla_alerts_sent", sa.JSON(), nullable=False),
        sa.Column("next_alert_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_requests_assignee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_requests_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["room_code"], ["rooms.code"], name=op.f("fk_requests_room_code_rooms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_requests_active_queue",
            ["urgency", "id", "status", "priority", "category", "assignee_id"],
            unique=False,
            sqlite_where=sa.text("status IN ('in_progress', 'on_hold', 'open')"),
            postgresql_where=sa.text("status IN ('in_progress', 'on_hold', 'open')"),
        )
        batch_op.create_index("ix_requests_assignee", ["assignee_id", "status"], unique=False)
        batch_op.create_index("ix_requests_author", ["author_id", "id"], unique=False)
        batch_op.create_index("ix_requests_completed_at", ["completed_at"], unique=False)
        batch_op.create_index("ix_requests_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_requests_location_key", ["location_key", "status"], unique=False)
        batch_op.create_index("ix_requests_next_alert_at", ["next_alert_at"], unique=False)
        batch_op.create_index("ix_requests_room_code", ["room_code"], unique=False)
        batch_op.create_index(
            "uq_requests_author_idempotency", ["author_id", "idempotency_key"], unique=True
        )

    op.create_table(
        "history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_history_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history")),
    )
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.create_index("ix_history_request", ["request_id", "id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.drop_index("ix_history_request")

    op.drop_table("history")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("uq_requests_author_idempotency")
        batch_op.drop_index("ix_requests_room_code")
        batch_op.drop_index("ix_requests_next_alert_at")
        batch_op.drop_index("ix_requests_location_key")
        batch_op.drop_index("ix_requests_created_at")
        batch_op.drop_index("ix_requests_completed_at")
        batch_op.drop_index("ix_requests_author")
        batch_op.drop_index("ix_requests_assignee")
        batch_op.drop_index(
            "ix_requests_active_queue",
            sqlite_where=sa.text("status IN ('in_progress', 'on_hold', 'open')"),
            postgresql_where=sa.text("status IN ('in_progress', 'on_hold', 'open')"),
        )

    op.drop_table("requests")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_role_state")

    op.drop_table("users")
    op.drop_table("rooms")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending")

    op.drop_table("outbox")
