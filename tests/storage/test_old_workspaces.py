"""Workspaces made by every released schema version open in this version: backed up, migrated, every record kept.

Each ``tests/fixtures/workspaces/vNNNN.khws`` was made by the release that wrote schema
``NNNN``, with its ``kehoach dump`` beside it (docs/migrations.md says how to add one).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.session import open_workspace
from kehoach_desktop.storage.backup import backups_dir_for, list_backup_files
from kehoach_desktop.storage.schema import SCHEMA_HEAD

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "workspaces"
WORKSPACES = sorted(FIXTURES.glob("v*.khws"))


def _revision_chain() -> list[str]:
    from alembic.script import ScriptDirectory

    from kehoach_desktop.storage.migrate import _config

    return [script.revision for script in reversed(list(ScriptDirectory.from_config(_config()).walk_revisions()))]


def as_old(new: Any, old: Any) -> Any:
    """``new`` with the fields that ``old`` does not have left out (fields added by later migrations)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return {key: as_old(value, old[key]) for key, value in new.items() if key in old}
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [as_old(n, o) for n, o in zip(new, old, strict=True)]
    return new


def test_the_first_schema_version_and_no_gap_have_a_fixture() -> None:
    chain = _revision_chain()
    revisions = [path.stem.removeprefix("v") for path in WORKSPACES]
    assert revisions, "no fixture workspace"
    assert revisions == chain[:len(revisions)], "fixtures must cover the released revisions from the first on"
    for path in WORKSPACES:
        assert path.with_name(path.stem + ".dump.json").is_file(), f"{path.name} has no dump beside it"
        with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as connection:
            assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == path.stem[1:]


@pytest.mark.parametrize("fixture", WORKSPACES, ids=[p.stem for p in WORKSPACES])
def test_old_workspace_opens_backed_up_migrated_with_every_record(fixture: Path, tmp_path: Path) -> None:
    original_digest = hashlib.sha256(fixture.read_bytes()).hexdigest()
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    expected = json.loads(fixture.with_name(fixture.stem + ".dump.json").read_text(encoding="utf-8"))
    revision = fixture.stem.removeprefix("v")

    session = open_workspace(path)
    try:
        dump = dump_workspace(uow_factory=session.uow_factory)
        backups_made = session.backups_made
    finally:
        session.close()

    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    if revision != SCHEMA_HEAD:
        assert len(backups_made) == 1
        (backup,) = list_backup_files(backups_dir_for(path))
        assert backup.reason == "before-migration" and backup.verified and backup.schema == revision
    for key, records in expected.items():
        if key == "format_version":
            continue
        assert as_old(dump[key], records) == records, f"{key} differs after the migration from {revision}"
    assert hashlib.sha256(fixture.read_bytes()).hexdigest() == original_digest  # the fixture itself untouched


def test_old_workspaces_opened_at_once_in_threads_are_all_migrated(tmp_path: Path) -> None:
    """Alembic migrates through module-level proxies: upgrades in two threads at once must not share them."""
    from concurrent.futures import ThreadPoolExecutor

    copies = []
    for index in range(4):
        copy = tmp_path / f"ws-{index}.khws"
        shutil.copy2(WORKSPACES[0], copy)
        copies.append(copy)

    def open_and_read(path: Path) -> str:
        session = open_workspace(path)
        session.close()
        with sqlite3.connect(path) as connection:
            return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(open_and_read, copies)) == [SCHEMA_HEAD] * 4
