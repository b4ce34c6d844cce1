"""What each process of the concurrency tests does (top-level functions, so ``spawn`` can start them)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, select


def import_after(url: str, package: str, barrier: Any) -> str:
    """Import ``package`` into the workspace at ``url`` once every process is ready; the outcome in one word."""
    from kehoach_desktop.services import sync
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(url)
    try:
        barrier.wait(timeout=60)
        outcome = sync.import_package(uow_factory=session.uow_factory, path=Path(package), trust_new_keys=True)
        return "imported" if outcome.imported else "unchanged"
    finally:
        session.close()


def edit_after(url: str, material_id: str, content: str, barrier: Any) -> str:
    """Read a material, wait until the other officer has read it too, then change it and save."""
    from kehoach_desktop.domain.errors import ConcurrentEditError
    from kehoach_desktop.services.session import open_workspace
    from kehoach_desktop.storage.models import Material

    session = open_workspace(url)
    try:
        with session.uow_factory() as uow:
            material = uow.session.scalars(select(Material).where(Material.id == material_id)).one()
            barrier.wait(timeout=60)  # both have read version 1
            material.content = content
            try:
                uow.commit()
            except ConcurrentEditError as error:
                return "conflict:" + " | ".join(error.details)
        return "saved"
    finally:
        session.close()


def save_form_after(url: str, material_id: str, content: str, loaded: Any, saved: Any, first: bool) -> str:
    """Open the material's form (read it with its version); the first officer saves, then the second does."""
    from dataclasses import replace

    from kehoach_desktop.domain.errors import ConcurrentEditError
    from kehoach_desktop.services.materials import get_material, update_material
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(url)
    try:
        shown = get_material(uow_factory=session.uow_factory, material_id=material_id)
        loaded.wait(timeout=60)  # both forms show the same version
        if not first:
            saved.wait(timeout=60)
        try:
            update_material(uow_factory=session.uow_factory, material_id=material_id,
                            values=replace(shown.as_input(), content=content), expected_version=shown.version)
        except ConcurrentEditError as error:
            return "conflict:" + str(error)
        finally:
            if first:
                saved.wait(timeout=60)
        return "saved"
    finally:
        session.close()


def import_and_hang(url: str, package: str, ready: Any) -> None:
    """Import ``package`` but stop for good in the middle of writing the unit's tasks; the test kills us there."""
    from kehoach_desktop.services import sync
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(url)
    engine = session._store.engine  # the test's own hook into the import's transaction

    @event.listens_for(engine, "after_cursor_execute")
    def _stop(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO TASKS"):
            ready.set()
            while True:  # hold the transaction open until SIGKILL
                time.sleep(1)

    sync.import_package(uow_factory=session.uow_factory, path=Path(package), trust_new_keys=True)
    os._exit(3)  # never reached
