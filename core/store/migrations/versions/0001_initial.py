"""initial tables: dataset, person, period_record

Revision ID: 0001
Revises:
Create Date: 2026-11-23 11:38:48.433605
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table("dataset",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("source_filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column("source_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column("row_count", sa.Integer(), nullable=False),
    sa.Column("is_demo", sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dataset_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_dataset_source_sha256"), ["source_sha256"], unique=False)

    op.create_table("person",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("dataset_id", sa.Integer(), nullable=False),
    sa.Column("rep_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column("manager", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("coach_willing", sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("dataset_id", "rep_id", name="uq_person_dataset_rep")
    )
    op.create_table("period_record",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("dataset_id", sa.Integer(), nullable=False),
    sa.Column("person_id", sa.Integer(), nullable=False),
    sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column("calls", sa.Integer(), nullable=True),
    sa.Column("leads_sent", sa.Integer(), nullable=True),
    sa.Column("qualified_leads", sa.Integer(), nullable=True),
    sa.Column("deals_worked", sa.Integer(), nullable=True),
    sa.Column("deals_won", sa.Integer(), nullable=True),
    sa.Column("revenue_won", sa.Float(), nullable=True),
    sa.Column("quota", sa.Float(), nullable=True),
    sa.Column("portfolio_start", sa.Float(), nullable=True),
    sa.Column("portfolio_end", sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("person_id", "period", name="uq_period_person_period")
    )
    with op.batch_alter_table("period_record", schema=None) as batch_op:
        batch_op.create_index("ix_period_record_dataset_id", ["dataset_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("period_record", schema=None) as batch_op:
        batch_op.drop_index("ix_period_record_dataset_id")

    op.drop_table("period_record")
    op.drop_table("person")
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dataset_source_sha256"))
        batch_op.drop_index(batch_op.f("ix_dataset_created_at"))

    op.drop_table("dataset")
