"""Owners (hashes of browser tokens), clip keys and sample reports (store schema version 3,
as before Alembic).

Revision ID: 0003_owners_clip_keys
Revises: 0002_expiry_share
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_owners_clip_keys"
down_revision = "0002_expiry_share"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_owners",
        sa.Column("report_id", sa.Text, nullable=False),
        sa.Column("owner_hash", sa.Text, nullable=False),
        sa.Column("added_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("report_id", "owner_hash"),
    )
    op.create_index("report_owners_by_owner", "report_owners", ["owner_hash"])
    op.add_column("reports", sa.Column("clip_key", sa.Text))
    op.add_column("reports", sa.Column("sample", sa.Integer, nullable=False,
                                       server_default=sa.text("0")))
    op.create_index("reports_by_clip_key", "reports", ["clip_key"])
    op.create_index("reports_by_delete_key_hash", "reports", ["delete_key_hash"])


def downgrade() -> None:
    raise NotImplementedError("released migrations are only ever appended to")
