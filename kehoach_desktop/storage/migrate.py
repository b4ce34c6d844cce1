"""Alembic migrations shipped inside the package, applied programmatically."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Alembic runs a migration through module-level proxies (``alembic.op``, ``alembic.context``): two workspaces
# upgraded at once in two threads of one process would overwrite each other's. One upgrade at a time.
_UPGRADE_LOCK = threading.Lock()


def _config(connection: Connection | None = None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def upgrade_to_head(connection: Connection) -> None:
    from alembic import command

    with _UPGRADE_LOCK:
        command.upgrade(_config(connection), "head")
