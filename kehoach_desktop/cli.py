"""The command line: ``kehoach`` starts the application; subcommands work without a window.

Exit codes: 0 success, 1 input refused (a clear message on stderr, nothing changed),
2 usage error (argparse's own convention), 3 partly done: of several files, some were applied
and some refused (``excel import``, ``package import``; one line per file says which).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kehoach_desktop import __version__, i18n
from kehoach_desktop.argparse_words import translate_argparse
from kehoach_desktop.domain.errors import UserFacingError, os_reason
from kehoach_desktop.domain.periods import period_label
from kehoach_desktop.i18n import _, ngettext

if TYPE_CHECKING:
    from kehoach_desktop.services.session import WorkspaceSession

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_UNTRUSTED = 3  # kehoach pdf verify: intact, but the certificate is not trusted
EXIT_PARTLY = 3  # several files: some applied, some refused
OPENABLE_SUFFIXES = (".khsync", ".khtemplate", ".khreceipt")  # what `kehoach FILE` offers to import
log = logging.getLogger(__name__)


def _language_from_argv(argv: Sequence[str]) -> str:
    """The language must be known before the parser's own help texts are built."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return i18n.DEFAULT_LANGUAGE


def workspace_location(value: str) -> Path | str:
    """A ``--workspace``/``--database`` value: a file path, or a PostgreSQL URL (its password never stored)."""
    from kehoach_desktop.storage.server import is_server_location

    return value if is_server_location(value) else Path(value)


