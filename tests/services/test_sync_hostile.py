"""Hostile packages: each kind of broken, tampered, replayed or forged package is refused with its own
message, the refusal is in the audit log, and the city workspace is unchanged in content."""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kehoach_desktop.exchange.package import PackageError
from kehoach_desktop.services import sync
from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace
from tests.services.package_tools import (
    content_of,
    manifest_bytes_of,
    new_city,
    new_key,
    private_key_of,
    repack,
    unpack,
    write_zip,
)


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WorkspaceSession, Path, Path, bytes]]:
    """A demo district with two packages sent: the first (sequence 1) and a newer one (sequence 2)."""
    folder = tmp_path_factory.mktemp("district")
    session = new_demo_workspace(folder / "district.khws")
    first = folder / "first.khsync"
    second = folder / "second.khsync"
    sync.export_sync_package(uow_factory=session.uow_factory, out=first, period="2021-Q1")
    sync.export_sync_package(uow_factory=session.uow_factory, out=second, period="2021-H1")
    yield session, first, second, private_key_of(session)
    session.close()


@pytest.fixture(scope="module")
def city_template(tmp_path_factory: pytest.TempPathFactory, district) -> Path:  # type: ignore[no-untyped-def]
    """A city workspace that trusts the district and has accepted its newest package."""
    _session, _first, second, _key = district
    path = tmp_path_factory.mktemp("city") / "city.khws"
    city = new_city(path)
    sync.import_package(uow_factory=city.uow_factory, path=second, trust_new_keys=True)
    city.close()
    return path


@pytest.fixture
def city(tmp_path: Path, city_template: Path) -> Iterator[WorkspaceSession]:
    from kehoach_desktop.services.session import open_workspace

    path = tmp_path / "city.khws"
    shutil.copy(city_template, path)
    session = open_workspace(path)
    yield session
    session.close()


def _data(name: str) -> str:
    return f"data/{name}.json"


