"""``kehoach migrate-store`` and ``--database``: a workspace moved to PostgreSQL and back, every record kept."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from tests.cli.test_cli import assert_clean_refusal, kehoach
from tests.conftest import PostgresDatabases


def test_a_workspace_goes_to_postgresql_and_back_with_identical_dumps(tmp_path: Path,
                                                                      postgres_databases: PostgresDatabases) -> None:
    url = postgres_databases.new()
    assert kehoach("demo", "--workspace", tmp_path / "a.khws", "--scale", "2").returncode == 0
    assert kehoach("dump", "--workspace", tmp_path / "a.khws", "--out", tmp_path / "a.json").returncode == 0
    moved = kehoach("--lang", "en", "migrate-store", "--from", tmp_path / "a.khws", "--to", url)
    assert moved.returncode == 0, moved.stderr
    assert "every count checked" in moved.stdout and f":{make_url(url).password}@" not in moved.stdout
    assert kehoach("dump", "--database", url, "--out", tmp_path / "b.json").returncode == 0
    back = kehoach("migrate-store", "--from", url, "--to", tmp_path / "c.khws")
    assert back.returncode == 0, back.stderr
    assert kehoach("dump", "--workspace", tmp_path / "c.khws", "--out", tmp_path / "c.json").returncode == 0
    original = (tmp_path / "a.json").read_text(encoding="utf-8")
    assert (tmp_path / "b.json").read_text(encoding="utf-8") == original
    assert (tmp_path / "c.json").read_text(encoding="utf-8") == original


def test_the_target_must_be_empty(tmp_path: Path, postgres_databases: PostgresDatabases) -> None:
    url = postgres_databases.new()
    assert kehoach("init", "--database", url, "--city").returncode == 0
    assert kehoach("demo", "--workspace", tmp_path / "a.khws").returncode == 0
    result = kehoach("--lang", "en", "migrate-store", "--from", tmp_path / "a.khws", "--to", url)
    assert_clean_refusal(result)
    assert "already holds a workspace" in result.stderr
    refused = kehoach("--lang", "en", "migrate-store", "--from", url, "--to", tmp_path / "a.khws")
    assert_clean_refusal(refused)
    assert "already exists" in refused.stderr


def test_a_missing_password_is_asked_for_not_a_crash(postgres_databases: PostgresDatabases) -> None:
    url = make_url(postgres_databases.new())._replace(password=None).render_as_string(hide_password=False)
    result = kehoach("--lang", "en", "dump", "--database", url)
    assert_clean_refusal(result)
    assert "asks for the password" in result.stderr
