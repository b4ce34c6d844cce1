"""Workspaces on a shared PostgreSQL server instead of a SQLite file.

A server workspace is one PostgreSQL database, addressed by a SQLAlchemy URL such as
``postgresql+psycopg://officer@db.example/kehoach``. The password is never part of what
the application stores: libpq finds it in ``PGPASSWORD`` or ``~/.pgpass``, or the caller
passes the one the user typed (kept in memory only). The schema is made by the same
Alembic migrations as a file. There is no file lock: several instances may work on the
database at once by design; PostgreSQL's transactions, a per-unit advisory lock for
package imports and the records' ``version`` column keep their work apart.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session

from kehoach_desktop.domain.errors import WorkspaceError, WorkspaceTooNewError
from kehoach_desktop.i18n import _
from kehoach_desktop.storage.schema import SCHEMA_HEAD

log = logging.getLogger(__name__)
SERVER_SCHEMES = ("postgresql", "postgres")
_MIGRATION_LOCK = 0x6B68_6D69  # "khmi": one instance migrates a server database at a time


class PasswordRequiredError(WorkspaceError):
    """The server asked for a password that neither the environment nor ``.pgpass`` gave."""


def is_server_location(location: object) -> bool:
    """True for a database URL (``postgresql+psycopg://…``), false for a file path."""
    return isinstance(location, str) and location.split(":", 1)[0].split("+", 1)[0].lower() in SERVER_SCHEMES


def parse_server_url(location: str, password: str | None = None) -> URL:
    try:
        url = make_url(location)
    except ArgumentError as exc:
        raise WorkspaceError(_("{url} is not a database address (expected postgresql+psycopg://user@host/database)."
                               ).format(url=location)) from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if not url.database:
        raise WorkspaceError(_("The address {url} names no database; add it after the last slash.").format(
            url=display_url(url)))
    if password:
        url = url.set(password=password)
    return url


def display_url(url: URL | str) -> str:
    """The address without its password: what is shown, logged and remembered."""
    url = make_url(url) if isinstance(url, str) else url
    return url._replace(password=None).render_as_string(hide_password=False)


def make_server_engine(url: URL) -> Engine:
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                         connect_args={"connect_timeout": 10, "application_name": "kehoach-desktop"})


def connect_error(url: URL, exc: BaseException) -> WorkspaceError:
    reason = str(getattr(exc, "orig", exc) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = str(exc).lower()
    if "no password supplied" in lowered or "password authentication failed" in lowered:
        return PasswordRequiredError(
            _("The database server {url} asks for the password of {user}.").format(
                url=display_url(url), user=url.username or ""))
    return WorkspaceError(_("Cannot reach the database {url}: {reason}. Check the address, that the server runs and "
                            "that you may connect to it.").format(url=display_url(url), reason=reason))


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def check_reachable(engine: Engine, url: URL) -> set[str]:
    """Connect once (a clear message when it fails); the tables already in the database."""
    try:
        return _tables(engine)
    except (OperationalError, DBAPIError) as exc:
        raise connect_error(url, exc) from exc


def server_revision(engine: Engine, url: URL) -> str | None:
    """The schema revision of the database, ``None`` when it is empty; refuses a foreign database."""
    tables = check_reachable(engine, url)
    if not tables:
        return None
    if "alembic_version" not in tables or "workspace" not in tables:
        raise WorkspaceError(_("The database {url} holds other tables, not a Kế hoạch Desktop workspace. Nothing was "
                               "changed.").format(url=display_url(url)))
    with engine.connect() as connection:
        row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    if row is None:
        raise WorkspaceError(_("The database {url} is an unfinished workspace.").format(url=display_url(url)))
    return str(row[0])


def upgrade_server(engine: Engine) -> None:
    """Bring the schema to the head in one transaction (PostgreSQL's DDL is transactional)."""
    from kehoach_desktop.storage.migrate import upgrade_to_head

    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        upgrade_to_head(connection)


def migrate_if_older(engine: Engine, url: URL, revision: str) -> None:
    if revision == SCHEMA_HEAD:
        return
    from kehoach_desktop.storage.migrate import known_revisions

    if revision not in known_revisions():
        raise WorkspaceTooNewError(
            _("The workspace {url} was saved by a newer version of Kế hoạch Desktop. Install the newer version to "
              "open it; nothing was changed.").format(url=display_url(url)))
    log.info("migrating %s from schema %s to %s (back it up with pg_dump first)", display_url(url), revision,
             SCHEMA_HEAD)
    upgrade_server(engine)


def drop_workspace_schema(engine: Engine) -> None:
    """Empty the database again (after a creation that failed half-way)."""
    from kehoach_desktop.storage.models import Base

    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


def lock_unit_records(session: Session, unit_code: str) -> None:
    """Serialise writers that replace one unit's records (package imports) until the transaction ends.

    On PostgreSQL a transaction-scoped advisory lock per unit code; SQLite has a single writer anyway.
    """
    bind: Any = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key(f"kehoach.unit:{unit_code}")})
