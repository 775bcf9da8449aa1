"""chain_edit.text: the name of an AM's external coach, entered by a manager

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-09 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chain_edit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chain_edit", schema=None) as batch_op:
        batch_op.drop_column("text")
