"""Comparison links: two reports compared, shown read-only by a link (``core.compare_share``).

Revision ID: 0004_comparisons
Revises: 0003_owners_clip_keys
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_comparisons"
down_revision = "0003_owners_clip_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comparisons",
        sa.Column("id", sa.Text, primary_key=True),  # the link's token
        sa.Column("before_id", sa.Text, nullable=False),  # report ids (never shown)
        sa.Column("after_id", sa.Text, nullable=False),
        sa.Column("created", sa.Text, nullable=False),
    )
    op.create_index("comparisons_by_report", "comparisons", ["before_id", "after_id"])


def downgrade() -> None:
    raise NotImplementedError("released migrations are only ever appended to")
