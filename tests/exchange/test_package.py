"""The package container on its own: writing, reading back, and the limits that stop ZIP bombs."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from kehoach_desktop.exchange.keys import generate_keypair
from kehoach_desktop.exchange.package import (
    KIND_DISTRICT_REPORT,
    Attachment,
    Limits,
    PackageError,
    read_package,
    write_package,
)
from kehoach_desktop.exchange.package_schema import RECORD_FIELDS

WORKSPACE_ID = "5b0c2a34-8d1e-4f6a-9c3b-2e7d1f0a4b58"


def _write(path: Path, data: dict | None = None, photos: dict[str, Attachment] | None = None):  # type: ignore[no-untyped-def]
    keys = generate_keypair()
    return write_package(path, private_key=keys.private_bytes, kind=KIND_DISTRICT_REPORT, unit_code="006",
                         unit_name="Ủy ban nhân dân quận Đống Đa", workspace_id=WORKSPACE_ID, sequence=1,
                         period="2021-Q1", created_at=dt.datetime(2021, 3, 20, 8, 30, tzinfo=dt.UTC),
                         app_version="0.1.0", data=data or {"notes": [{"text": "Băng rôn"}] * 3},
                         attachments=photos or {})


def test_written_package_reads_back_with_its_manifest(tmp_path: Path) -> None:
    import hashlib

    photo = b"\xff\xd8\xff\xe0 not really a jpeg"
    sha = hashlib.sha256(photo).hexdigest()
    written = _write(tmp_path / "p.khsync", photos={sha: Attachment(sha, "image/jpeg", photo)})
    package = read_package(written.path)
    assert package.sha256 == written.sha256 and package.size == written.size
    assert package.data["data/notes.json"] == [{"text": "Băng rôn"}] * 3
    assert package.read_attachment(sha) == photo
    manifest = package.manifest
    assert (manifest["format"], manifest["format_version"], manifest["kind"]) == ("kehoach-sync", 1,
                                                                                  "district-report")
    assert manifest["record_counts"] == {"notes": 3}
    assert {f["path"] for f in manifest["files"]} == {"data/notes.json", f"attachments/{sha}.jpg"}
    assert manifest["key_fingerprint"] == package.fingerprint
    with zipfile.ZipFile(written.path) as archive:
        assert archive.namelist()[0] == "manifest.json" and archive.namelist()[-1] == "manifest.sig"
    assert [p.name for p in tmp_path.iterdir()] == ["p.khsync"]  # no temporary file left


def test_writing_into_a_missing_folder_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="cannot be written"):
        _write(tmp_path / "missing" / "p.khsync")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("limits", "message"), [
    (Limits(max_entries=2), "more than the 2 allowed"),
    (Limits(max_entry_size=100), "is too large"),
    (Limits(max_total_size=300), "too large together"),
    (Limits(max_file_size=100), "too large for a package"),
    (Limits(ratio_floor=10, max_ratio=2), "compressed suspiciously well"),
    (Limits(max_manifest_size=50), "manifest.json is too large"),
])
def test_limits_refuse_before_decompressing(tmp_path: Path, limits: Limits, message: str) -> None:
    written = _write(tmp_path / "p.khsync", data={"notes": [{"text": "x" * 400}]})
    with pytest.raises(PackageError, match=message):
        read_package(written.path, limits=limits)


def test_record_fields_match_the_stored_columns() -> None:
    """The package format names every column of the travelling tables (and nothing else)."""
    from kehoach_desktop.services.sync import TABLES

    for kind, table in TABLES.items():
        columns = {c.name for c in table.columns}
        fields = {f.name for f in RECORD_FIELDS[kind]}
        if kind == "plans":
            columns = columns - {"template_id"} | {"template_code"}
        if kind == "attachments":
            columns -= {"data"}  # the bytes travel as attachments/<sha256>.jpg
        if kind == "audit":
            columns -= {"id"}  # local row number
        assert fields == columns, kind


def test_a_tasks_budget_source_travels_and_a_package_written_before_it_reads_as_by_the_lead(tmp_path: Path) -> None:
    """Migration 0005 gave tasks a budget source: the package carries it; a package of an earlier version has
    none, and its tasks read as paid by their lead unit (""), as they were before."""
    from sqlalchemy import select

    from kehoach_desktop.domain.enums import PropagandaForm, WorkspaceMode
    from kehoach_desktop.exchange.package_schema import parse_records
    from kehoach_desktop.services.plan_dto import TaskInput
    from kehoach_desktop.services.plan_editing import create_task, get_plan_editor
    from kehoach_desktop.services.session import new_workspace
    from kehoach_desktop.services.sync import _gather_report
    from kehoach_desktop.services.workspace import WorkspaceSetup
    from kehoach_desktop.storage.models import WorkspaceInfo

    session = new_workspace(tmp_path / "w.khws", WorkspaceSetup(mode=WorkspaceMode.DISTRICT, unit_code="006",
                                                                  signer_name="A", signer_title="Chủ tịch"))
    try:
        state = get_plan_editor(uow_factory=session.uow_factory, today=session.today())
        assert state is not None
        theme = next(s for s in state.sections if s.kind == "theme")
        for source in ("social", ""):
            create_task(uow_factory=session.uow_factory, section_id=theme.id, fields=TaskInput(
                content=f"Nhiệm vụ {source}", form=PropagandaForm.VISUAL.value, budget=1_000, budget_source=source))
        with session.uow_factory() as uow:
            unit = uow.session.scalars(select(WorkspaceInfo)).one().unit_code
            data, _photos, _audit = _gather_report(uow.session, unit)
    finally:
        session.close()
    tasks = data["tasks"]
    assert sorted(t["budget_source"] for t in tasks) == ["", "social"]
    problems: list[str] = []
    assert sorted(r["budget_source"] for r in parse_records("data/tasks.json", "tasks", tasks, unit, problems)) == [
        "", "social"]
    older = [{k: v for k, v in t.items() if k != "budget_source"} for t in tasks]
    assert [r["budget_source"] for r in parse_records("data/tasks.json", "tasks", older, unit, problems)] == ["", ""]
    wrong = [{**tasks[0], "budget_source": "ngân sách"}]
    assert parse_records("data/tasks.json", "tasks", wrong, unit, problems) == [] and problems == [
        problems[0]] and "budget_source" in problems[0]
