"""The write paths the crash tests kill: run one in this process, saying ``READY`` just before it writes.

Usage (no CLI involved for the service-level paths)::

    python tests/crash/driver.py bulk-status WORKSPACE
    python tests/crash/driver.py events-status WORKSPACE
    python tests/crash/driver.py issue-plan WORKSPACE      # the plan editor's largest write: a snapshot
    python tests/crash/driver.py restore WORKSPACE BACKUP
    python tests/crash/driver.py cli ARG...            # `kehoach ARG...` through kehoach_desktop.cli.main

Everything slow to import is imported before ``READY``, so the parent's random delay after
``READY`` falls on the write itself, not on Python starting up.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _ready() -> None:
    sys.stdout.write("READY\n")
    sys.stdout.flush()


def bulk_status(workspace: Path) -> int:
    """One transaction that moves every live material to "removed" (thousands at --scale 20)."""
    from sqlalchemy import select

    from kehoach_desktop.services.materials import set_materials_status
    from kehoach_desktop.services.session import open_workspace
    from kehoach_desktop.storage.models import Material

    session = open_workspace(workspace)
    try:
        with session.uow_factory() as uow:
            ids = list(uow.session.scalars(select(Material.id).where(Material.deleted_at.is_(None))))
        _ready()
        set_materials_status(uow_factory=session.uow_factory, material_ids=ids, status="removed", on=None,
                             confirm_step=True)
    finally:
        session.close()
    return 0


def events_status(workspace: Path) -> int:
    """One transaction that marks every live event "held" (hundreds at --scale 20)."""
    from sqlalchemy import select

    from kehoach_desktop.services.events import set_events_status
    from kehoach_desktop.services.session import open_workspace
    from kehoach_desktop.storage.models import Event

    session = open_workspace(workspace)
    try:
        with session.uow_factory() as uow:
            ids = list(uow.session.scalars(select(Event.id).where(Event.deleted_at.is_(None))))
        _ready()
        set_events_status(uow_factory=session.uow_factory, event_ids=ids, status="held")
    finally:
        session.close()
    return 0


def issue_plan(workspace: Path) -> int:
    """Issue the draft plan: one transaction that locks it and stores a snapshot of every task."""
    import datetime as dt

    from kehoach_desktop.services.plan_editing import current_plan, issue_plan
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(workspace)
    try:
        with session.uow_factory() as uow:
            plan_id = current_plan(uow.session).id
        _ready()
        issue_plan(uow_factory=session.uow_factory, plan_id=plan_id, number="99", issue_date=dt.date(2021, 9, 20))
    finally:
        session.close()
    return 0


def restore(workspace: Path, backup: Path) -> int:
    from kehoach_desktop.services.backups import restore_backup

    _ready()
    restore_backup(workspace=workspace, backup=backup)
    return 0


def cli(argv: list[str]) -> int:
    import kehoach_desktop.cli as cli_module
    import kehoach_desktop.services.demo
    import kehoach_desktop.services.excel_import
    import kehoach_desktop.services.session
    import kehoach_desktop.services.sync  # noqa: F401

    _ready()
    return cli_module.main(argv)


def main(argv: list[str]) -> int:
    command, *rest = argv
    if command == "bulk-status":
        return bulk_status(Path(rest[0]))
    if command == "events-status":
        return events_status(Path(rest[0]))
    if command == "issue-plan":
        return issue_plan(Path(rest[0]))
    if command == "restore":
        return restore(Path(rest[0]), Path(rest[1]))
    if command == "cli":
        return cli(rest)
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
