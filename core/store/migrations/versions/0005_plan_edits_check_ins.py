"""plan edits and check-ins

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 13:01:08.117639
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate refers to the string types of sqlmodel)
from alembic import op


revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table("check_in",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("dataset_id", sa.Integer(), nullable=False),
    sa.Column("rep_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column("held_on", sa.Date(), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
    sa.Column("next_step", sa.Text(), nullable=False),
    sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.create_index("ix_check_in_dataset_rep", ["dataset_id", "rep_id"], unique=False)

    op.create_table("plan_edit",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("dataset_id", sa.Integer(), nullable=False),
    sa.Column("rep_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column("value", sa.Text(), nullable=False),
    sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("plan_edit", schema=None) as batch_op:
        batch_op.create_index("ix_plan_edit_dataset_rep", ["dataset_id", "rep_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("plan_edit", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_edit_dataset_rep")

    op.drop_table("plan_edit")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_index("ix_check_in_dataset_rep")

    op.drop_table("check_in")
