"""Workspaces in a PostgreSQL database: made by the same migrations, refused when foreign, never holding a password."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from kehoach_desktop.domain.errors import WorkspaceError
from kehoach_desktop.storage.engine import create_store, open_store
from kehoach_desktop.storage.models import Base
from kehoach_desktop.storage.schema import SCHEMA_HEAD
from kehoach_desktop.storage.server import PasswordRequiredError, display_url, is_server_location
from tests.conftest import PostgresDatabases


def test_locations_are_told_apart() -> None:
    assert is_server_location("postgresql+psycopg://officer@db/kehoach")
    assert is_server_location("postgresql://officer@db/kehoach")
    assert not is_server_location("C:/Users/officer/ke-hoach.khws")
    assert not is_server_location("postgresql.khws")
    assert display_url("postgresql+psycopg://officer:secret@db/kehoach") == "postgresql+psycopg://officer@db/kehoach"


def test_the_migrations_build_exactly_the_models_on_postgresql(postgres_databases: PostgresDatabases) -> None:
    url = postgres_databases.new()
    with create_store(url) as store:
        assert store.path is None and store.lock is None
        assert f":{make_url(url).password}@" not in store.location and url != store.location
        inspector = inspect(store.engine)
        assert set(inspector.get_table_names()) == {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}
        for table in Base.metadata.sorted_tables:
            assert {c["name"] for c in inspector.get_columns(table.name)} == {c.name for c in table.columns}
        with store.engine.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == SCHEMA_HEAD


def test_two_instances_may_open_the_same_database(postgres_databases: PostgresDatabases) -> None:
    url = postgres_databases.new()
    create_store(url).close()
    with open_store(url) as first, open_store(url) as second:  # no file lock on a server, by design
        assert first.location == second.location


def test_an_empty_a_foreign_or_a_used_database_is_refused(postgres_databases: PostgresDatabases) -> None:
    empty = postgres_databases.new()
    with pytest.raises(WorkspaceError, match="is empty"):
        open_store(empty)
    foreign = postgres_databases.new()
    engine = create_engine(foreign)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE customers (id integer)"))
    engine.dispose()
    with pytest.raises(WorkspaceError, match="other tables"):
        open_store(foreign)
    with pytest.raises(WorkspaceError, match="other tables"):
        create_store(foreign)
    create_store(empty).close()
    with pytest.raises(WorkspaceError, match="already holds a workspace"):
        create_store(empty)


def test_a_missing_password_is_a_clear_request(postgres_databases: PostgresDatabases,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    url = make_url(postgres_databases.new())
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    bare = url._replace(password=None).render_as_string(hide_password=False)
    with pytest.raises(PasswordRequiredError):
        create_store(bare)
    with create_store(bare, password=url.password) as store:  # the password typed in the dialog
        assert f":{url.password}@" not in store.location
