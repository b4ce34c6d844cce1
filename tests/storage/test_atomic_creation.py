"""Creating and migrating a workspace are all or nothing, even for schema changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.services.workspace import WorkspaceSetup, create_workspace
from kehoach_desktop.storage.engine import make_engine, make_migration_engine, staging_path_for

SETUP = WorkspaceSetup(mode=WorkspaceMode.DISTRICT, unit_code="006", signer_name="Nguyễn Văn A",
                       signer_title="Phó Chủ tịch")


def test_a_creation_that_fails_half_way_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ws.khws"

    def populate(session) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        create_workspace(path=path, setup=SETUP, populate=populate)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_leftover_of_a_killed_creation_is_removed_by_the_next(tmp_path: Path) -> None:
    path = tmp_path / "ws.khws"
    staging = staging_path_for(path)
    with sqlite3.connect(staging) as connection:  # what a killed creation leaves: a half-made hidden file
        connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
    staging.with_name(staging.name + "-wal").write_bytes(b"")
    assert not path.exists()
    create_workspace(path=path, setup=SETUP).close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws.khws"]
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM workspace").fetchone()[0] == 1


@pytest.mark.parametrize("transactional", [True, False])
def test_schema_changes_roll_back_only_on_the_migration_engine(tmp_path: Path, transactional: bool) -> None:
    """The default driver commits DDL at once (what made a killed migration unrecoverable)."""
    path = tmp_path / "x.khws"
    engine = make_migration_engine(path) if transactional else make_engine(path)
    try:
        with engine.connect() as connection:
            connection.begin()
            connection.execute(text("CREATE TABLE half_done (x)"))
            connection.rollback()
        with engine.connect() as connection:
            tables = set(connection.execute(text("SELECT name FROM sqlite_master")).scalars())
    finally:
        engine.dispose()
    assert ("half_done" in tables) is (not transactional)
