"""The SQLite planner's statistics of the registers, kept roughly in step with their size.

Without ``sqlite_stat1`` SQLite guesses that an equality on an indexed column picks out a few
rows; in a city workspace ``unit_code`` picks out one thirtieth of 300,000. ``ANALYZE`` of the
materials table takes about 70 ms at that size, so it runs only when the table has halved or
doubled since the last one (a handful of times over 30 package imports).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

_INDEX = "ix_materials_register"
_MIN_ROWS = 1_000  # below this every plan is quick: no statistics needed


def refresh_if_stale(session: Session) -> bool:
    """Run ``ANALYZE`` on the registers when their row count moved by 2× or more; True if it ran."""
    if session.get_bind().dialect.name != "sqlite":
        return False  # PostgreSQL's autovacuum keeps its own statistics
    rows = session.execute(text("SELECT count(*) FROM materials")).scalar_one()
    known = None
    if session.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
        stat = session.execute(text("SELECT stat FROM sqlite_stat1 WHERE idx = :idx"), {"idx": _INDEX}).scalar()
        known = int(stat.split()[0]) if stat else None
    if known is None and rows < _MIN_ROWS:
        return False
    if known is not None and known / 2 < rows < known * 2:
        return False
    session.execute(text("ANALYZE materials"))
    session.execute(text("ANALYZE events"))
    return True
