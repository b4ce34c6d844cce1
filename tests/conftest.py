"""Shared fixtures. Qt runs offscreen; the application's folders live in a temporary folder."""

from __future__ import annotations

import contextlib
import os

# Before any Qt import: draw offscreen, on a 1920×1080 screen (the plugin's default is 800×600,
# which would clamp restored window sizes).
_SCREEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "offscreen-screen.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"

from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from kehoach_desktop import i18n  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _portable_app_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep settings, logs and default workspaces of the tests out of the user's home."""
    root = tmp_path_factory.mktemp("app-folders")
    previous = os.environ.get("KEHOACH_PORTABLE")
    os.environ["KEHOACH_PORTABLE"] = str(root)
    yield root
    if previous is None:
        os.environ.pop("KEHOACH_PORTABLE", None)
    else:
        os.environ["KEHOACH_PORTABLE"] = previous


@pytest.fixture
def vietnamese() -> Iterator[None]:
    previous = i18n.current_language()
    i18n.setup("vi")
    yield
    i18n.setup(previous)


@pytest.fixture
def english() -> Iterator[None]:
    previous = i18n.current_language()
    i18n.setup("en")
    yield
    i18n.setup(previous)


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    """Tests that start the CLI or the app switch the language; each test starts from English."""
    i18n.setup("en")
    yield
    i18n.setup("en")


# The guide's tour (tests/ui/test_guide.py) drives every window the guide shows: opt-in. ----------------------------
GUIDE_TOUR_OPTION = "--guide-tour"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(GUIDE_TOUR_OPTION, action="store_true",
                     help="also check the user guide against the real windows (the guide's tour: 15 s of CPU)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption(GUIDE_TOUR_OPTION):
        return
    skip = pytest.mark.skip(reason="the guide's tour drives every window (15 s of CPU, over a minute on a busy "
                            "machine): run with --guide-tour; tests/test_guide_names.py checks the names every run")
    for item in items:
        if item.get_closest_marker("guide_tour") is not None:
            item.add_marker(skip)


# Stores: every test that takes ``new_location`` runs on a SQLite file and on a PostgreSQL database. ------------------
POSTGRES_URL_VARIABLE = "KEHOACH_TEST_POSTGRES_URL"


class PostgresDatabases:
    """Fresh, empty databases on the test server (``KEHOACH_TEST_POSTGRES_URL``), dropped at the end."""

    def __init__(self, admin_url: str) -> None:
        from sqlalchemy import create_engine

        self._admin_url = admin_url
        self._admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self._made: list[str] = []

    def new(self) -> str:
        import uuid

        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        name = f"kh_{uuid.uuid4().hex[:16]}"
        with self._admin.connect() as connection:
            # C collation: text sorts by code point, as in SQLite
            connection.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' LC_COLLATE \'C.UTF-8\' '
                                    f'LC_CTYPE \'C.UTF-8\' TEMPLATE template0'))
        self._made.append(name)
        return make_url(self._admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        from sqlalchemy import text

        with self._admin.connect() as connection:
            for name in self._made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._made.clear()
        self._admin.dispose()


STORE_KINDS = ("sqlite", "postgres")
LocationFactory = Callable[..., "Path | str"]
"""``location(name)``: a new place for a workspace — a file path, or the URL of a new, empty database."""


def _skip_without_postgres() -> str:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(f"no PostgreSQL server for the tests: set {POSTGRES_URL_VARIABLE} (e.g. to the URL printed by "
                    ".ci/start_postgres.sh) to run them on PostgreSQL too; CI sets it")
    return url


@contextlib.contextmanager
def module_locations(kind: str, folder: Path) -> Iterator[LocationFactory]:
    """Locations for fixtures of a wider scope than a test (``kind`` one of :data:`STORE_KINDS`)."""
    if kind == "sqlite":
        yield lambda name="w": folder / f"{name}.khws"
        return
    databases = PostgresDatabases(_skip_without_postgres())
    try:
        yield lambda name="w": databases.new()
    finally:
        databases.drop_all()


@pytest.fixture(params=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    """The kind of store a test runs on; ``postgres`` needs ``KEHOACH_TEST_POSTGRES_URL`` (CI sets it)."""
    if request.param == "postgres":
        _skip_without_postgres()
    return str(request.param)


@pytest.fixture
def postgres_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(_skip_without_postgres())
    yield databases
    databases.drop_all()


@pytest.fixture
def new_location(store_kind: str, tmp_path: Path) -> Iterator[LocationFactory]:
    """``new_location(name)``: where to create a workspace — ``tmp_path/name.khws``, or a new PostgreSQL database.

    Pass the result to ``new_workspace``/``new_demo_workspace``/``create_workspace`` as the path. Every
    test using it runs on both stores.
    """
    with module_locations(store_kind, tmp_path) as location:
        yield location
