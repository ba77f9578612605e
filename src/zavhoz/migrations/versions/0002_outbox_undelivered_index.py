"""outbox: partial index over the messages still to deliver

The delivery worker claims ``WHERE state IN ('pending', 'sending') … ORDER BY id LIMIT n`` over
and over; sent messages stay in the table, so without this index the claim walks all of them
(SQLite does, once ANALYZE has seen that most rows are sent).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNDELIVERED_SQL = "state IN ('pending', 'sending')"


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_undelivered",
            ["id"],
            unique=False,
            sqlite_where=sa.text(UNDELIVERED_SQL),
            postgresql_where=sa.text(UNDELIVERED_SQL),
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_undelivered",
            sqlite_where=sa.text(UNDELIVERED_SQL),
            postgresql_where=sa.text(UNDELIVERED_SQL),
        )
