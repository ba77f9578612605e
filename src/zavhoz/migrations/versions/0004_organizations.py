"""organizations: every school of a deployment, whom it has, and what belongs to it

An existing deployment becomes organization 1 ("school"): each person's role and state move into
their membership there, and their requests, rooms and outbox messages belong to it. Requests keep
their ids, which become their numbers there too; the organization counts on from the highest.

The downgrade gives each person back the role and state of their membership in their current
organization. Rooms of two organizations with the same code cannot go back into one table:
such a downgrade fails rather than drop one of them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE_SQL = "status IN ('in_progress', 'on_hold', 'open')"
QUEUE = ["urgency", "id", "status", "priority", "category", "assignee_id"]
ORG_FIRST = {
    "ix_requests_location_key": ["location_key", "status"],
    "ix_requests_room_code": ["room_code"],
    "ix_requests_created_at": ["created_at"],
    "ix_requests_completed_at": ["completed_at"],
}
"""Indexes that lead with the organization from this revision on: each school's own lists."""
BY_URGENCY = ["urgency", "id", "organization_id", "status", "priority", "category", "assignee_id"]
"""The queue of a district: read in order of urgency, its schools picked out in the index
(the school-first one would fetch and sort every active request of a hundred schools)."""


def upgrade() -> None:
    _create_organizations()
    _create_memberships()
    _users_up()
    _requests_up_begin()
    _rooms_up()
    _requests_up_end()
    _outbox_up()
    _create_invites()


def downgrade() -> None:
    op.drop_table("invites")
    _outbox_down()
    _requests_down_begin()
    _rooms_down()
    _requests_down_end()
    _users_down()
    op.drop_table("memberships")
    op.drop_table("organizations")


# --- upgrade --------------------------------------------------------------------------------


def _create_organizations() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("last_number", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["organizations.id"],
            name=op.f("fk_organizations_parent_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organizations_slug")),
    )
    op.execute(
        "INSERT INTO organizations (id, slug, name, parent_id, settings, last_number) "
        "SELECT 1, 'school', 'School', NULL, '{}', COALESCE(MAX(id), 0) FROM requests"
    )
    if op.get_bind().dialect.name == "postgresql":  # an explicit id leaves the sequence behind
        op.execute(
            "SELECT setval(pg_get_serial_sequence('organizations', 'id'), "
            "(SELECT MAX(id) FROM organizations))"
        )


def _create_memberships() -> None:
    op.create_table(
        "memberships",
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_memberships_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["users.id"], name=op.f("fk_memberships_person_id_users")
        ),
        sa.PrimaryKeyConstraint("person_id", "organization_id", name=op.f("pk_memberships")),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(
            "ix_memberships_organization", ["organization_id", "state", "role"], unique=False
        )
    op.execute(
        "INSERT INTO memberships (person_id, organization_id, role, state) "
        "SELECT id, 1, role, state FROM users"
    )


def _add_organization(table: str, *, fill: str = "") -> None:
    """A nullable ``organization_id`` set to 1 on every row (made required afterwards)."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("organization_id", sa.Integer(), nullable=True))
        if fill:
            batch_op.add_column(sa.Column(fill, sa.Integer(), nullable=True))
    number = f", {fill} = id" if fill else ""
    op.execute(f"UPDATE {table} SET organization_id = 1{number}")


def _users_up() -> None:
    _add_organization("users")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("organization_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_users_organization_id_organizations"),
            "organizations",
            ["organization_id"],
            ["id"],
        )
        batch_op.drop_index("ix_users_role_state")
        batch_op.drop_column("role")
        batch_op.drop_column("state")


def _requests_up_begin() -> None:
    """The room reference goes first: the rooms' key is about to change under it."""
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_constraint("fk_requests_room_code_rooms", type_="foreignkey")
    _add_organization("requests", fill="number")