def _add_location(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """``--workspace PATH`` or ``--database URL``: the one workspace a headless command works on."""
    where = parser.add_mutually_exclusive_group(required=required)
    where.add_argument("--workspace", type=workspace_location, metavar="PATH", help=_("workspace file"))
    where.add_argument("--database", type=workspace_location, dest="workspace", metavar="URL",
                       help=_("workspace on a PostgreSQL server, e.g. postgresql+psycopg://user@host/kehoach "
                              "(the password from PGPASSWORD or ~/.pgpass)"))


def build_parser(*, open_file: bool = False) -> argparse.ArgumentParser:
    """The commands; with ``open_file``, the form ``kehoach [OPTIONS] FILE`` instead (see :func:`parse_arguments`)."""
    parser = argparse.ArgumentParser(
        prog="kehoach",
        description=_("Kế hoạch Desktop: the reporting units' propaganda plans, registers, reports and sync packages."),
        epilog=_("kehoach FILE.khsync (or .khtemplate, .khreceipt) starts the application and offers to import "
                 "the file: what a double-click on such a file does."),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help=_("show program's version number and exit"))
    parser.add_argument("--workspace", type=Path, dest="gui_workspace", metavar="PATH",
                        help=_("workspace file to open (default: the last one used)"))
    parser.add_argument("--database", dest="gui_database", metavar="URL",
                        help=_("open the workspace in this PostgreSQL database instead of a file, e.g. "
                               "postgresql+psycopg://user@host/kehoach (password from PGPASSWORD, ~/.pgpass or asked)"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=None,
                        help=_("language of the interface (default: Vietnamese)"))
    parser.add_argument("--demo", action="store_true",
                        help=_("open the demo workspace of a reporting unit, creating it on first run"))
    parser.add_argument("--verbose", action="store_true", help=_("write debugging detail to the log"))
    if open_file:
        parser.add_argument("file", type=Path, metavar="FILE",
                            help=_("a .khsync, .khtemplate or .khreceipt file to import once the workspace is open"))
        parser.set_defaults(command=None)
        return parser
    parser.set_defaults(file=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser("init", help=_("create a workspace without the set-up wizard"))
    _add_location(init)
    who = init.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit", dest="unit", metavar="CODE",
                     help=_("code of the reporting unit, as the template lists it"))
    who.add_argument("--district", dest="unit", help=argparse.SUPPRESS)  # the old name, still read
    who.add_argument("--city", action="store_true", help=_("a city (receiving agency) workspace"))
    init.add_argument("--template", default="", metavar="FILE.khtemplate|CODE",
                      help=_("the template to start from: a template package received from the city, or the code "
                             "of a template shipped with the application (default: the built-in one)"))
    init.add_argument("--unit-name", default="", metavar="TEXT", help=_("full name of the unit"))
    init.add_argument("--signer-name", default="", metavar="TEXT")
    init.add_argument("--signer-title", default="Chủ tịch", metavar="TEXT")

    demo = commands.add_parser("demo", help=_("create a workspace filled with realistic demo data"))
    _add_location(demo)
    demo.add_argument("--unit", dest="unit", default=None, metavar="CODE",
                      help=_("the reporting unit of the built-in template the demo is of"))
    demo.add_argument("--district", dest="unit", default=None, help=argparse.SUPPRESS)  # the old name, still read
    demo.add_argument("--scale", type=int, default=1, metavar="N",
                      help=_("multiply the registers (N=50 gives about 10,000 materials)"))

    dump = commands.add_parser("dump", help=_("write the whole workspace as canonical JSON"))
    _add_location(dump)
    dump.add_argument("--out", type=Path, metavar="FILE", help=_("output file (default: standard output)"))

    move = commands.add_parser("migrate-store", help=_("copy a workspace between a file and a PostgreSQL database"))
    move.add_argument("--from", dest="source", type=workspace_location, required=True, metavar="PATH|URL",
                      help=_("the workspace to copy: a file or a postgresql+psycopg:// URL"))
    move.add_argument("--to", dest="target", type=workspace_location, required=True, metavar="PATH|URL",
                      help=_("where to copy it: a new file, or an empty PostgreSQL database"))

    commands.add_parser("self-test", help=_("open a temporary workspace and the main window, then exit"))
    guide = commands.add_parser("guide", help=_("write the user guide as a printable PDF (A4)"))
    guide.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    guide.add_argument("--lang", choices=i18n.LANGUAGES, default=None,
                       help=_("language of the guide (default: Vietnamese)"))
    _add_package_commands(commands)
    _add_report_commands(commands)
    _add_excel_commands(commands)
    _add_token_commands(commands)
    return parser


def _add_package_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    package = commands.add_parser("package", help=_("signed sync packages, receipts and keys"))
    actions = package.add_subparsers(dest="package_command", metavar="ACTION", required=True)
    export = actions.add_parser("export", help=_("write the unit's signed sync package for a period"))
    _add_location(export)
    export.add_argument("--out", type=Path, required=True, metavar="FILE.khsync")
    export.add_argument("--period", metavar="PERIOD",
                        help=_("reporting period: 2021, 2021-H1, 2021-Q1 or 2021-03 (default: the next deadline)"))
    imports = actions.add_parser("import", help=_("import packages, receipts or templates (files or folders)"))
    _add_location(imports)
    imports.add_argument("--trust-new-keys", action="store_true",
                         help=_("accept the key of a unit's first package (check its fingerprint by phone first)"))
    imports.add_argument("files", type=Path, nargs="+", metavar="FILE")
    receipt = actions.add_parser("receipt", help=_("write the city's signed receipt for a received package"))
    _add_location(receipt)
    receipt.add_argument("--package", required=True, metavar="SHA256", help=_("SHA-256 of the received package"))
    receipt.add_argument("--out", type=Path, required=True, metavar="FILE.khreceipt")
    replace = actions.add_parser("replace-key", help=_("register the new key of a unit, from one of its packages"))
    _add_location(replace)
    replace.add_argument("--reason", required=True, metavar="TEXT")
    replace.add_argument("file", type=Path, metavar="FILE")

    template = commands.add_parser("template", help=_("signed template packages"))
    t_actions = template.add_subparsers(dest="template_command", metavar="ACTION", required=True)
    t_export = t_actions.add_parser("export", help=_("write the city's template as a signed .khtemplate"))
    _add_location(t_export)
    t_export.add_argument("--out", type=Path, required=True, metavar="FILE.khtemplate")
    t_export.add_argument("--code", metavar="CODE", help=_("template code (default: the workspace's template)"))
    t_import = t_actions.add_parser("import", help=_("import the city's template package"))
    _add_location(t_import)
    t_import.add_argument("--trust-new-keys", action="store_true",
                          help=_("accept the city's key the first time (check its fingerprint by phone first)"))
    t_import.add_argument("file", type=Path, metavar="FILE.khtemplate")
    t_year = t_actions.add_parser("new-year", help=_("start the city's next year from its current template, in "
                                                     "one step: that year is then the one in use"))
    _add_location(t_year)
    t_year.add_argument("--year", type=int, required=True, metavar="YEAR")
    t_year.add_argument("--code", metavar="CODE", help=_("the new template's code (default: the current code with "
                                                         "the new year, e.g. hanoi-2026)"))
    t_year.add_argument("--units", metavar="LIST", help=_("take this list of reporting units instead of the "
                                                          "current ones: official-2025 (Hanoi's 126 wards and "
                                                          "communes)"))
    t_use = t_actions.add_parser("use", help=_("work in the year of another template: the city's board, reports and "
                                               "imports, or a unit's plan (started from it if needed)"))
    _add_location(t_use)
    t_use.add_argument("--code", required=True, metavar="CODE")
    t_list = t_actions.add_parser("list", help=_("the templates (plan years) the workspace knows"))
    _add_location(t_list)

    review = commands.add_parser("review", help=_("the city accepts or returns a unit's report for a period"))
    r_actions = review.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    for action, helptext in (("accept", _("accept the unit's latest report for the period")),
                             ("return", _("return the unit's latest report for the period, with the reason"))):
        r_action = r_actions.add_parser(action, help=helptext)
        _add_location(r_action)
        r_action.add_argument("--unit", required=True, metavar="CODE", help=_("code of the reporting unit"))
        r_action.add_argument("--period", required=True, metavar="PERIOD", help=_("reporting period, e.g. 2026-Q1"))
        r_action.add_argument("--reason", default="", metavar="TEXT",
                              help=_("why the report is returned (required to return it); the unit reads it"))
        r_action.add_argument("--receipt-out", type=Path, metavar="FILE.khreceipt",
                              help=_("also write the signed receipt that tells the unit"))


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text} is not a date written YYYY-MM-DD").format(text=text)) from None


def _add_report_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = commands.add_parser("report", help=_("the plan or a progress report as PDF, optionally signed"))
    kinds = report.add_subparsers(dest="kind", metavar="KIND", required=True)
    common = argparse.ArgumentParser(add_help=False)
    _add_location(common)
    common.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    common.add_argument("--format", choices=("pdf", "docx"),
                        help=_("pdf, or docx: a Word copy in the same layout, to review before issuing (not signed); "
                               "by default the name's extension says which"))
    common.add_argument("--period", metavar="PERIOD",
                        help=_("reporting period of a progress report: 2021, 2021-H1, 2021-Q1 or 2021-03"))
    common.add_argument("--sign-p12", type=Path, metavar="FILE", help=_("sign with this .p12/.pfx certificate"))
    common.add_argument("--password-env", metavar="VAR",
                        help=_("environment variable holding the certificate's password"))
    common.add_argument("--sign-pkcs11", metavar="LIB", help=_("sign with a token through this PKCS#11 library"))
    which = common.add_mutually_exclusive_group()
    which.add_argument("--slot", type=int, metavar="N", help=_("slot of the token (default 0)"))
    which.add_argument("--token", metavar="LABEL",
                       help=_("the token with this label, whatever its slot (see kehoach token list)"))
    common.add_argument("--pin-env", metavar="VAR", help=_("environment variable holding the token's PIN"))
    common.add_argument("--accept-signer-mismatch", action="store_true",
                        help=_("sign even though the certificate's organisation is not the unit issuing the report"))
    for kind, text in (("plan", _("the plan")), ("progress", _("a progress report of a period")),
                       ("city", _("the consolidated report of a city workspace"))):
        chosen = kinds.add_parser(kind, help=text, parents=[common])
        if kind != "plan":
            chosen.add_argument("--data-out", type=Path, metavar="FILE.json",
                                help=_("also write the report's figures as JSON"))
    letters = kinds.add_parser("reminders", parents=[common], help=_(
        "one reminder letter of the city to the units whose report for the period is missing or returned, "
        "numbered in the register of issued documents"))
    letters.add_argument("--unit", action="append", metavar="CODE",
                         help=_("only this unit (repeatable); default: every unit late or returned"))
    letters.add_argument("--number", type=int, metavar="N",
                         help=_("the letter's number (default: the next free number of the year)"))
    letters.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help=_("the letter's date (default: today)"))
    listing = kinds.add_parser("register", help=_("the register of issued documents: number, date, kind, summary"))
    _add_location(listing)
    listing.add_argument("--year", type=int, metavar="YYYY", help=_("only the documents issued in this year"))
    lookup = kinds.add_parser("lookup", help=_("which received package a paper report's QR code matches (city)"))
    _add_location(lookup)
    lookup.add_argument("qr", metavar="QR_TEXT", help=_("the text of the QR code printed on the report"))

    remind = commands.add_parser("reminders", help=_("the city's reminder letters to the units whose report for a "
                                                     "period is missing or returned"))
    _add_location(remind)
    remind.add_argument("--period", required=True, metavar="PERIOD", help=_("reporting period, e.g. 2026-Q1"))
    remind.add_argument("--out", type=Path, required=True, metavar="FOLDER", help=_("folder for the letters (PDF)"))
    remind.add_argument("--one-letter", action="store_true",
                        help=_("one letter addressed to all the units concerned (default: one letter per unit)"))

    pdf = commands.add_parser("pdf", help=_("check PDF files"))
    pdf_actions = pdf.add_subparsers(dest="pdf_command", metavar="ACTION", required=True)
    verify = pdf_actions.add_parser("verify", help=_(
        "check a PDF's signatures: exit 0 if intact and trusted, 3 if intact but not trusted, 1 otherwise"))
    verify.add_argument("file", type=Path, metavar="FILE.pdf")
    verify.add_argument("--trust-root", type=Path, action="append", default=[], metavar="CERT",
                        help=_("a root certificate to trust (PEM or DER); may be given several times"))
    _add_location(verify, required=False)


