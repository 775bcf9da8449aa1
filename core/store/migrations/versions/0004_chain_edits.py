"""chain edits

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:44:58.943934
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate refers to the string types of sqlmodel)
from alembic import op


revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table("chain_edit",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("dataset_id", sa.Integer(), nullable=False),
    sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column("coach_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column("coachee_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column("rep_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column("value", sa.Integer(), nullable=True),
    sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("chain_edit", schema=None) as batch_op:
        batch_op.create_index("ix_chain_edit_dataset", ["dataset_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("chain_edit", schema=None) as batch_op:
        batch_op.drop_index("ix_chain_edit_dataset")

    op.drop_table("chain_edit")
