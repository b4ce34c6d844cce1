"""The planner's statistics follow the registers' size: made when a register grows big, redone at 2×."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text

from kehoach_desktop.services.session import new_demo_workspace
from kehoach_desktop.storage.statistics import refresh_if_stale


def _known_rows(path: Path) -> int | None:
    with sqlite3.connect(path) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            return None
        row = db.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_materials_register'").fetchone()
        return int(row[0].split()[0]) if row else None


def test_a_small_demo_needs_no_statistics_and_a_big_one_has_them(tmp_path: Path) -> None:
    new_demo_workspace(tmp_path / "small.khws").close()
    assert _known_rows(tmp_path / "small.khws") is None  # 200 materials: every plan is quick
    new_demo_workspace(tmp_path / "big.khws", scale=6).close()
    assert _known_rows(tmp_path / "big.khws") == 1_200


def test_statistics_are_redone_only_when_the_register_doubled(tmp_path: Path) -> None:
    path = tmp_path / "demo.khws"
    session = new_demo_workspace(path, scale=6)
    try:
        with session.uow_factory() as uow:
            assert not refresh_if_stale(uow.session)  # just made by the demo
            columns = [row[1] for row in uow.session.execute(text("PRAGMA table_info(materials)"))]
            select = ", ".join("lower(hex(randomblob(16)))" if c == "id" else c for c in columns)
            copy = text(f"INSERT INTO materials ({', '.join(columns)}) SELECT {select} FROM materials LIMIT :n")
            uow.session.execute(copy, {"n": 1_000})  # 2,200 rows: less than twice 1,200
            assert not refresh_if_stale(uow.session)
            uow.session.execute(copy, {"n": 200})  # 2,400: twice
            assert refresh_if_stale(uow.session)
            uow.commit()
        assert _known_rows(path) == 2_400
    finally:
        session.close()
