"""The preview of an Excel import in words: what the command line prints and the import dialog shows."""

from __future__ import annotations

from kehoach_desktop.exchange.excel_read import CellProblem
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services.excel_dto import ALREADY, REFUSED, Conflict, FilePreview, ImportPreview


def describe_file(file: FilePreview) -> str:
    """One line per file for the CLI and the dialog."""
    if file.status == REFUSED:
        return _("Refused: {message}").format(message=file.message)
    if file.status == ALREADY:
        return _("{name}: {message}").format(name=file.name, message=file.message)
    changed = sum(len(s.changes) for s in file.sheets)
    new = sum(len(s.new_records) for s in file.sheets)
    conflicts = len(file.conflicts)
    missing = sum(len(s.missing) for s in file.sheets)
    errors = sum(1 for p in file.all_problems if p.blocking)
    notes = len(file.all_problems) - errors
    return _("{name}: {changed}, {new}, {conflicts}, {missing}, {problems}.").format(
        name=file.name,
        changed=ngettext("{n} record changes", "{n} records change", changed).format(n=changed),
        new=ngettext("{n} new record", "{n} new records", new).format(n=new),
        conflicts=ngettext("{n} conflict", "{n} conflicts", conflicts).format(n=conflicts),
        missing=ngettext("{n} row missing", "{n} rows missing", missing).format(n=missing),
        problems=", ".join(x for x in (  # a note is not a problem: nothing is left out for it
            ngettext("{n} problem", "{n} problems", errors).format(n=errors),
            ngettext("{n} note", "{n} notes", notes).format(n=notes) if notes else "") if x))


def problem_place(file: FilePreview, problem: CellProblem) -> str:
    return " · ".join(x for x in (
        file.name, problem.sheet,
        _("row {row}").format(row=problem.row) if problem.row else "",
        f"{problem.letter} {problem.column}".strip() if (problem.letter or problem.column) else "") if x)


def describe_problem(file: FilePreview, problem: CellProblem) -> str:
    kind = _("Problem") if problem.blocking else _("Note")
    place = problem_place(file, problem)
    if not problem.found and not problem.letter and not problem.column:  # said in one sentence
        return _("{kind}: {place}: {message}").format(kind=kind, place=place,
                                                      message=problem.expected.rstrip(".") + ".")
    found = _("found “{value}”").format(value=problem.found) if problem.found else _("found nothing")
    return _("{kind}: {place}: {found}; expected {expected}.").format(kind=kind, place=place, found=found,
                                                                      expected=problem.expected)


def describe_conflict(conflict: Conflict) -> list[str]:
    """The conflict's line and one line per field with its three values."""
    lines = [_("row {row} · {label}: conflict — changed in the application since the export and in the file; "
               "not applied unless the file's values are chosen").format(row=conflict.row, label=conflict.label)]
    for item in conflict.fields:
        lines.append("  " + _("{column}: at export {at_export} · now {now} · in the file {in_file}").format(
            column=item.column, at_export=item.at_export or "∅", now=item.now or "∅", in_file=item.in_file or "∅"))
    return lines


def describe_preview(preview: ImportPreview) -> list[str]:
    """The preview as lines of text (the CLI prints them): per file and sheet, changes, new rows, gaps, problems."""
    return [line for file in preview.files for line in describe_file_in_full(file)]


def describe_file_in_full(file: FilePreview) -> list[str]:
    lines = [describe_file(file)]
    for sheet in file.sheets:
        if not (sheet.changes or sheet.new_records or sheet.missing or sheet.conflicts or sheet.recognised):
            continue
        lines.append("  " + _("Sheet “{sheet}”:").format(sheet=sheet.name))
        for change in sheet.changes:
            fields = "; ".join(f"{f.column}: {f.old or '∅'} → {f.new or '∅'}" for f in change.fields)
            lines.append("    " + _("row {row} · {label}: {fields}").format(row=change.row, label=change.label,
                                                                          fields=fields))
        for new in sheet.new_records:
            lines.append("    " + _("row {row} · new: {label}").format(row=new.row, label=new.label))
        for conflict in sheet.conflicts:
            lines += ["    " + line for line in describe_conflict(conflict)]
        if sheet.recognised:
            lines.append("    " + ngettext(
                "{n} row was recognised as the record an earlier import created from it (not created again)",
                "{n} rows were recognised as the records an earlier import created from them (not created again)",
                sheet.recognised).format(n=sheet.recognised))
        for missing in sheet.missing:
            lines.append("    " + _("missing from the file (kept as it is): {label}").format(label=missing.label))
    for problem in file.all_problems:
        lines.append("  " + describe_problem(file, problem))
    return lines