def _add_token_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    token = commands.add_parser("token", help=_("USB tokens and smart cards for signing"))
    actions = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help=_("list the tokens found through the PKCS#11 libraries installed"))
    listing.add_argument("--library", action="append", default=[], metavar="LIB",
                         help=_("also try this PKCS#11 library (repeatable)"))
    # The child process that loads one library for the signing dialog and `token list` (not for people):
    probe = actions.add_parser("probe")
    probe.add_argument("library", metavar="LIB")
    probe.add_argument("--out", type=Path, required=True, metavar="FILE.json")


def _add_excel_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    excel = commands.add_parser("excel", help=_("Excel progress workbooks for the responsible units"))
    actions = excel.add_subparsers(dest="excel_command", metavar="ACTION", required=True)
    export = actions.add_parser("export", help=_("write the progress workbook, for everyone or for one unit"))
    export.add_argument("--workspace", type=Path, required=True, metavar="PATH")
    export.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx",
                        help=_("the workbook to write (with --per-unit: the folder for the files)"))
    export.add_argument("--unit", metavar="UNIT", help=_("code or name of the responsible unit (default: everyone)"))
    export.add_argument("--per-unit", action="store_true", help=_("one workbook per responsible unit"))
    export.add_argument("--sheets", metavar="LIST", help=_("sheets to write: tasks,materials,events (default: all)"))
    city = actions.add_parser("export-city", help=_("the city's consolidated workbook of a reporting period"))
    city.add_argument("--workspace", type=Path, required=True, metavar="PATH")
    city.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    city.add_argument("--period", required=True, metavar="PERIOD", help=_("reporting period, e.g. 2021-Q1"))
    imports = actions.add_parser("import", help=_("import returned workbooks: preview, then apply"))
    imports.add_argument("--workspace", type=Path, required=True, metavar="PATH")
    imports.add_argument("--dry-run", action="store_true", help=_("show what would change and write nothing"))
    imports.add_argument("--problems-dir", type=Path, metavar="FOLDER",
                         help=_("write there a copy of each file with problems, its bad cells marked"))
    imports.add_argument("--take-file-values", action="store_true",
                         help=_("for the conflicts shown (records changed in the application since the export and "
                                "in the file), take the file's values; without it they are left as they are"))
    imports.add_argument("files", type=Path, nargs="+", metavar="FILE.xlsx")


