"""check_in.previous_steps: the previous check-in's next steps and what happened to each (done, in progress, dropped)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 06:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable and without a default: check-ins logged before this revision recorded no outcomes, and say so.
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_steps", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_column("previous_steps")
