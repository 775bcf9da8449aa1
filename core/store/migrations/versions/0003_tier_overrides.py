"""tier overrides

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:18:16.306636
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate refers to the string types of sqlmodel)
from alembic import op


revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table("tier_override",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("dataset_id", sa.Integer(), nullable=False),
    sa.Column("rep_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column("tier", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("tier_override", schema=None) as batch_op:
        batch_op.create_index("ix_tier_override_dataset_rep", ["dataset_id", "rep_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("tier_override", schema=None) as batch_op:
        batch_op.drop_index("ix_tier_override_dataset_rep")

    op.drop_table("tier_override")
