"""What the fuzz tests feed mutated files to: one :class:`FuzzTarget` per importer, in :data:`FUZZ_TARGETS`.

A target makes its real seed files, takes one mutated file and must end in a clean result
or a :class:`UserFacingError`; after a refusal the workspace must hold exactly what it held
before (the audit trail of refusals aside). To add an importer (the Excel import, say)::

    @fuzz_target("excel import")
    class ExcelImport(FuzzTarget):
        families = ("flip", "truncate", "zip", "zip-xml")
        def make_seeds(self) -> list[Path]: ...   # real workbooks exported by the app, then edited
        def attempt(self, path: Path) -> str: ... # import into self.workspace; "imported" / raise
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import sqlite3
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import strategies as st

from tests.fuzz.mutations import FAMILIES, Mutator, mutate_json_document

FUZZ_TARGETS: dict[str, type[FuzzTarget]] = {}
# what taking apart an already broken file may raise in the harness's own mutators (not in the code under test)
_UNREADABLE = (ValueError, TypeError, KeyError, zipfile.BadZipFile, OSError, EOFError, zlib.error,
               NotImplementedError, RuntimeError)


def fuzz_target(name: str) -> Callable[[type[FuzzTarget]], type[FuzzTarget]]:
    def register(cls: type[FuzzTarget]) -> type[FuzzTarget]:
        cls.name = name
        FUZZ_TARGETS[name] = cls
        return cls

    return register


def table_digest(path: Path, *, skip: tuple[str, ...] = ("audit_log",)) -> str:
    """A digest of every row of every table but ``skip``: equal digests, equal content."""
    digest = hashlib.sha256()
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            if table in skip:
                continue
            digest.update(table.encode())
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                digest.update(repr(row).encode())
    return digest.hexdigest()


class FuzzTarget:
    name: ClassVar[str] = ""
    families: ClassVar[tuple[str, ...]] = ("flip", "truncate", "splice")
    suffix: ClassVar[str] = ".bin"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seeds = [path.read_bytes() for path in self.make_seeds()]
        self.extra_mutators: dict[str, Mutator] = {}

    def make_seeds(self) -> list[Path]:
        raise NotImplementedError

    def mutators(self) -> dict[str, Mutator]:
        return {name: FAMILIES[name] for name in self.families} | self.extra_mutators

    def attempt(self, path: Path) -> str:
        """Feed ``path``; return how it ended ("imported", "opened"…) or raise a UserFacingError."""
        raise NotImplementedError

    def check_unchanged(self) -> None:
        """After a refusal: the state is what it was before."""

    def reset_after_success(self) -> None:
        """After a clean import: put the state before back, so every case starts alike."""

    def close(self) -> None:
        pass


# --- package import -----------------------------------------------------------------------------------


@fuzz_target("package import")
class PackageImport(FuzzTarget):
    """A city workspace that has not met the district yet imports a mutated district package."""

    families = ("flip", "truncate", "splice", "zip", "zip-json")
    suffix = ".khsync"

    def make_seeds(self) -> list[Path]:
        from kehoach_desktop.domain.enums import WorkspaceMode
        from kehoach_desktop.services import sync
        from kehoach_desktop.services.session import new_demo_workspace, new_workspace
        from kehoach_desktop.services.workspace import WorkspaceSetup
        from tests.services.package_tools import private_key_of, repack

        district = new_demo_workspace(self.folder / "district.khws")
        genuine = self.folder / "q1.khsync"
        sync.export_sync_package(uow_factory=district.uow_factory, out=genuine, period="2021-Q1")
        self.private_key = private_key_of(district)
        district.close()

        def trim(data: dict[str, Any]) -> None:  # a few records of each kind: fast, and every kind is there
            for name, document in data.items():
                if isinstance(document, list):
                    data[name] = document[:3]
                elif isinstance(document, dict):
                    for key, value in document.items():
                        if isinstance(value, list):
                            document[key] = value[:3]

        small = repack(genuine, self.folder / "small.khsync", self.private_key, edit_data=trim)
        self.city_template = self.folder / "city-template.khws"
        new_workspace(self.city_template, WorkspaceSetup(mode=WorkspaceMode.CITY)).close()
        self._open_city()
        return [genuine, small, small]  # the small one twice: deep cases are the interesting ones

    def mutators(self) -> dict[str, Mutator]:
        return super().mutators() | {"forged": self._forged, "forged-manifest": self._forged_manifest,
                                     "forged-large": self._forged_large, "forged-unknown-key": self._forged_unknown}

    def _forged_large(self, data: st.DataObject, original: bytes) -> bytes:
        """A data file replaced by a large array of valid JSON (up to 2 MB), signed again: parsed within the budget."""
        from tests.services.hostile_packages import MB, padded_json_array, with_data

        source = self.folder / "forge-source.khsync"
        source.write_bytes(original)
        name = data.draw(st.sampled_from(["data/materials.json", "data/audit.json", "data/plans.json"]), label="file")
        item = data.draw(st.sampled_from([b"{}", b"[]", b'"ab"', b"0", b"null", b'{"id":"x"}']), label="item")
        size = data.draw(st.integers(1, 2 * MB), label="size")
        try:
            return with_data(source, self.folder / "large.khsync", self.private_key,
                             {name: padded_json_array(size, item)}).read_bytes()
        except _UNREADABLE:  # not a readable package any more: byte mutations only
            return FAMILIES["flip"](data, original)

    def _forged_unknown(self, data: st.DataObject, original: bytes) -> bytes:
        """An unknown key in a record of a data file (or in a data document), signed again."""
        from tests.fuzz.mutations import mutate_package_json_structure
        from tests.services.package_tools import repack, unpack

        source = self.folder / "forge-source.khsync"
        source.write_bytes(original)
        try:
            _manifest, files = unpack(source)
        except _UNREADABLE:
            return FAMILIES["flip"](data, original)
        names = sorted(name for name in files if name.startswith("data/"))
        if not names:
            return original
        chosen = data.draw(st.sampled_from(names), label="data file")

        def edit(documents: dict[str, Any]) -> None:
            documents[chosen] = mutate_package_json_structure(data, documents[chosen])

        try:
            return repack(source, self.folder / "unknown.khsync", self.private_key, edit_data=edit).read_bytes()
        except _UNREADABLE:
            return FAMILIES["flip"](data, original)

    def _forged(self, data: st.DataObject, original: bytes) -> bytes:
        """Change the data and sign it again with the district's own key: only the content checks can refuse."""
        from tests.services.package_tools import repack, unpack

        source = self.folder / "forge-source.khsync"
        source.write_bytes(original)
        try:
            _manifest, files = unpack(source)
        except _UNREADABLE:  # not a readable package any more: byte mutations only
            return FAMILIES["flip"](data, original)
        names = sorted(name for name in files if name.startswith("data/"))
        if not names:
            return original
        chosen = data.draw(st.sampled_from(names), label="data file")

        def edit(documents: dict[str, Any]) -> None:
            documents[chosen] = mutate_json_document(data, documents[chosen])

        target = self.folder / "forged.khsync"
        try:
            repack(source, target, self.private_key, edit_data=edit)
        except _UNREADABLE:  # another data file is no JSON any more: byte mutations only
            return FAMILIES["flip"](data, original)
        return target.read_bytes()

    def _forged_manifest(self, data: st.DataObject, original: bytes) -> bytes:
        from tests.services.package_tools import repack

        source = self.folder / "forge-source.khsync"
        source.write_bytes(original)
        target = self.folder / "forged.khsync"
        try:
            repack(source, target, self.private_key, edit_manifest=lambda m: mutate_json_document(data, m))
        except _UNREADABLE:  # the manifest became unserialisable, or the source unreadable
            return FAMILIES["flip"](data, original)
        return target.read_bytes()

    def _open_city(self) -> None:
        from kehoach_desktop.services.session import open_workspace

        self.city = self.folder / "city.khws"
        for side in ("", "-wal", "-shm"):
            Path(str(self.city) + side).unlink(missing_ok=True)
        shutil.copy(self.city_template, self.city)
        self.session = open_workspace(self.city)
        self.before = table_digest(self.city)

    def attempt(self, path: Path) -> str:
        from kehoach_desktop.services import sync

        outcome = sync.import_package(uow_factory=self.session.uow_factory, path=path, trust_new_keys=True)
        return "imported" if outcome.imported else "unchanged"

    def check_unchanged(self) -> None:
        assert table_digest(self.city) == self.before, "a refused package changed the workspace"

    def reset_after_success(self) -> None:
        with contextlib.closing(sqlite3.connect(self.city)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        self.session.close()
        self._open_city()

    def close(self) -> None:
        self.session.close()


# --- template file ------------------------------------------------------------------------------------


@fuzz_target("template file")
class TemplateFile(FuzzTarget):
    families = ("flip", "truncate", "splice", "json")
    suffix = ".json"

    def make_seeds(self) -> list[Path]:
        from kehoach_desktop.resources import resources_dir

        source = resources_dir() / "templates" / "hanoi-2021.json"
        small = json.loads(source.read_text(encoding="utf-8"))
        path = self.folder / "hanoi-2021.json"
        path.write_text(json.dumps(small, ensure_ascii=False), encoding="utf-8")
        return [source, path]

    def attempt(self, path: Path) -> str:
        from kehoach_desktop.domain.template import load_template

        load_template(path)
        return "loaded"


# --- workspace file -----------------------------------------------------------------------------------


@fuzz_target("workspace file")
class WorkspaceFile(FuzzTarget):
    """A damaged workspace file: refused with a message and left as it is, or opened and readable."""

    families = ("flip", "truncate", "splice")
    suffix = ".khws"

    def make_seeds(self) -> list[Path]:
        from kehoach_desktop.domain.enums import WorkspaceMode
        from kehoach_desktop.services.session import new_workspace
        from kehoach_desktop.services.workspace import WorkspaceSetup

        path = self.folder / "seed.khws"
        new_workspace(path, WorkspaceSetup(mode=WorkspaceMode.DISTRICT, unit_code="006", signer_name="Trần Thị B",
                                           signer_title="Phó Chủ tịch")).close()
        with contextlib.closing(sqlite3.connect(path)) as connection:
            connection.execute("PRAGMA journal_mode=DELETE")
        return [path]

    def attempt(self, path: Path) -> str:
        from kehoach_desktop.domain.errors import UserFacingError
        from kehoach_desktop.services.workspace import get_workspace_summary
        from kehoach_desktop.storage.engine import open_store

        before = path.read_bytes()
        try:
            store = open_store(path)
        except UserFacingError:
            assert path.read_bytes() == before, "a refused workspace file was changed"
            raise
        try:
            get_workspace_summary(uow_factory=store.uow, path=path)
        finally:
            store.close()
        return "opened"


# --- Excel import -------------------------------------------------------------------------------------


@fuzz_target("excel import")
class ExcelImport(FuzzTarget):
    """A demo district imports a mutated progress workbook it exported (trimmed to a few rows of each sheet)."""

    families = ("flip", "truncate", "zip", "zip-xml", "xlsx-structure")
    suffix = ".xlsx"

    def make_seeds(self) -> list[Path]:
        import openpyxl

        from kehoach_desktop.services.excel_export import export_progress_workbook
        from kehoach_desktop.services.session import new_demo_workspace

        self.template = self.folder / "district-template.khws"
        session = new_demo_workspace(self.template)
        genuine = self.folder / "progress.xlsx"
        export_progress_workbook(uow_factory=session.uow_factory, out=genuine, today=session.today())
        session.close()
        book = openpyxl.load_workbook(genuine)
        for sheet in book.worksheets:
            if sheet.sheet_state == "visible" and sheet.max_row > 6:
                sheet.delete_rows(7, sheet.max_row - 6)  # title, header and four records
            if sheet.title == "Nhiệm vụ":
                sheet.cell(row=3, column=12).value = "80%"  # a change, so that the seed itself imports
        small = self.folder / "small.xlsx"
        book.save(small)
        self._open()
        return [small, small, genuine]

    def _open(self) -> None:
        from kehoach_desktop.services.session import open_workspace

        self.workspace = self.folder / "district.khws"
        for side in ("", "-wal", "-shm"):
            Path(str(self.workspace) + side).unlink(missing_ok=True)
        shutil.rmtree(self.folder / "district-backups", ignore_errors=True)
        shutil.copy(self.template, self.workspace)
        self.session = open_workspace(self.workspace)
        self.before = table_digest(self.workspace)

    def attempt(self, path: Path) -> str:
        from kehoach_desktop.services import excel_import

        preview = excel_import.preview_excel_import(uow_factory=self.session.uow_factory, paths=[path],
                                                    today=self.session.today())
        (file,) = preview.files
        if file.status != excel_import.OK:
            self.check_unchanged()
            return f"{file.status} in the preview"
        excel_import.apply_excel_import(uow_factory=self.session.uow_factory, preview=preview)
        return "imported"

    def check_unchanged(self) -> None:
        assert table_digest(self.workspace) == self.before, "a refused workbook changed the workspace"

    def reset_after_success(self) -> None:
        with contextlib.closing(sqlite3.connect(self.workspace)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        self.session.close()
        self._open()

    def close(self) -> None:
        self.session.close()
