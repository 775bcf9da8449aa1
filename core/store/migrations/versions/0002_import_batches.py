"""import batches and remembered column mappings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:51:31.050357
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate refers to the string types of sqlmodel)
from alembic import op


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table("saved_mapping",
    sa.Column("signature", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column("mapping_json", sa.Text(), nullable=False),
    sa.Column("role_answers_json", sa.Text(), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("signature")
    )
    op.create_table("import_batch",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("dataset_id", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("source_filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column("source_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column("sheet", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column("rows_total", sa.Integer(), nullable=False),
    sa.Column("rows_imported", sa.Integer(), nullable=False),
    sa.Column("rows_rejected", sa.Integer(), nullable=False),
    sa.Column("rows_replaced", sa.Integer(), nullable=False),
    sa.Column("rows_kept", sa.Integer(), nullable=False),
    sa.Column("mapping_json", sa.Text(), nullable=False),
    sa.Column("report_csv", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_dataset_id"), ["dataset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_batch_source_sha256"), ["source_sha256"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_source_sha256"))
        batch_op.drop_index(batch_op.f("ix_import_batch_dataset_id"))

    op.drop_table("import_batch")
    op.drop_table("saved_mapping")
