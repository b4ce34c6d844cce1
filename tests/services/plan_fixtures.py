"""Shared set-up of the plan tests: a district workspace (Đống Đa) with its draft plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from kehoach_desktop.domain.enums import PropagandaForm, WorkspaceMode
from kehoach_desktop.services.plan_dto import PlanEditorState, TaskInput
from kehoach_desktop.services.plan_editing import get_plan_editor
from kehoach_desktop.services.session import WorkspaceSession, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup
from kehoach_desktop.storage.models import AuditEntry

TODAY = dt.date(2021, 6, 15)


@pytest.fixture
def district(new_location) -> Iterator[WorkspaceSession]:  # type: ignore[no-untyped-def]
    """A district workspace, on SQLite and on PostgreSQL (``new_location`` in tests/conftest.py)."""
    session = new_workspace(new_location("dongda"), WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code="006", signer_name="Nguyễn Văn An", signer_title="Phó Chủ tịch"))
    yield session
    session.close()


def editor(session: WorkspaceSession) -> PlanEditorState:
    state = get_plan_editor(uow_factory=session.uow_factory, today=TODAY)
    assert state is not None
    return state


def theme(state: PlanEditorState, key: str):  # type: ignore[no-untyped-def]
    return next(s for s in state.sections if s.template_key == key)


def task_input(content: str = "Phát thanh trên loa truyền thanh các phường quận Đống Đa", **changes) -> TaskInput:
    values = dict(content=content, form=PropagandaForm.LOUDSPEAKER.value, start_date=dt.date(2021, 2, 1),
                  due_date=dt.date(2021, 12, 31), budget=1_500_000, indicator_unit="buổi phát thanh",
                  indicator_target=120)
    values.update(changes)
    return TaskInput(**values)  # type: ignore[arg-type]


def audit_actions(session: WorkspaceSession) -> list[str]:
    with session.uow_factory() as uow:
        return list(uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
