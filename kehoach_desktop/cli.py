"""The command line: ``kehoach`` starts the application; subcommands work without a window.

Exit codes: 0 success, 1 input refused (a clear message on stderr, nothing changed),
2 usage error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from kehoach_desktop import __version__, i18n
from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.i18n import _

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
log = logging.getLogger(__name__)


def _language_from_argv(argv: Sequence[str]) -> str:
    """The language must be known before the parser's own help texts are built."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return i18n.DEFAULT_LANGUAGE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kehoach",
        description=_("Kế hoạch Desktop: district propaganda plans, registers, reports and sync packages."),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--workspace", type=Path, dest="gui_workspace", metavar="PATH",
                        help=_("workspace file to open (default: the last one used)"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=None,
                        help=_("language of the interface (default: Vietnamese)"))
    parser.add_argument("--demo", action="store_true",
                        help=_("open the demo district workspace, creating it on first run"))
    parser.add_argument("--verbose", action="store_true", help=_("write debugging detail to the log"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser("init", help=_("create a workspace without the set-up wizard"))
    init.add_argument("--workspace", type=Path, required=True, metavar="PATH")
    who = init.add_mutually_exclusive_group(required=True)
    who.add_argument("--district", metavar="CODE", help=_("code of the reporting unit, e.g. 006 for Đống Đa"))
    who.add_argument("--city", action="store_true", help=_("a city (receiving agency) workspace"))
    init.add_argument("--unit-name", default="", metavar="TEXT", help=_("full name of the unit"))
    init.add_argument("--signer-name", default="", metavar="TEXT")
    init.add_argument("--signer-title", default="Chủ tịch", metavar="TEXT")

    demo = commands.add_parser("demo", help=_("create a workspace filled with realistic demo data"))
    demo.add_argument("--workspace", type=Path, required=True, metavar="PATH")
    demo.add_argument("--district", default="006", metavar="CODE")
    demo.add_argument("--scale", type=int, default=1, metavar="N",
                      help=_("multiply the registers (N=50 gives about 10,000 materials)"))

    dump = commands.add_parser("dump", help=_("write the whole workspace as canonical JSON"))
    dump.add_argument("--workspace", type=Path, required=True, metavar="PATH")
    dump.add_argument("--out", type=Path, metavar="FILE", help=_("output file (default: standard output)"))

    commands.add_parser("self-test", help=_("open a temporary workspace and the main window, then exit"))
    return parser


def _cmd_init(args: argparse.Namespace) -> int:
    from kehoach_desktop.domain.enums import WorkspaceMode
    from kehoach_desktop.services.session import new_workspace
    from kehoach_desktop.services.workspace import WorkspaceSetup

    setup = WorkspaceSetup(
        mode=WorkspaceMode.CITY if args.city else WorkspaceMode.DISTRICT, unit_code=args.district,
        unit_full_name=args.unit_name, signer_name=args.signer_name, signer_title=args.signer_title)
    session = new_workspace(args.workspace, setup)
    try:
        summary = session.summary()
    finally:
        session.close()
    print(_("Created the workspace {path} for {unit}.").format(path=summary.path, unit=summary.unit_full_name))
    print(_("Signing key fingerprint: {fingerprint}").format(fingerprint=summary.key_fingerprint))
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from kehoach_desktop.services.session import new_demo_workspace

    if args.scale < 1 or args.scale > 2000:
        raise UserFacingError(_("The scale must be a whole number from 1 to 2000."))
    session = new_demo_workspace(args.workspace, district_code=args.district, scale=args.scale)
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


def _cmd_dump(args: argparse.Namespace) -> int:
    from kehoach_desktop.services.dump import dump_to_text, dump_workspace
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(args.workspace)
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
            path=args.out, reason=exc.strerror or exc)) from exc
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    i18n.setup(_language_from_argv(argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from kehoach_desktop.app import run_gui

        return run_gui(workspace=args.gui_workspace, language=args.lang, demo=args.demo, verbose=args.verbose)
    if args.command == "self-test":
        from kehoach_desktop.app import self_test

        return self_test()
    from kehoach_desktop.logs import setup_logging
    from kehoach_desktop.paths import app_paths

    setup_logging(app_paths().log_file, verbose=args.verbose)
    handlers = {"init": _cmd_init, "demo": _cmd_demo, "dump": _cmd_dump}
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
