"""`kehoach FILE.khsync`: what Explorer and file managers run on a double-click, beside the subcommands."""

from __future__ import annotations

from pathlib import Path

import pytest

from kehoach_desktop.cli import parse_arguments


@pytest.mark.parametrize("argv", [["006-2021-Q3-001.khsync"], ["--lang", "en", "C:/Tệp nhận/mẫu.KHTEMPLATE"],
                                  ["--workspace", "w.khws", "--", "r.khreceipt"]])
def test_a_package_starts_the_application_with_it(argv: list[str]) -> None:
    args = parse_arguments(argv)
    assert args.command is None
    assert args.file == Path(argv[-1])


def test_the_option_values_are_not_taken_for_the_file() -> None:
    args = parse_arguments(["--workspace", "demo", "--lang", "vi", "x.khsync"])
    assert args.gui_workspace == Path("demo") and args.lang == "vi" and args.file == Path("x.khsync")


@pytest.mark.parametrize("argv", [[], ["--demo"], ["self-test"], ["demo", "--workspace", "d.khws"],
                                  ["package", "import", "--workspace", "c.khws", "a.khsync"]])
def test_commands_and_plain_starts_have_no_file(argv: list[str]) -> None:
    assert parse_arguments(argv).file is None


def test_something_else_is_a_usage_error(capsys: pytest.CaptureFixture[str], english) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_arguments(["workspace.khws"])
    assert exit_info.value.code == 2
    message = "workspace.khws is neither a command nor a .khsync, .khtemplate or .khreceipt file"
    assert message in capsys.readouterr().err
