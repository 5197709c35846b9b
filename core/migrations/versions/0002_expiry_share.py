"""Expiry and share links (store schema version 2, as before Alembic).

Revision ID: 0002_expiry_share
Revises: 0001_reports
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_expiry_share"
down_revision = "0001_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reports", sa.Column("expires_at", sa.Text))
    op.add_column("reports", sa.Column("share_id", sa.Text))
    op.add_column("reports", sa.Column("shared_at", sa.Text))
    op.add_column("reports", sa.Column("share_blur", sa.Integer, nullable=False,
                                       server_default=sa.text("1")))
    op.add_column("reports", sa.Column("share_video", sa.Integer, nullable=False,
                                       server_default=sa.text("0")))
    op.add_column("reports", sa.Column("share_media", sa.Text))
    op.create_index("reports_by_share_id", "reports", ["share_id"], unique=True)
    op.create_index("reports_by_expires_at", "reports", ["expires_at"])


def downgrade() -> None:
    raise NotImplementedError("released migrations are only ever appended to")
