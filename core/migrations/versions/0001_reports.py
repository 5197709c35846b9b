"""Reports: one row per saved report (store schema version 1, as before Alembic).

Revision ID: 0001_reports
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_reports"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("delete_key_hash", sa.Text, nullable=False),
        sa.Column("report_json", sa.Text, nullable=False),
        sa.Column("created", sa.Text, nullable=False),
        sa.Column("saved_at", sa.Text, nullable=False),
        sa.Column("filename", sa.Text),
        sa.Column("view", sa.Text),
        sa.Column("overall_score", sa.Integer),
        sa.Column("top_finding", sa.Text),
        sa.Column("status", sa.Text),
    )
    op.create_index("reports_by_saved_at", "reports", ["saved_at"])


def downgrade() -> None:
    raise NotImplementedError("released migrations are only ever appended to")
