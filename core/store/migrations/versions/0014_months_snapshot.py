"""months_snapshot: a dataset's period records as one compressed Arrow file, read in one piece by the pages

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 15:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Datasets stored before this have no snapshot: their records are read row by row until they change.
    op.create_table(
        "months_snapshot",
        sa.Column("dataset_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("dataset_id"),
    )


def downgrade() -> None:
    op.drop_table("months_snapshot")
