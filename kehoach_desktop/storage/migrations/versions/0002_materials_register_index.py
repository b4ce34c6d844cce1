"""materials register index: a covering index for the register's filters and totals

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.drop_index("ix_materials_unit_status_type")
        batch_op.create_index("ix_materials_register", ["unit_code", "status", "type", "deleted_at", "quantity",
                                                        "cost"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.drop_index("ix_materials_register")
        batch_op.create_index("ix_materials_unit_status_type", ["unit_code", "status", "type"], unique=False)
