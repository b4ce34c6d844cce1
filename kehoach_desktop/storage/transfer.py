"""Moving a whole workspace between stores: a SQLite file ⇄ a PostgreSQL database (``kehoach migrate-store``).

The target must be new (no file there) or an empty database. Its schema is made by the
migrations, then every table is copied in dependency order with core bulk inserts, in batches
(one transaction each), and the row counts are compared. A failure leaves no target: the file
appears only when complete (``building_store``), a database is emptied again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Table, func, insert, select, text

from kehoach_desktop.domain.errors import WorkspaceError
from kehoach_desktop.i18n import _
from kehoach_desktop.storage.engine import Location, building_store, open_store
from kehoach_desktop.storage.models import Base

BATCH = 2000


@dataclass(frozen=True)
class TransferResult:
    source: str
    target: str
    counts: dict[str, int]  # rows per table


def _ordered(table: Table) -> list:  # type: ignore[type-arg]
    """Rows of a self-referencing table parents first (plan sections by depth), else by primary key."""
    keys = list(table.primary_key.columns)
    if "depth" in table.c and any(fk.column.table is table for fk in table.foreign_keys):
        return [table.c.depth, *keys]
    return keys


def _copy_table(source: Connection, target_begin: Callable[[], object], table: Table) -> int:
    copied = 0
    result = source.execution_options(yield_per=BATCH).execute(select(table).order_by(*_ordered(table)))
    for batch in result.mappings().partitions(BATCH):
        rows = [dict(row) for row in batch]
        with target_begin() as connection:  # type: ignore[attr-defined]
            connection.execute(insert(table), rows)
        copied += len(rows)
    return copied


def _reset_sequences(connection: Connection) -> None:
    """After explicit ids were copied, PostgreSQL's serial counters must continue after the largest one."""
    for table in Base.metadata.sorted_tables:
        column = next((c for c in table.primary_key.columns if c.autoincrement is True
                       or (c.autoincrement == "auto" and c.type.python_type is int)), None)
        if column is None:
            continue
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
            f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 1), "
            f"(SELECT MAX({column.name}) FROM {table.name}) IS NOT NULL)"))


def transfer_store(source: Location, target: Location, *, source_password: str | None = None,
                   target_password: str | None = None,
                   progress: Callable[[str, int], None] | None = None) -> TransferResult:
    """Copy the workspace at ``source`` into the new ``target`` (file path or PostgreSQL URL) and check the counts."""
    counts: dict[str, int] = {}
    with open_store(source, password=source_password) as src:
        with building_store(target, password=target_password) as dst:
            target_name = dst.location if dst.is_server else str(Path(target).resolve())
            with src.engine.connect() as reading:
                for table in Base.metadata.sorted_tables:
                    counts[table.name] = _copy_table(reading, dst.engine.begin, table)
                    if progress is not None:
                        progress(table.name, counts[table.name])
                if dst.engine.dialect.name == "postgresql":
                    with dst.engine.begin() as connection:
                        _reset_sequences(connection)
                with dst.engine.connect() as written:
                    for table in Base.metadata.sorted_tables:
                        expected = reading.scalar(select(func.count()).select_from(table))
                        found = written.scalar(select(func.count()).select_from(table))
                        if expected != found or found != counts[table.name]:
                            raise WorkspaceError(_("The copy of the table {table} has {found} rows instead of "
                                                   "{expected}; nothing was kept at the target.").format(
                                                       table=table.name, found=found, expected=expected))
        return TransferResult(source=src.location, target=target_name, counts=counts)
