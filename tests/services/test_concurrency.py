"""Several instances on one shared PostgreSQL database at once, each in its own process.

Simultaneous imports of different districts both succeed; the same package imported at the
same moment is applied once; simultaneous edits of one record: one is saved, the other is told
(ConcurrentEditError with the newer value); an import killed mid-way leaves all or nothing.
The lost-update check itself also runs on SQLite (two units of work in one process).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kehoach_desktop.domain.errors import ConcurrentEditError
from kehoach_desktop.services import sync
from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.materials import create_material, get_material
from kehoach_desktop.services.session import new_demo_workspace, open_workspace
from kehoach_desktop.storage.models import Material, ReceivedPackage, Task
from tests.conftest import LocationFactory, PostgresDatabases
from tests.services import concurrency_workers as workers
from tests.services.package_tools import new_city, unit_view
from tests.services.register_fixtures import banner

SPAWN = multiprocessing.get_context("spawn")


VIEWS: dict[str, dict[str, Any]] = {}
"""Each first package's unit records, as the district had them when it exported."""


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Sync packages of two districts (Đống Đa twice, Ba Đình once), exported from demo workspaces."""
    folder = tmp_path_factory.mktemp("packages")
    made: dict[str, Path] = {}
    for code, scale in (("006", 3), ("001", 1)):
        district = new_demo_workspace(folder / f"{code}.khws", district_code=code, scale=scale)
        try:
            made[code] = folder / f"{code}-1.khsync"
            sync.export_sync_package(uow_factory=district.uow_factory, out=made[code], period="2021-Q1")
            VIEWS[code] = unit_view(dump_workspace(uow_factory=district.uow_factory), code)
            if code == "006":
                create_material(uow_factory=district.uow_factory, values=banner("Băng rôn mới sau gói thứ nhất"))
                made["006-2"] = folder / "006-2.khsync"
                sync.export_sync_package(uow_factory=district.uow_factory, out=made["006-2"], period="2021-H1")
        finally:
            district.close()
    return made


@pytest.fixture
def city_url(postgres_databases: PostgresDatabases) -> Iterator[str]:
    url = postgres_databases.new()
    new_city(url).close()
    yield url


def _run(fn, *argument_lists):  # type: ignore[no-untyped-def]
    with ProcessPoolExecutor(max_workers=len(argument_lists), mp_context=SPAWN) as pool:
        futures = [pool.submit(fn, *arguments) for arguments in argument_lists]
        return [future.result(timeout=300) for future in futures]


def test_two_officers_import_different_districts_at_the_same_moment(city_url: str, packages: dict[str, Path]) -> None:
    barrier = SPAWN.Manager().Barrier(2)
    results = _run(workers.import_after, (city_url, str(packages["006"]), barrier),
                   (city_url, str(packages["001"]), barrier))
    assert results == ["imported", "imported"]
    city = open_workspace(city_url)
    try:
        dump = dump_workspace(uow_factory=city.uow_factory)
        assert unit_view(dump, "006") == VIEWS["006"]
        assert unit_view(dump, "001") == VIEWS["001"]
    finally:
        city.close()


def test_the_same_package_imported_at_the_same_moment_is_applied_once(city_url: str,
                                                                     packages: dict[str, Path]) -> None:
    barrier = SPAWN.Manager().Barrier(3)
    results = _run(workers.import_after, *[(city_url, str(packages["006"]), barrier)] * 3)
    assert sorted(results) == ["imported", "unchanged", "unchanged"]
    city = open_workspace(city_url)
    try:
        with city.uow_factory() as uow:
            assert uow.session.scalar(select(func.count()).select_from(ReceivedPackage)) == 1
            tasks = uow.session.scalar(select(func.count()).select_from(Task).where(Task.unit_code == "006"))
        assert tasks == sum(len(plan["tasks"]) for plan in VIEWS["006"]["plans"]) > 0
        assert unit_view(dump_workspace(uow_factory=city.uow_factory), "006") == VIEWS["006"]
    finally:
        city.close()


def test_simultaneous_edits_of_one_record_one_wins_the_other_is_told(postgres_databases: PostgresDatabases) -> None:
    url = postgres_databases.new()
    session = new_demo_workspace(url)
    try:
        material_id = session.uow_factory().__enter__().session.scalars(select(Material.id).limit(1)).one()
    finally:
        session.close()
    barrier = SPAWN.Manager().Barrier(2)
    results = _run(workers.edit_after, (url, material_id, "Sửa của cán bộ A", barrier),
                   (url, material_id, "Sửa của cán bộ B", barrier))
    assert sorted(r.split(":")[0] for r in results) == ["conflict", "saved"]
    winner = "Sửa của cán bộ A" if results[0] == "saved" else "Sửa của cán bộ B"
    loser_message = next(r for r in results if r.startswith("conflict"))
    assert f"content: now “{winner}”" in loser_message  # the newer value is shown
    session = open_workspace(url)
    try:
        saved = get_material(uow_factory=session.uow_factory, material_id=material_id)
        assert saved.content == winner and saved.version == 2
    finally:
        session.close()


def test_two_officers_save_the_same_material_from_open_forms_the_second_is_refused(
        postgres_databases: PostgresDatabases) -> None:
    url = postgres_databases.new()
    session = new_demo_workspace(url)
    try:
        material_id = session.uow_factory().__enter__().session.scalars(select(Material.id).limit(1)).one()
        before = get_material(uow_factory=session.uow_factory, material_id=material_id)
    finally:
        session.close()
    manager = SPAWN.Manager()
    loaded, saved = manager.Barrier(2), manager.Barrier(2)
    results = _run(workers.save_form_after, (url, material_id, "Sửa của cán bộ A", loaded, saved, True),
                   (url, material_id, "Sửa của cán bộ B", loaded, saved, False))
    assert results[0] == "saved"
    assert results[1].startswith("conflict:") and "Content / slogan is now “Sửa của cán bộ A”" in results[1]
    session = open_workspace(url)
    try:
        stored = get_material(uow_factory=session.uow_factory, material_id=material_id)
        assert (stored.content, stored.version) == ("Sửa của cán bộ A", before.version + 1)
    finally:
        session.close()


def test_an_import_killed_mid_way_leaves_all_or_nothing(city_url: str, packages: dict[str, Path]) -> None:
    city = open_workspace(city_url)
    try:
        sync.import_package(uow_factory=city.uow_factory, path=packages["006"], trust_new_keys=True)
        before = dump_workspace(uow_factory=city.uow_factory)
    finally:
        city.close()
    ready = SPAWN.Event()
    process = SPAWN.Process(target=workers.import_and_hang, args=(city_url, str(packages["006-2"]), ready))
    process.start()
    try:
        assert ready.wait(timeout=120), "the import never reached the tasks"
        os.kill(process.pid, signal.SIGKILL)  # mid-transaction: the unit's old rows deleted, new ones half-written
    finally:
        process.join(timeout=60)
    assert process.exitcode == -signal.SIGKILL
    city = open_workspace(city_url)
    try:
        assert dump_workspace(uow_factory=city.uow_factory) == before  # nothing of the killed import
        outcome = sync.import_package(uow_factory=city.uow_factory, path=packages["006-2"])
        assert outcome.imported  # and the package can simply be imported again
        with city.uow_factory() as uow:
            assert uow.session.scalar(select(func.count()).select_from(ReceivedPackage)) == 2
    finally:
        city.close()


def test_a_lost_update_is_refused_with_the_newer_value(new_location: LocationFactory) -> None:
    """Two units of work read the same material; the second to save is refused, on SQLite and PostgreSQL."""
    session = new_demo_workspace(new_location("d"))
    try:
        first, second = session.uow_factory(), session.uow_factory()
        with first, second:
            material_id = first.session.scalars(select(Material.id).limit(1)).one()
            mine = first.session.get(Material, material_id)
            theirs = second.session.get(Material, material_id)
            assert mine is not None and theirs is not None
            theirs.content = "Nội dung cán bộ khác đã lưu"
            second.commit()
            mine.content = "Nội dung của tôi"
            with pytest.raises(ConcurrentEditError) as caught:
                first.commit()
        assert caught.value.details == ["content: now “Nội dung cán bộ khác đã lưu”"]
        assert get_material(uow_factory=session.uow_factory, material_id=material_id).content == \
            "Nội dung cán bộ khác đã lưu"
    finally:
        session.close()
