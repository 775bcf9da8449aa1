"""dataset creator: who imported a dataset, for the rule on who may change it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate refers to the string types of sqlmodel)
from alembic import op


revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Datasets stored before this revision get a blank creator: nobody but an admin may change all of them.
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    # Dropping a column recreates the table on SQLite: keep ids never reused (see 0006).
    with op.batch_alter_table("dataset", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("created_by")
