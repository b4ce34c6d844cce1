"""Issue 18, packages: the key is checked before any data file is parsed, data is parsed within a bounded
memory, and every refusal costs under 300 MB and a few seconds and is in the audit log.

The packages are imported by the real command line in a child process under a 300 MB memory
limit (``tests/limited.py``): a regression fails the test instead of swapping the machine.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.exchange.package import DEFAULT_LIMITS
from kehoach_desktop.services import sync
from kehoach_desktop.services.session import new_demo_workspace
from tests.limited import LimitedRun, run_cli
from tests.services.hostile_packages import MB, padded_json_array, with_data
from tests.services.hostile_templates import with_long_theme
from tests.services.package_tools import new_city, new_key, private_key_of, repack, unpack

MEMORY_MB = 300


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A demo district's package (sequence 1, for 2021-Q1) and the district's private key."""
    folder = tmp_path_factory.mktemp("district")
    session = new_demo_workspace(folder / "district.khws")
    package = folder / "q1.khsync"
    sync.export_sync_package(uow_factory=session.uow_factory, out=package, period="2021-Q1")
    key = private_key_of(session)
    session.close()
    return package, key


@pytest.fixture(scope="module")
def city_template(tmp_path_factory: pytest.TempPathFactory, district: tuple[Path, bytes]) -> Path:
    """A city workspace that knows the district's key (it confirmed it with an earlier package)."""
    package, key = district
    folder = tmp_path_factory.mktemp("city")
    earlier = repack(package, folder / "q0.khsync", key, edit_manifest=lambda m: m.update(sequence=1))
    path = folder / "city.khws"
    city = new_city(path)
    sync.import_package(uow_factory=city.uow_factory, path=earlier, trust_new_keys=True)
    city.close()
    return path


@pytest.fixture
def city(tmp_path: Path, city_template: Path) -> Iterator[Path]:
    path = tmp_path / "city.khws"
    shutil.copy(city_template, path)
    yield path


def import_in_child(city: Path, package: Path) -> LimitedRun:
    run = run_cli(["package", "import", "--workspace", str(city), str(package)], memory_mb=MEMORY_MB, lang="en")
    print(f"{package.name} ({package.stat().st_size / MB:.2f} MB): {run.describe()}")
    return run


def refusals(city: Path) -> list[dict]:
    with sqlite3.connect(f"{city.as_uri()}?mode=ro", uri=True) as connection:
        return [json.loads(row[0]) for row in connection.execute(
            "SELECT details FROM audit_log WHERE action = 'package.refuse' ORDER BY id")]


def assert_refused(run: LimitedRun, city: Path, package: Path, words: str) -> None:
    assert run.returncode == 1 and not run.crashed, run.describe()
    assert words in run.stderr, run.describe()
    last = refusals(city)[-1]
    assert last["file"] == package.name and words in last["reason"]


def test_a_package_signed_by_another_key_is_refused_before_its_data_is_parsed(
        district: tuple[Path, bytes], city: Path, tmp_path: Path) -> None:
    """Was: 100 MB of ``{},`` in a 1.39 MB package parsed before the key was looked at: 2.6 GB."""
    package, _key = district
    forger, _public = new_key()
    bomb = padded_json_array(60 * MB)  # within the data limit, packed about 26:1
    hostile = with_data(package, tmp_path / "forged.khsync", forger, {"data/materials.json": bomb})
    assert hostile.stat().st_size < 4 * MB
    run = import_in_child(city, hostile)
    assert_refused(run, city, hostile, "but the key registered for unit 006 is")
    assert run.peak_mb < MEMORY_MB