def _edit_record(kind: str, change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        change(data[_data(kind)][0])
    return edit


def _symlink_entry() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("data/plans.json")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def build(case: str, district, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Make the hostile package named by ``case`` from the district's genuine newest package."""
    _session, _first, genuine, key = district
    out = tmp_path / f"{case}.khsync"
    manifest, files = unpack(genuine)
    raw = genuine.read_bytes()
    sig = zipfile.ZipFile(genuine).read("manifest.sig")
    mbytes = zipfile.ZipFile(genuine).read("manifest.json")
    if case == "not_a_zip":
        out.write_text("Kính gửi Sở Thông tin và Truyền thông", encoding="utf-8")
    elif case == "truncated":
        out.write_bytes(raw[: len(raw) // 2])
    elif case == "ratio_bomb":
        return repack(genuine, out, key, edit_files=lambda f: f.update({"data/padding.json": b"0" * (8 << 20)}))
    elif case == "path_traversal":
        write_zip(out, [("manifest.json", mbytes), ("../../evil.json", b"[]"), ("manifest.sig", sig)])
    elif case == "absolute_path":
        write_zip(out, [("manifest.json", mbytes), ("/etc/evil.json", b"[]"), ("manifest.sig", sig)])
    elif case == "symlink":
        write_zip(out, [("manifest.json", mbytes), (_symlink_entry(), b"/etc/passwd"), ("manifest.sig", sig)])
    elif case == "duplicate_entry":
        with pytest.warns(UserWarning):
            write_zip(out, [("manifest.json", mbytes), *files.items(), (_data("plans"), b"[]"),
                            ("manifest.sig", sig)])
    elif case == "hash_mismatch":
        def same_size_change(f: dict[str, bytes]) -> None:  # one digit of a task's progress
            text = f[_data("tasks")]
            at = text.index(b'"percent_done":') + len(b'"percent_done":')
            f[_data("tasks")] = text[:at] + (b"7" if text[at:at + 1] != b"7" else b"8") + text[at + 1:]
        return repack(genuine, out, key, rehash_files=False, signature=sig, edit_files=same_size_change)
    elif case == "size_mismatch":
        def wrong_size(m: dict[str, Any]) -> None:
            m["files"][0]["size"] += 1
        return repack(genuine, out, key, edit_manifest=wrong_size)
    elif case == "bad_signature":
        return repack(genuine, out, key, edit_manifest=lambda m: m.update(period="2021"), signature=sig)
    elif case == "missing_signature":
        write_zip(out, [("manifest.json", mbytes), *files.items()])
    elif case == "forged_key":  # a well-formed package signed by someone else's key
        forger, public = new_key()

        def forged(m: dict[str, Any]) -> None:
            import base64

            from kehoach_desktop.exchange.keys import fingerprint

            m.update(public_key=base64.b64encode(public).decode(), key_fingerprint=fingerprint(public),
                     sequence=99)
        return repack(genuine, out, forger, edit_manifest=forged)
    elif case == "unknown_unit":
        def other_unit(data: dict[str, Any]) -> None:
            for rows in data.values():
                for row in rows if isinstance(rows, list) else ():
                    row["unit_code"] = "999"
            data["data/report.json"]["unit"] = "999"
        return repack(genuine, out, key, edit_data=other_unit,
                      edit_manifest=lambda m: m.update(unit_code="999", sequence=3))
    elif case == "newer_format":
        return repack(genuine, out, key, edit_manifest=lambda m: m.update(format_version=2))
    elif case == "stale_sequence":
        return district[1]  # sequence 1, after 2 was accepted
    elif case == "malformed_json":
        return repack(genuine, out, key, edit_files=lambda f: f.update({_data("tasks"): b'[{"id": '}),
                      edit_manifest=lambda m: m.update(sequence=3))
    elif case == "bad_enum":
        return repack(genuine, out, key, edit_data=_edit_record("tasks", lambda t: t.update(status="finished")),
                      edit_manifest=lambda m: m.update(sequence=3))
    elif case == "bad_date":
        return repack(genuine, out, key, edit_data=_edit_record("events", lambda e: e.update(starts_on="31/02/2021")),
                      edit_manifest=lambda m: m.update(sequence=3))
    elif case == "huge_amount":  # 300,000 such costs would overflow the city's sums
        return repack(genuine, out, key, edit_data=_edit_record("materials", lambda r: r.update(cost=9 * 10**18)),
                      edit_manifest=lambda m: m.update(sequence=3))
    elif case == "bad_uuid":
        return repack(genuine, out, key, edit_data=_edit_record("materials", lambda r: r.update(id="42")),
                      edit_manifest=lambda m: m.update(sequence=3))
    elif case == "record_of_other_unit":
        return repack(genuine, out, key, edit_data=_edit_record("materials", lambda r: r.update(unit_code="001")),
                      edit_manifest=lambda m: m.update(sequence=3))
    elif case == "dangling_reference":
        return repack(genuine, out, key,
                      edit_data=_edit_record("tasks", lambda t: t.update(section_id="0" * 8 + "-0000-4000-8000-"
                                                                          + "0" * 12)),
                      edit_manifest=lambda m: m.update(sequence=3))
    elif case == "report_of_another_period":  # the figures of Q1 sent as H1's
        return repack(genuine, out, key, edit_data=lambda d: d["data/report.json"].update(period="2021-Q1"),
                      edit_manifest=lambda m: m.update(sequence=3))
    elif case == "report_negative_figure":
        return repack(genuine, out, key,
                      edit_data=lambda d: d["data/report.json"]["flows"].update(money_spent=-5_000_000),
                      edit_manifest=lambda m: m.update(sequence=3))
    elif case == "report_not_an_object":
        return repack(genuine, out, key, edit_files=lambda f: f.update({"data/report.json": b"[1, 2]"}),
                      edit_manifest=lambda m: m.update(sequence=3))
    elif case == "unlisted_entry":
        write_zip(out, [("manifest.json", mbytes), *files.items(), ("data/extra.json", b"[]"),
                        ("manifest.sig", sig)])
    elif case == "missing_entry":
        write_zip(out, [("manifest.json", mbytes), *[(n, d) for n, d in files.items() if n != _data("events")],
                        ("manifest.sig", sig)])
    else:
        raise AssertionError(case)
    del manifest
    return out


CASES = {
    "not_a_zip": "not a ZIP archive",
    "truncated": "not a ZIP archive, or it is damaged",
    "ratio_bomb": "compressed suspiciously well",
    "path_traversal": "points outside the package",
    "absolute_path": "points outside the package",
    "symlink": "is a link or a folder",
    "duplicate_entry": "appears twice",
    "hash_mismatch": "SHA-256 of data/tasks.json does not match",
    "size_mismatch": "does not match the manifest",
    "bad_signature": "signature does not match",
    "missing_signature": "is not signed",
    "forged_key": "but the key registered for unit 006 is",
    "unknown_unit": "no template of this workspace names that unit and that period",
    "newer_format": "format version 2, newer than",
    "stale_sequence": "is not newer than the last package accepted",
    "malformed_json": "data/tasks.json is not valid JSON",
    "bad_enum": "status is 'finished', not one of",
    "bad_date": "starts_on is not a date",
    "bad_uuid": "id is not a UUID",
    "huge_amount": "cost must be at most 10000000000000",
    "record_of_other_unit": "unit_code is unit 001, not the unit of the package (006)",
    "dangling_reference": "section_id refers to section",
    "report_of_another_period": "period is not the package's period 2021-H1",
    "report_negative_figure": "flows.money_spent is not a whole number from 0 up",
    "report_not_an_object": "data/report.json is not a report's data",
    "unlisted_entry": "holds files its manifest does not list",
    "missing_entry": "files listed in the manifest are missing",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_package_is_refused_and_changes_nothing(case: str, district, city: WorkspaceSession,
                                                        tmp_path: Path) -> None:
    package = build(case, district, tmp_path)
    before = content_of(city)
    audit_before = len(dump_workspace(uow_factory=city.uow_factory)["audit"])
    with pytest.raises(PackageError) as refused:
        sync.import_package(uow_factory=city.uow_factory, path=package, trust_new_keys=True)
    message = str(refused.value)
    assert message.startswith(f"{package.name}: "), message
    assert CASES[case] in message, message
    assert "Nothing was imported." in message
    assert content_of(city) == before
    audit = dump_workspace(uow_factory=city.uow_factory)["audit"]
    assert len(audit) == audit_before + 1
    assert audit[-1]["action"] == "package.refuse"
    assert audit[-1]["details"]["file"] == package.name and audit[-1]["details"]["result"] == "refused"


def test_each_kind_of_refusal_has_its_own_message() -> None:
    distinct = {message for case, message in CASES.items() if case not in ("absolute_path",)}
    assert len(distinct) == len(CASES) - 1


def test_a_new_key_is_refused_until_confirmed_and_names_its_fingerprint(district, tmp_path: Path) -> None:
    _session, first, _second, _key = district
    city = new_city(tmp_path / "fresh.khws")
    try:
        before = content_of(city)
        with pytest.raises(sync.UnknownKeyError) as refused:
            sync.import_package(uow_factory=city.uow_factory, path=first)
        manifest, _files = unpack(first)
        assert manifest["key_fingerprint"] in str(refused.value)
        assert content_of(city) == before
        check = sync.check_package(uow_factory=city.uow_factory, path=first)
        assert (check.key_state, check.fingerprint) == ("new", manifest["key_fingerprint"])
        outcome = sync.import_package(uow_factory=city.uow_factory, path=first,
                                      confirmed_fingerprints={manifest["key_fingerprint"]})
        assert outcome.imported
    finally:
        city.close()


def test_the_same_package_twice_changes_nothing_and_says_so(district, city: WorkspaceSession) -> None:
    _session, _first, second, _key = district
    before = content_of(city)
    outcome = sync.import_package(uow_factory=city.uow_factory, path=second)
    assert not outcome.imported
    assert "already imported" in outcome.message and "nothing changed" in outcome.message
    assert content_of(city) == before


def test_a_replaced_key_is_accepted_after_a_deliberate_replacement(district, city: WorkspaceSession,
                                                                   tmp_path: Path) -> None:
    package = build("forged_key", district, tmp_path)
    with pytest.raises(PackageError):
        sync.import_package(uow_factory=city.uow_factory, path=package)
    with pytest.raises(sync.ValidationError):
        sync.replace_trusted_key(uow_factory=city.uow_factory, path=package, reason="  ")
    sync.replace_trusted_key(uow_factory=city.uow_factory, path=package,
                             reason="Quận cài lại máy, khóa mới đã xác nhận qua điện thoại")
    outcome = sync.import_package(uow_factory=city.uow_factory, path=package)
    assert outcome.imported and outcome.sequence == 99
    dump = dump_workspace(uow_factory=city.uow_factory)
    keys = [k for k in dump["trusted_keys"] if k["unit_code"] == "006"]
    assert [bool(k["retired_at"]) for k in keys].count(False) == 1
    assert any(k["retire_reason"].startswith("Quận cài lại máy") for k in keys)
    assert any(a["action"] == "key.replace" for a in dump["audit"])


def test_a_package_is_refused_by_a_district_workspace(district, tmp_path: Path) -> None:
    session, first, _second, _key = district
    before = content_of(session)
    with pytest.raises(PackageError, match="only be imported into a city workspace"):
        sync.import_package(uow_factory=session.uow_factory, path=first, trust_new_keys=True)
    assert content_of(session) == before


def test_a_record_carrying_another_units_identifier_is_refused(district, city: WorkspaceSession,
                                                               tmp_path: Path) -> None:
    """Unit 001 sends a package whose material has the id of one of 006's materials."""
    _session, _first, genuine, _key = district
    _manifest, files = unpack(genuine)
    stolen_id = json.loads(files["data/materials.json"])[0]["id"]
    other_key, other_public = new_key()
    minimal = {name: json.dumps([]).encode() for name in files if name.startswith("data/")}
    template = json.loads(files["data/materials.json"])[0]
    minimal["data/materials.json"] = json.dumps([{**template, "unit_code": "001", "id": stolen_id,
                                                 "plan_id": None, "section_id": None,
                                                 "task_id": None}]).encode()

    def as_unit_001(m: dict[str, Any]) -> None:
        import base64

        from kehoach_desktop.exchange.keys import fingerprint

        m.update(unit_code="001", public_key=base64.b64encode(other_public).decode(),
                 key_fingerprint=fingerprint(other_public), workspace_id="1" * 8 + "-1111-4111-8111-" + "1" * 12)

    package = repack(genuine, tmp_path / "thief.khsync", other_key, edit_files=lambda f: f.update(minimal),
                     edit_manifest=as_unit_001)
    before = content_of(city)
    with pytest.raises(PackageError, match="belongs to another unit"):
        sync.import_package(uow_factory=city.uow_factory, path=package, trust_new_keys=True)
    assert content_of(city) == before


def test_manifest_bytes_are_what_is_signed(district) -> None:
    """Re-serialising the manifest differently breaks the signature: it covers the exact bytes."""
    _session, first, _second, _key = district
    manifest, _files = unpack(first)
    original = zipfile.ZipFile(first).read("manifest.json")
    assert manifest_bytes_of(manifest) == original
    assert json.dumps(manifest).encode() != original