def _cmd_excel(args: argparse.Namespace) -> int:
    from kehoach_desktop.services import excel_export, excel_import
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(args.workspace, read_only=args.excel_command == "import" and args.dry_run)
    try:
        if args.excel_command == "export-city":
            from kehoach_desktop.services.city_reports import export_city_workbook

            path = export_city_workbook(uow_factory=session.uow_factory, period=args.period, out=args.out,
                                        today=session.today())
            print(_("Wrote {path}.").format(path=path))
            return EXIT_OK
        if args.excel_command == "export":
            sheets = excel_export.parse_sheet_keys(args.sheets)
            if args.per_unit:
                if args.unit:
                    raise UserFacingError(_("Choose --unit or --per-unit, not both."))
                for done in excel_export.export_progress_workbooks_per_unit(
                        uow_factory=session.uow_factory, folder=args.out, today=session.today(), sheets=sheets):
                    print(excel_export.describe_export(done))
                return EXIT_OK
            done = excel_export.export_progress_workbook(uow_factory=session.uow_factory, out=args.out,
                                                         today=session.today(), unit=args.unit, sheets=sheets)
            print(excel_export.describe_export(done))
            return EXIT_OK
        preview = excel_import.preview_excel_import(uow_factory=session.uow_factory, paths=args.files,
                                                    today=session.today())
        for file in preview.files:
            for line in excel_import.describe_file_in_full(file):
                print(line, file=sys.stderr if file.status == excel_import.REFUSED else sys.stdout)
        if args.problems_dir is not None:
            failures: list[str] = []
            for path in excel_import.write_problem_copies(preview=preview, folder=args.problems_dir,
                                                          failures=failures):
                print(_("Wrote {path} with the problems marked, to send back.").format(path=path))
            for line in failures:
                print(line, file=sys.stderr)
        applied = False
        if args.dry_run:
            print(_("Dry run: nothing was written."))
        elif any(f.status == excel_import.OK for f in preview.files):
            chosen = [c.key for c in preview.conflicts] if args.take_file_values else []
            outcome = excel_import.apply_excel_import(uow_factory=session.uow_factory, preview=preview,
                                                      take_file_values=chosen)
            applied = outcome.files > 0  # each file applied is recorded, even one that changed no record
            print(_("Applied: {updated} records updated, {created} created, from {files} files.").format(
                updated=outcome.updated, created=outcome.created, files=outcome.files))
            if outcome.conflicts_left:
                print(ngettext("{n} conflict was left as it is: run the import again with --take-file-values to "
                               "take the file's values.",
                               "{n} conflicts were left as they are: run the import again with --take-file-values "
                               "to take the file's values.", outcome.conflicts_left).format(n=outcome.conflicts_left))
        if len(preview.files) > 1:
            for file in preview.files:
                _file_line(file.name, _file_result(file, dry_run=args.dry_run))
        return _exit_for(applied=applied, refused=bool(preview.refused))
    finally:
        session.close()


def _file_result(file, *, dry_run: bool) -> str:  # type: ignore[no-untyped-def]
    from kehoach_desktop.services import excel_import

    if file.status == excel_import.REFUSED:
        return "refused"
    if file.status == excel_import.ALREADY or dry_run:
        return "unchanged"
    return "applied"


def _file_line(name: str, result: str) -> None:
    """The last lines of a command given several files: one per file, what became of it."""
    words = {"applied": _("applied"), "refused": _("refused, nothing of it changed"),
             "unchanged": _("nothing to change")}
    print(_("{file}: {result}").format(file=name, result=words[result]),
          file=sys.stderr if result == "refused" else sys.stdout)


