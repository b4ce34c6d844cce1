"""register paging and the city board: the materials register index covers every filter column, the
newest-first order has an index, and indexes cover the board's task and event figures

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_OLD = ["unit_code", "status", "type", "deleted_at", "quantity", "cost"]
_TASKS_BOARD = ["unit_code", "plan_id", "deleted_at", "status", "due_date", "budget", "spent", "indicator_target",
                "indicator_achieved"]
_EVENTS_BOARD = ["unit_code", "deleted_at", "status", "actual_participants", "actual_cost"]
_NEW = ["unit_code", "status", "type", "deleted_at", "ward", "section_id", "planned_removal_on", "quantity", "cost"]


def upgrade() -> None:
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.drop_index("ix_materials_register")
        batch_op.create_index("ix_materials_register", _NEW, unique=False)
        batch_op.create_index("ix_materials_recent", ["unit_code", "deleted_at", "updated_at", "id"], unique=False)
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index("ix_tasks_board", _TASKS_BOARD, unique=False)
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_board", _EVENTS_BOARD, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_board")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_board")
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.drop_index("ix_materials_recent")
        batch_op.drop_index("ix_materials_register")
        batch_op.create_index("ix_materials_register", _OLD, unique=False)