def _rooms_up() -> None:
    _add_organization("rooms")
    with op.batch_alter_table("rooms", schema=None) as batch_op:
        batch_op.alter_column("organization_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("pk_rooms", type_="primary")
        batch_op.create_primary_key("pk_rooms", ["organization_id", "code"])
        batch_op.create_foreign_key(
            batch_op.f("fk_rooms_organization_id_organizations"),
            "organizations",
            ["organization_id"],
            ["id"],
        )


def _requests_up_end() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.alter_column("organization_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("number", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_requests_organization_id_organizations"),
            "organizations",
            ["organization_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            "fk_requests_room_rooms",
            "rooms",
            ["organization_id", "room_code"],
            ["organization_id", "code"],
        )
        batch_op.create_index(
            "uq_requests_organization_number", ["organization_id", "number"], unique=True
        )
        _reindex(batch_op, lead=["organization_id"])
        batch_op.create_index(
            "ix_requests_active_by_urgency",
            BY_URGENCY,
            unique=False,
            sqlite_where=sa.text(ACTIVE_SQL),
            postgresql_where=sa.text(ACTIVE_SQL),
        )


def _reindex(batch_op: BatchOperations, lead: list[str]) -> None:
    """The queue and the per-place and per-period indexes, led by ``lead``."""
    batch_op.drop_index(
        "ix_requests_active_queue",
        sqlite_where=sa.text(ACTIVE_SQL),
        postgresql_where=sa.text(ACTIVE_SQL),
    )
    batch_op.create_index(
        "ix_requests_active_queue",
        [*lead, *QUEUE],
        unique=False,
        sqlite_where=sa.text(ACTIVE_SQL),
        postgresql_where=sa.text(ACTIVE_SQL),
    )
    for name, columns in ORG_FIRST.items():
        batch_op.drop_index(name)
        batch_op.create_index(name, [*lead, *columns], unique=False)


def _outbox_up() -> None:
    _add_organization("outbox")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("organization_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_organization_id_organizations"),
            "organizations",
            ["organization_id"],
            ["id"],
        )


def _create_invites() -> None:
    op.create_table(
        "invites",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_invites_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_invites")),
    )
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invites_organization", ["organization_id", "created_at"], unique=False
        )


# --- downgrade ------------------------------------------------------------------------------


def _outbox_down() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outbox_organization_id_organizations", type_="foreignkey")
        batch_op.drop_column("organization_id")


def _requests_down_begin() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_requests_active_by_urgency",
            sqlite_where=sa.text(ACTIVE_SQL),
            postgresql_where=sa.text(ACTIVE_SQL),
        )
        _reindex(batch_op, lead=[])
        batch_op.drop_index("uq_requests_organization_number")
        batch_op.drop_constraint("fk_requests_room_rooms", type_="foreignkey")
        batch_op.drop_constraint("fk_requests_organization_id_organizations", type_="foreignkey")
        batch_op.drop_column("number")
        batch_op.drop_column("organization_id")


def _rooms_down() -> None:
    with op.batch_alter_table("rooms", schema=None) as batch_op:
        batch_op.drop_constraint("fk_rooms_organization_id_organizations", type_="foreignkey")
        batch_op.drop_constraint("pk_rooms", type_="primary")
        batch_op.create_primary_key("pk_rooms", ["code"])
        batch_op.drop_column("organization_id")


def _requests_down_end() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_requests_room_code_rooms"), "rooms", ["room_code"], ["code"]
        )


def _users_down() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("state", sa.String(length=16), nullable=True))
    op.execute(
        "UPDATE users SET "
        f"role = COALESCE(({_membership('role')}), 'staff'), "
        f"state = COALESCE(({_membership('state')}), 'pending')"
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("role", existing_type=sa.String(length=16), nullable=False)
        batch_op.alter_column("state", existing_type=sa.String(length=16), nullable=False)
        batch_op.create_index("ix_users_role_state", ["role", "state"], unique=False)
        batch_op.drop_constraint("fk_users_organization_id_organizations", type_="foreignkey")
        batch_op.drop_column("organization_id")


def _membership(column: str) -> str:
    """The person's ``column`` in their current organization (a person without one there is
    a newcomer: staff, pending)."""
    return (
        f"SELECT m.{column} FROM memberships m "
        "WHERE m.person_id = users.id AND m.organization_id = users.organization_id"
    )
