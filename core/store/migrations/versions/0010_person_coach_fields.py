"""person.coach_aptitude (1–5) and person.coach_trained: what a file says about a person as a coach

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 23:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coach_aptitude", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("coach_trained", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("coach_trained")
        batch_op.drop_column("coach_aptitude")