def _exit_for(*, applied: bool, refused: bool) -> int:
    if refused:
        return EXIT_PARTLY if applied else EXIT_REFUSED
    return EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    from kehoach_desktop.domain.enums import WorkspaceMode
    from kehoach_desktop.services.session import new_workspace
    from kehoach_desktop.services.workspace import WorkspaceSetup, choose_template

    choice = choose_template(args.template)
    setup = WorkspaceSetup(
        mode=WorkspaceMode.CITY if args.city else WorkspaceMode.DISTRICT, unit_code=args.unit,
        unit_full_name=args.unit_name, signer_name=args.signer_name, signer_title=args.signer_title)
    session = new_workspace(args.workspace, setup, template=choice)
    try:
        summary = session.summary()
    finally:
        session.close()
    print(_("Created the workspace {path} for {unit}.").format(path=summary.path, unit=summary.unit_full_name))
    print(_("Template {code} ({year}).").format(code=summary.template_code, year=summary.template_year))
    if choice.package is not None:
        print(_("The template package is signed by {unit} with the key {fingerprint}: check it by phone with the "
                "city. This key is trusted from now on.").format(unit=choice.package.unit_code,
                                                                 fingerprint=choice.fingerprint))
    print(_("Signing key fingerprint: {fingerprint}").format(fingerprint=summary.key_fingerprint))
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from kehoach_desktop.services.session import new_demo_workspace

    if args.scale < 1 or args.scale > 2000:
        raise UserFacingError(_("The scale must be a whole number from 1 to 2000."))
    session = new_demo_workspace(args.workspace, district_code=args.unit, scale=args.scale)
    try:
        overview = session.overview()
        summary = session.summary()
    finally:
        session.close()
    print(_("Created the demo workspace {path} for {unit}: {tasks} tasks, {materials} materials, "
            "{events} events.").format(path=summary.path, unit=summary.unit_full_name,
                                       tasks=overview.tasks_total, materials=overview.materials_total,
                                       events=overview.events_total))
    return EXIT_OK


def _cmd_guide(args: argparse.Namespace) -> int:
    from kehoach_desktop.services.guide import write_guide_pdf

    pages = write_guide_pdf(language=i18n.current_language(), out=args.out)
    print(_("Wrote the user guide to {path} ({pages} pages).").format(path=args.out, pages=pages))
    return EXIT_OK


def _cmd_migrate_store(args: argparse.Namespace) -> int:
    from kehoach_desktop.formats import format_number
    from kehoach_desktop.storage.transfer import transfer_store

    done = transfer_store(args.source, args.target)
    print(_("Copied the workspace {source} to {target}: {rows} records in {tables} tables, every count "
            "checked.").format(
        source=done.source, target=done.target, rows=format_number(sum(done.counts.values())),
        tables=len(done.counts)))
    return EXIT_OK