@pytest.mark.parametrize("entries", [1, 2], ids=["one-100MB-entry", "two-250MB-entries"])
def test_data_files_larger_than_the_largest_unit_sends_are_refused_from_their_declared_size(
        entries: int, district: tuple[Path, bytes], city: Path, tmp_path: Path) -> None:
    """Was: two 250 MB entries reached 5.9 GB and ended in "unexpected error"."""
    package, key = district
    size = 100 * MB if entries == 1 else 250 * MB
    files = {f"data/{name}.json": padded_json_array(size, seed=n) for n, name in
             enumerate(["materials", "events"][:entries])}
    hostile = with_data(package, tmp_path / f"big-{entries}.khsync", key, files)
    del files
    run = import_in_child(city, hostile)
    assert_refused(run, city, hostile, "is too large")
    assert run.peak_mb < MEMORY_MB


def test_a_trusted_package_with_more_values_than_any_unit_sends_is_refused_before_parsing(
        district: tuple[Path, bytes], city: Path, tmp_path: Path) -> None:
    """Signed by the district's own key (a stolen key, or a broken exporter): the value budget still holds."""
    package, key = district
    hostile = with_data(package, tmp_path / "values.khsync", key,
                        {"data/materials.json": padded_json_array(60 * MB)})
    run = import_in_child(city, hostile)
    assert_refused(run, city, hostile, "more values than the package of the largest reporting unit")
    assert run.peak_mb < MEMORY_MB


def test_the_costliest_data_within_the_limits_is_parsed_and_refused_under_300_mb(
        district: tuple[Path, bytes], city: Path, tmp_path: Path) -> None:
    """The most memory per byte JSON can ask for (two-letter strings, 60 bytes each) up to the value budget."""
    package, key = district
    costly = padded_json_array(5 * (DEFAULT_LIMITS.max_json_values - 200_000), item=b'"ab"')  # about 5 bytes each
    hostile = with_data(package, tmp_path / "costly.khsync", key, {"data/materials.json": costly})
    run = import_in_child(city, hostile)
    assert_refused(run, city, hostile, "record 1: not a JSON object")
    assert run.peak_mb < MEMORY_MB


def test_an_unknown_field_is_refused_naming_the_record_as_the_officer_knows_it(
        district: tuple[Path, bytes], city: Path, tmp_path: Path) -> None:
    package, key = district
    _manifest, files = unpack(package)
    materials = json.loads(files["data/materials.json"])
    materials[5]["colour"] = "đỏ"
    hostile = with_data(package, tmp_path / "unknown.khsync", key,
                        {"data/materials.json": json.dumps(materials, ensure_ascii=False).encode()})
    run = import_in_child(city, hostile)
    assert_refused(run, city, hostile, f"“{materials[5]['content'][:40]}")
    assert "unknown fields colour" in run.stderr


def test_a_template_package_larger_than_a_template_is_refused_before_parsing(
        district: tuple[Path, bytes], tmp_path: Path) -> None:
    """Was: a template with a 200 MB theme text accepted (1.5 GB used, a 353 MB workspace copied by every backup).

    Here the theme text is 10 MB of words (within the data limit of a package, packed about 5:1): the template's
    declared size refuses it before it is parsed, for a unit's workspace as for a new one.
    """
    city = new_city(tmp_path / "city.khws")
    template = sync.export_template_package(uow_factory=city.uow_factory, out=tmp_path / "hanoi.khtemplate").path
    key = private_key_of(city)
    city.close()
    _manifest, files = unpack(template)
    document = with_long_theme(json.loads(files["data/template.json"]), 2_000_000)
    hostile = with_data(template, tmp_path / "dai.khtemplate", key, {"data/template.json": document})
    workspace = tmp_path / "district.khws"
    new_demo_workspace(workspace).close()
    run = run_cli(["template", "import", "--workspace", str(workspace), "--trust-new-keys", str(hostile)],
                  memory_mb=MEMORY_MB, lang="en")
    print(f"{hostile.name} ({hostile.stat().st_size / MB:.2f} MB): {run.describe()}")
    assert_refused(run, workspace, hostile, "larger than a template can be (at most 4 MB)")
    assert run.peak_mb < 120  # the template is never parsed
    with pytest.raises(UserFacingError, match="larger than a template can be"):  # a new unit's workspace too
        sync.read_template_package(hostile)
