"""Issue 18: a lock never writes through a link, and two names of one workspace file are one workspace.

Was: a planted ``<workspace>.lock`` symlink made the next start truncate the file it pointed to (opened
with ``a+b``); a hard link of the workspace under another name opened it in a second window.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.domain.errors import WorkspaceError, WorkspaceLockedError
from kehoach_desktop.services.session import new_workspace, open_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup
from tests.cli.test_cli import kehoach

pytestmark = pytest.mark.skipif(os.name == "nt", reason="links need privileges on Windows; the checks are the same")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "quan.khws"
    new_workspace(path, WorkspaceSetup(mode=WorkspaceMode.DISTRICT, unit_code="006")).close()
    return path


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "bao-cao-quan-trong.docx"
    path.write_bytes(b"noi dung can giu" * 100)
    return path


def test_a_lock_file_planted_as_a_symbolic_link_is_refused_and_its_target_kept(workspace: Path,
                                                                               victim: Path) -> None:
    before = victim.read_bytes()
    (workspace.with_name(workspace.name + ".lock")).symlink_to(victim)
    with pytest.raises(WorkspaceError, match="is a link to another file") as refused:
        open_workspace(workspace)
    assert "quan.khws.lock" in refused.value.message
    assert victim.read_bytes() == before


def test_a_lock_file_planted_as_a_hard_link_is_refused_and_its_target_kept(workspace: Path, victim: Path) -> None:
    before = victim.read_bytes()
    os.link(victim, workspace.with_name(workspace.name + ".lock"))
    with pytest.raises(WorkspaceError, match="is a link to another file"):
        open_workspace(workspace)
    assert victim.read_bytes() == before


def test_the_command_line_says_so_in_vietnamese(workspace: Path, victim: Path) -> None:
    (workspace.with_name(workspace.name + ".lock")).symlink_to(victim)
    result = kehoach("dump", "--workspace", workspace)
    assert result.returncode == 1 and "là một liên kết tới tệp khác" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["hard link", "symbolic link"])
def test_two_names_of_one_workspace_file_are_one_workspace(kind: str, workspace: Path, tmp_path: Path) -> None:
    other = tmp_path / "ban-sao" / "quan-ten-khac.khws"
    other.parent.mkdir()
    if kind == "hard link":
        os.link(workspace, other)
    else:
        other.symlink_to(workspace)
    first = open_workspace(workspace)
    try:
        with pytest.raises(WorkspaceLockedError, match="already open in another window"):
            open_workspace(other)
    finally:
        first.close()
    second = open_workspace(other)  # once the first window is closed, the other name opens
    second.close()