def _cmd_dump(args: argparse.Namespace) -> int:
    from kehoach_desktop.services.dump import dump_to_text, dump_workspace
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(args.workspace, read_only=True)
    try:
        text = dump_to_text(dump_workspace(uow_factory=session.uow_factory))
    finally:
        session.close()
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    partial = args.out.with_name(args.out.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(args.out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserFacingError(_("The file {path} cannot be written: {reason}").format(
            path=args.out, reason=os_reason(exc))) from exc
    return EXIT_OK


def _package_files(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder stands for the packages, receipts and templates it holds."""
    suffixes = (".khsync", ".khreceipt", ".khtemplate")
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in suffixes and p.is_file()))
        else:
            files.append(path)
    return files


def _cmd_package(args: argparse.Namespace) -> int:
    from kehoach_desktop.formats import format_number
    from kehoach_desktop.services import sync
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(args.workspace)
    try:
        if args.package_command == "export":
            done = sync.export_sync_package(uow_factory=session.uow_factory, out=args.out, period=args.period,
                                            today=session.today())
            print(_("Wrote the package {sequence} for {period} to {path} ({size} bytes).").format(
                sequence=done.sequence, period=period_label(done.period), path=done.path,
                size=format_number(done.size)))
            print(_("Signing key fingerprint: {fingerprint}").format(fingerprint=done.fingerprint))
            return EXIT_OK
        if args.package_command == "receipt":
            done = sync.export_receipt(uow_factory=session.uow_factory, package_sha256=args.package, out=args.out)
            print(_("Wrote the receipt to {path}.").format(path=done.path))
            return EXIT_OK
        if args.package_command == "replace-key":
            sync.replace_trusted_key(uow_factory=session.uow_factory, path=args.file, reason=args.reason)
            print(_("The key of the unit was replaced; the reason is in the audit log."))
            return EXIT_OK
        files = _package_files(args.files)
        if not files:
            raise UserFacingError(_("No package was found in the folders given."))
        return _import_files(session, files, trust_new_keys=args.trust_new_keys)
    finally:
        session.close()


def _import_files(session: WorkspaceSession, files: list[Path], *, trust_new_keys: bool) -> int:
    """Import each file in its own transaction; say which keys were accepted, with their fingerprints;
    with several files, a line per file and exit code 3 if some were applied and some refused."""
    from kehoach_desktop.services import sync
    from kehoach_desktop.services.backups import make_backup

    make_backup(uow_factory=session.uow_factory, reason="before-package-import")
    results: list[tuple[str, str]] = []
    for path in files:
        try:
            outcome = sync.import_package(uow_factory=session.uow_factory, path=path, trust_new_keys=trust_new_keys)
        except UserFacingError as error:
            results.append((path.name, "refused"))
            print(_("Refused: {message}").format(message=error), file=sys.stderr)
        else:
            results.append((path.name, "applied" if outcome.imported else "unchanged"))
            print(outcome.message)
            if outcome.trusted_key:
                print(_("Accepted the key of unit {unit}: {fingerprint}").format(
                    unit=outcome.unit_code, fingerprint=outcome.trusted_key))
    if len(results) > 1:
        for name, result in results:
            _file_line(name, result)
    return _exit_for(applied=any(r == "applied" for _n, r in results),
                     refused=any(r == "refused" for _n, r in results))


def _cmd_template(args: argparse.Namespace) -> int:
    from kehoach_desktop.services import sync
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(args.workspace)
    try:
        if args.template_command == "export":
            done = sync.export_template_package(uow_factory=session.uow_factory, out=args.out,
                                                template_code=args.code)
            print(_("Wrote the template package to {path}.").format(path=done.path))
            print(_("Signing key fingerprint: {fingerprint}").format(fingerprint=done.fingerprint))
            return EXIT_OK
        if args.template_command == "new-year":
            from kehoach_desktop.services.template_editing import copy_template_for_new_year

            done = copy_template_for_new_year(uow_factory=session.uow_factory, new_code=args.code, year=args.year,
                                              units=args.units, use=True)
            template = session.template()
            print(_("Made the template {code} for {year} with {units} reporting units ({term}); it is the one in "
                    "use now.").format(code=done.code, year=template.year, units=len(template.reporting_units),
                                       term=template.unit_term))
            return EXIT_OK
        if args.template_command == "use":
            from kehoach_desktop.services.years import use_template

            change = use_template(uow_factory=session.uow_factory, code=args.code)
            print(_("The workspace now works in {year} (template {code}).").format(year=change.year,
                                                                                  code=change.code))
            if change.plan_created:
                print(_("The plan of {year} was started from the template.").format(year=change.year))
            return EXIT_OK
        if args.template_command == "list":
            from kehoach_desktop.services.years import list_years

            for item in list_years(uow_factory=session.uow_factory):
                print(f"{'*' if item.in_use else ' '} {item.code}\t{item.year}\t{item.origin}\t"
                      f"{item.units} ({item.unit_term})")
            return EXIT_OK
        outcome = sync.import_template_package(uow_factory=session.uow_factory, path=args.file,
                                               trust_new_keys=args.trust_new_keys)
        print(outcome.message)
        if outcome.trusted_key:
            print(_("Accepted the key of unit {unit}: {fingerprint}").format(unit=outcome.unit_code,
                                                                            fingerprint=outcome.trusted_key))
        return EXIT_OK
    finally:
        session.close()


def _cmd_review(args: argparse.Namespace) -> int:
    from kehoach_desktop.services.review import review_report
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(args.workspace)
    try:
        done = review_report(uow_factory=session.uow_factory, unit_code=args.unit, period=args.period,
                             decision="accepted" if args.review_command == "accept" else "returned",
                             reason=args.reason, receipt_out=args.receipt_out)
    finally:
        session.close()
    print(done.message)
    if done.receipt is not None:
        print(_("Wrote the receipt to {path}: send it to the unit.").format(path=done.receipt.path))
    return EXIT_OK


def _secret_from_env(variable: str | None, what: str) -> str:
    """Passwords and PINs come from the environment, never from the command line (it shows in `ps`)."""
    if not variable:
        raise UserFacingError(_("Name the environment variable that holds the {what}.").format(what=what))
    value = os.environ.get(variable)
    if value is None:
        raise UserFacingError(_("The environment variable {name} is not set.").format(name=variable))
    return value


def _cmd_lookup(args: argparse.Namespace) -> int:
    from kehoach_desktop.services.report_lookup import describe_lookup, lookup_report
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(args.workspace)
    try:
        result = lookup_report(uow_factory=session.uow_factory, text=args.qr)
    finally:
        session.close()
    for line in describe_lookup(result):
        print(line, file=sys.stdout if result.found else sys.stderr)
    return EXIT_OK if result.found else EXIT_REFUSED


def _cmd_report(args: argparse.Namespace) -> int:
    from kehoach_desktop.services import reports
    from kehoach_desktop.services.session import open_workspace

    if args.kind == "lookup":
        return _cmd_lookup(args)
    if args.kind == "register":
        return _cmd_register(args)
    if args.sign_p12 and args.sign_pkcs11:
        raise UserFacingError(_("Sign with a certificate file or with a token, not both."))
    if (args.format or ("docx" if args.out.suffix.lower() == ".docx" else "pdf")) == "docx":
        return _cmd_report_docx(args)
    credentials: reports.Credentials | None = None
    if args.sign_p12:
        credentials = reports.P12Credentials(args.sign_p12, _secret_from_env(args.password_env, _("password")))
    elif args.sign_pkcs11:
        credentials = reports.TokenCredentials(args.sign_pkcs11, args.slot or 0, _secret_from_env(args.pin_env, "PIN"),
                                               label=args.token or "")
    session = open_workspace(args.workspace)
    if args.kind == "reminders":
        return _cmd_report_reminders(args, session, credentials)
    if args.kind == "city":
        from kehoach_desktop.services.city_reports import generate_city_report

        try:
            if not args.period:
                raise UserFacingError(_("Choose the period of the consolidated report (for example 2021-Q1)."))
            city = generate_city_report(uow_factory=session.uow_factory, period=args.period, out=args.out,
                                        today=session.today(), credentials=credentials, data_out=args.data_out,
                                        accept_signer_mismatch=args.accept_signer_mismatch)
        finally:
            session.close()
        print(_("Wrote {path}: {pages} pages, period {period}, data SHA-256 {sha256}{signed}.").format(
            path=city.path, pages=city.pages, period=period_label(city.period), sha256=city.stamp.sha256,
            signed=_(", signed") if city.signed else ""))
        return EXIT_OK
    try:
        done = reports.generate_report(uow_factory=session.uow_factory, kind=args.kind, out=args.out,
                                       period=args.period, today=session.today(), credentials=credentials,
                                       data_out=getattr(args, "data_out", None),
                                       accept_signer_mismatch=args.accept_signer_mismatch)
    finally:
        session.close()
    print(_("Wrote {path}: {pages} pages, period {period}, data SHA-256 {sha256}{signed}.").format(
        path=done.path, pages=done.pages, period=period_label(done.period), sha256=done.stamp.sha256,
        signed=_(", signed") if done.signed else ""))
    return EXIT_OK


def _cmd_register(args: argparse.Namespace) -> int:
    from kehoach_desktop.services.documents import list_register
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(args.workspace)
    try:
        entries = list_register(uow_factory=session.uow_factory, year=args.year)
    finally:
        session.close()
    kinds = {"plan": _("Plan"), "progress": _("Progress report"), "reminder": _("Reminder letter")}
    for e in entries:
        print("\t".join((e.number_symbol, e.issue_date.strftime("%d/%m/%Y"), kinds.get(e.kind, e.kind),
                         period_label(e.period) if e.kind != "plan" else e.period, e.summary)))
    if not entries:
        print(_("No document has been issued yet."))
    return EXIT_OK


def _cmd_report_reminders(args: argparse.Namespace, session: Any, credentials: Any) -> int:
    from kehoach_desktop.services.city_reports import issue_reminder

    try:
        if not args.period:
            raise UserFacingError(_("Choose the period the letter reminds of (for example 2021-Q1)."))
        letter = issue_reminder(uow_factory=session.uow_factory, period=args.period, out=args.out,
                                today=session.today(), unit_codes=tuple(args.unit) if args.unit else None,
                                number=args.number, date=args.date, credentials=credentials,
                                accept_signer_mismatch=args.accept_signer_mismatch)
    finally:
        session.close()
    print(ngettext("Wrote {path}: letter {number} to {n} unit{signed}.",
                   "Wrote {path}: letter {number} to {n} units{signed}.", len(letter.units)).format(
        path=letter.path, number=letter.number_symbol, n=len(letter.units),
        signed=_(", signed") if letter.signed else ""))
    return EXIT_OK


def _cmd_report_docx(args: argparse.Namespace) -> int:
    from kehoach_desktop.services.session import open_workspace
    from kehoach_desktop.services.word_export import write_docx

    if args.sign_p12 or args.sign_pkcs11:
        raise UserFacingError(_("A Word copy is not signed: sign the PDF (--format pdf)."))
    if getattr(args, "data_out", None):
        raise UserFacingError(_("--data-out goes with the PDF (--format pdf)."))
    if args.out.suffix.lower() == ".pdf":
        raise UserFacingError(_("A Word copy is written to a .docx file, not to {path}.").format(path=args.out))
    letter = args.kind == "reminders"
    if letter and args.number is not None:
        raise UserFacingError(_("The Word copy of a reminder letter is a draft to review: it takes no number. Issue "
                                "the letter as PDF (--format pdf) to number it."))
    if letter and not args.period:
        raise UserFacingError(_("Choose the period the letter reminds of (for example 2021-Q1)."))
    options = None
    if letter:
        from kehoach_desktop.services.city_reports import CityDocumentOptions

        options = CityDocumentOptions(date=args.date)
    session = open_workspace(args.workspace)
    try:
        path = write_docx(uow_factory=session.uow_factory, kind=args.kind, out=args.out, period=args.period,
                          today=session.today(), city_options=options,
                          unit_codes=tuple(args.unit) if letter and args.unit else None)
    finally:
        session.close()
    print(_("Wrote {path}.").format(path=path))
    return EXIT_OK


def _cmd_reminders(args: argparse.Namespace) -> int:
    from kehoach_desktop.services.city_reports import write_reminders
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(args.workspace)
    try:
        paths = write_reminders(uow_factory=session.uow_factory, period=args.period, folder=args.out,
                                today=session.today(), combined=args.one_letter)
    finally:
        session.close()
    for path in paths:
        print(_("Wrote {path}.").format(path=path))
    return EXIT_OK


def _cmd_pdf(args: argparse.Namespace) -> int:
    from kehoach_desktop.formats import vietnam_time
    from kehoach_desktop.services import reports
    from kehoach_desktop.services.session import open_workspace

    extra = []
    for path in args.trust_root:
        try:
            extra.append(path.read_bytes())
        except OSError as exc:
            raise UserFacingError(_("The file {path} cannot be read: {reason}").format(
                path=path, reason=exc.strerror or exc)) from exc
    session = open_workspace(args.workspace) if args.workspace else None
    try:
        result = reports.verify_pdf_file(path=args.file, uow_factory=session.uow_factory if session else None,
                                         extra_roots=extra)
    finally:
        if session is not None:
            session.close()
    print(_("File: {path}").format(path=args.file))
    if not result.readable:
        print(result.problem, file=sys.stderr)
        return EXIT_REFUSED
    if result.stamp is not None:
        print(_("Report data: unit {unit}, period {period}, number {number}, SHA-256 {sha256}").format(
            unit=result.stamp.unit_code, period=period_label(result.stamp.period),
            number=result.stamp.number_symbol or _("(none)"), sha256=result.stamp.sha256))
    if result.roots:
        print(_("Trusted roots: {roots}").format(roots="; ".join(result.roots)))
    else:
        print(_("Trusted roots: none (add one with --trust-root CERT, or on the Reports page of the workspace)"))
    if not result.signed:
        print(_("Not signed: the file carries no signature."))
        return EXIT_REFUSED
    for number, signature in enumerate(result.signatures, start=1):
        print(_("Signature {number} ({field}):").format(number=number, field=signature.field))
        if signature.intact and signature.valid and signature.covers_whole_file:
            print("  " + _("Intact: yes, the file is as it was signed."))
        elif signature.intact and signature.valid:
            print("  " + _("Intact: NO, the file was changed after it was signed."))
        else:
            print("  " + _("Intact: NO, the signed content was changed or the signature is broken."))
        print("  " + _("Signed by: {signer}, {organisation}, at {time}").format(
            signer=signature.signer or "?", organisation=signature.organisation or _("no organisation"),
            time=vietnam_time(signature.signing_time) if signature.signing_time else "?"))
        if signature.trusted:
            print("  " + _("Certificate: trusted (it chains to one of the trusted roots)."))
        else:
            print("  " + _("Certificate: NOT trusted (it does not chain to any of the trusted roots)."))
        if signature.problem:
            print("  " + signature.problem)
    if not result.ok:
        print(_("Result: not intact (exit code 1)."))
        return EXIT_REFUSED
    if not all(s.trusted for s in result.signatures):
        print(_("Result: intact, but the certificate is not trusted (exit code 3)."))
        return EXIT_UNTRUSTED
    print(_("Result: intact and trusted (exit code 0)."))
    return EXIT_OK


def _cmd_token(args: argparse.Namespace) -> int:
    import datetime as dt

    from kehoach_desktop.exchange.pdf import tokens
    from kehoach_desktop.formats import format_date

    probes = tokens.discover(tokens.candidate_libraries(extra=args.library))
    found = tokens.found_tokens(probes)
    for probe in probes:
        if probe.problem:
            print(probe.problem, file=sys.stderr)
    if not found:
        print(_("No token found. Plug the token in, or name its PKCS#11 library with --library."), file=sys.stderr)
        return EXIT_REFUSED
    for token in found:
        print(_('Token “{label}” (serial {serial}): --sign-pkcs11 "{library}" --token "{label}" (slot {slot})').format(
            label=token.label, serial=token.serial_text or "-", library=token.library, slot=token.slot))
        for certificate in token.certificates:
            print(_("  certificate of {holder} ({organisation}), issued by {issuer}, valid until {date}").format(
                holder=certificate.holder, organisation=certificate.organisation or "-",
                issuer=certificate.issuer or "-", date=format_date(dt.date.fromisoformat(certificate.valid_until))))
        if not token.certificates:
            print(_("  its certificates can be read only after the PIN"))
    return EXIT_OK


def _first_positional(argv: Sequence[str], parser: argparse.ArgumentParser) -> str | None:
    takes_value = {option for action in parser._actions if action.option_strings and action.nargs != 0
                   for option in action.option_strings}
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in takes_value:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """A command, or a file to open: ``kehoach FILE.khsync`` is how Explorer and file managers start us.

    argparse cannot have an optional positional beside subcommands (it would take the file for an
    unknown command), so a first positional argument that is not a command selects the file form.
    """
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    first = _first_positional(argv, parser)
    if first is None or first in commands:
        return parser.parse_args(argv)
    parser = build_parser(open_file=True)
    args = parser.parse_args(argv)
    if args.file.suffix.lower() not in OPENABLE_SUFFIXES:
        parser.error(_("{name} is neither a command nor a .khsync, .khtemplate or .khreceipt file.").format(
            name=args.file))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    i18n.setup(_language_from_argv(argv))
    translate_argparse()
    args = parse_arguments(argv)
    if args.command is None:
        from kehoach_desktop.app import run_gui

        return run_gui(workspace=args.gui_database or args.gui_workspace, language=args.lang, demo=args.demo,
                       verbose=args.verbose,
                       open_file=args.file)
    if args.command == "self-test":
        from kehoach_desktop.app import self_test

        return self_test()
    if args.command == "token" and args.token_command == "probe":  # a child process: no log file of its own
        from kehoach_desktop.exchange.pdf.tokens import write_probe

        return write_probe(args.library, args.out)
    from kehoach_desktop.logs import setup_logging
    from kehoach_desktop.paths import app_paths

    setup_logging(app_paths().log_file, verbose=args.verbose)
    handlers = {"init": _cmd_init, "demo": _cmd_demo, "dump": _cmd_dump, "package": _cmd_package,
                "template": _cmd_template, "report": _cmd_report, "pdf": _cmd_pdf,
                "excel": _cmd_excel, "migrate-store": _cmd_migrate_store, "review": _cmd_review,
                "reminders": _cmd_reminders, "token": _cmd_token, "guide": _cmd_guide}
    try:
        return handlers[args.command](args)
    except UserFacingError as error:
        print(_("Error: {message}").format(message=error), file=sys.stderr)
        return EXIT_REFUSED
    except Exception:
        log.exception("unexpected error in kehoach %s", args.command)
        print(_("Unexpected error; the details were written to the log file {path}.").format(
            path=app_paths().log_file), file=sys.stderr)
        return EXIT_REFUSED
