"""The output folder: usual permissions, no marker published, deckgen's own output recognised (old builds too),
clear errors for folders that cannot be written, and two builds at once that do not trample each other."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from projects import PNG, REPO, make_project, snapshot

from deckgen.cli import main
from deckgen.commands.build import build
from deckgen.errors import DeckgenError
from deckgen.site import output

DECKS = {f"slides/deck{i}.md": f"# Deck {i}\n\n---\n\n## Second slide of {i}\n" for i in range(6)}
# deckgen in a subprocess: this checkout's, after any PYTHONPATH already given.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(REPO / "src")]))}
LEGACY_MARKER_TEXT = "This folder is written by deckgen build and replaced on every build.\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project", {"slides/one.md": "# One\n\n---\n\n## Two\n"})




def _modes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.rglob("*")]}


@pytest.mark.parametrize(("umask", "folder", "file"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_build_gets_the_permissions_mkdir_and_open_give(project: Path, umask: int, folder: int, file: int) -> None:
    old = os.umask(umask)
    try:
        build(project)
        (project / "slides/two.md").write_text("# Two\n")
        build(project)  # replacing a build as well
    finally:
        os.umask(old)
    modes = _modes(project / "build")
    assert modes["."] == folder  # not mkdtemp's 0700
    assert {rel: mode for rel, mode in modes.items() if mode != (folder if (project / "build" / rel).is_dir()
                                                                 else file)} == {}


def test_a_build_with_nothing_changed_leaves_the_site_alone(project: Path) -> None:
    (project / "slides/img").mkdir()
    (project / "slides/img/a.png").write_bytes(PNG)
    (project / "slides/one.md").write_text("# One\n\n![a](img/a.png)\n")
    build(project)
    site = project / "build"
    before = (site.stat().st_ino, (site / "one/index.html").stat().st_mtime_ns)
    build(project)
    assert (site.stat().st_ino, (site / "one/index.html").stat().st_mtime_ns) == before  # not written again
    copy = site / "files/slides/img/a.png"
    assert copy.stat().st_mtime_ns == (project / "slides/img/a.png").stat().st_mtime_ns

    # Anything that differs from what the build would write makes it write the whole site again.
    expected = snapshot(site)
    (site / "one/index.html").write_text("edited by hand")
    (site / "stray.txt").write_text("not deckgen's")
    copy.unlink()
    (site / "empty").mkdir()
    build(project)
    assert snapshot(site) == expected and not (site / "empty").exists()
    # An image replaced by another of the same size and time (a file system with coarse times): its bytes differ.
    source = project / "slides/img/a.png"
    times = source.stat()
    source.write_bytes(PNG[:-1] + bytes([PNG[-1] ^ 1]))
    os.utime(source, ns=(times.st_atime_ns, times.st_mtime_ns))
    build(project)
    assert copy.read_bytes() == source.read_bytes()


def test_a_source_saved_while_it_is_copied_is_copied_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy gets the time its source had before the copy began: a save during the copy leaves the source
    newer than the copy, and the next build copies it again (a big file is compared by size and time only)."""
    video = project / "slides" / "clip.mp4"
    video.write_bytes(b"A" * (output.COMPARED_BYTES + 1))
    (project / "slides/one.md").write_text('# One\n\n<video src="clip.mp4"></video>\n')
    copy_file = output.shutil.copyfile

    def copy_then_save(source: Path, target: Path) -> None:
        copy_file(source, target)
        if source == video.resolve():  # the author saves the same size again, during the copy
            before = video.stat().st_mtime_ns
            video.write_bytes(b"B" * (output.COMPARED_BYTES + 1))
            os.utime(video, ns=(before + 1_000_000, before + 1_000_000))

    monkeypatch.setattr(output.shutil, "copyfile", copy_then_save)
    build(project)
    monkeypatch.undo()
    build(project)
    assert (project / "build/files/slides/clip.mp4").read_bytes()[:1] == b"B"


def test_no_marker_is_published_and_nothing_is_left_beside_the_site(project: Path) -> None:
    build(project)
    assert output.LEGACY_MARKER not in os.listdir(project / "build")
    assert sorted(os.listdir(project)) == ["build", "slides"]  # no lock, no stage, no sibling marker
    assert output.is_deckgen_output(project / "build")
    (project / "slides/two.md").write_text("# Two\n")
    build(project)  # recognised by its structure, replaced
    assert (project / "build/two/index.html").is_file()
    assert sorted(os.listdir(project)) == ["build", "slides"]


def test_a_build_of_the_previous_version_is_recognised_and_replaced_cleanly(project: Path) -> None:
    # deckgen 0.1.0's build/: its marker inside, mode 0700, a deck that is gone since.
    old = make_project(project / "build", {output.LEGACY_MARKER: LEGACY_MARKER_TEXT, "index.html": "<p>old</p>",
                                           "gone/index.html": "<p>removed deck</p>"})
    old.chmod(0o700)
    assert main(["build", str(project), "--no-thumbnails"]) == 0
    files = snapshot(project / "build")
    assert "gone/index.html" not in files and output.LEGACY_MARKER not in files and "one/index.html" in files
    assert stat.S_IMODE((project / "build").stat().st_mode) == 0o777 & ~_umask()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_what_is_not_deckgen_output(tmp_path: Path) -> None:
    site = make_project(tmp_path / "site", {".nojekyll": "", "index.html": "x", "static/deckgen/index.css": "x"})
    assert output.is_deckgen_output(site)
    (site / "deckgen.yml").write_text("title: a project\n")  # a project that looks like a site is not one
    assert not output.is_deckgen_output(site)
    (site / "deckgen.yml").unlink()
    (site / ".nojekyll").write_text("not empty")
    assert not output.is_deckgen_output(site)
    mine = make_project(tmp_path / "mine", {"index.html": "<p>hand-made</p>", ".nojekyll": ""})
    assert not output.is_deckgen_output(mine)
    assert not output.is_deckgen_output(tmp_path / "missing")
    assert output.is_deckgen_output(make_project(tmp_path / "legacy", {output.LEGACY_MARKER: LEGACY_MARKER_TEXT}))


def _error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


def test_impossible_output_folders_are_clear_errors_and_keep_the_previous_build(
    project: Path, capsys: pytest.CaptureFixture[str], read_only
) -> None:
    assert main(["build", str(project), "--no-thumbnails"]) == 0
    before = snapshot(project / "build")
    (project / "slides/two.md").write_text("# Two\n")
    (project / "afile").write_text("a file\n")

    err = _error(["build", str(project), "-o", str(project / "afile/site")], capsys)
    assert err == (f"error: cannot write the output folder {project / 'afile/site'}: {project / 'afile'} is a file, "
                   "not a folder; choose another -o\n")
    err = _error(["build", str(project), "-o", str(project / "afile/deeper/site")], capsys)
    assert f"{project / 'afile'} is a file, not a folder" in err
    assert "would replace the project itself" in _error(["build", str(project), "-o", str(project)], capsys)
    assert "inside the project's slides/" in _error(["build", str(project), "-o", str(project / "slides")], capsys)
    assert "was not written by deckgen" in _error(["build", str(project), "-o", str(project / "afile")], capsys)
    with pytest.raises(DeckgenError, match="contains a NUL byte"):
        build(project, project / "bad\0name")

    read_only(project)  # build/ cannot be replaced: the folder it is renamed in is read-only
    err = _error(["build", str(project), "--no-thumbnails"], capsys)
    assert err == (f"error: cannot write the output folder {project / 'build'}: {project} is not writable; "
                   "choose another -o\n")
    assert snapshot(project / "build") == before
    assert (project / "afile").read_text() == "a file\n"
    assert sorted(os.listdir(project)) == ["afile", "build", "slides"]


def test_a_failure_while_writing_keeps_the_previous_build(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(project), "--no-thumbnails"]) == 0
    before = snapshot(project / "build")
    broken = {"index.html": "new", "a/b": b"x", "a/b/c": b"a file under a file"}  # a/b: a file and a folder
    expected = r"cannot write the output folder .*; the previous site was left as it was"
    with pytest.raises(DeckgenError, match=expected), output.output_lock(project / "build"):
        output.write_site(broken, project / "build")
    assert snapshot(project / "build") == before
    assert sorted(os.listdir(project)) == ["build", "slides"]


def _hold_lock(lock: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the lock of an output folder (flock, as deckgen takes it) for seconds."""
    code = ("import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o666)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(float(sys.argv[2]))\n"
            "os.unlink(sys.argv[1])\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(lock), str(seconds)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_a_build_waits_for_another_one_writing_the_same_folder(project: Path) -> None:
    holder = _hold_lock(project / ".build.deckgen-lock", 1.5)  # the lock file named in deckgen.site.output
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "deckgen", "build", str(project), "--no-thumbnails"],
                          capture_output=True, text=True, env=ENV)
    took = time.monotonic() - began
    holder.communicate()
    assert done.returncode == 0, done.stderr
    assert took >= 1.0  # it waited for the other one to finish
    assert (project / "build/one/index.html").is_file()
    assert sorted(os.listdir(project)) == ["build", "slides"]


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_a_build_gives_up_with_a_clear_error_when_the_other_one_does_not_finish(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(project)
    before = snapshot(project / "build")
    (project / "slides/two.md").write_text("# Two\n")
    monkeypatch.setattr(output, "LOCK_WAIT", 0.5)
    holder = _hold_lock(project / ".build.deckgen-lock", 5)
    try:
        with pytest.raises(DeckgenError) as caught:
            build(project)
    finally:
        holder.kill()
        holder.communicate()
    assert str(caught.value) == (f"another deckgen build is writing {project / 'build'} (it holds "
                                 f"{project / '.build.deckgen-lock'}): wait for it to finish, then run deckgen build "
                                 "again")
    assert snapshot(project / "build") == before


def test_two_builds_at_once_do_not_trample_each_other(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", DECKS)
    build(project)
    expected = snapshot(project / "build")
    for _ in range(3):
        runs = [subprocess.Popen([sys.executable, "-m", "deckgen", "build", str(project), "--no-thumbnails"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
                for _ in range(3)]
        errors = [run.communicate()[1] for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0], errors
        assert snapshot(project / "build") == expected
        assert sorted(os.listdir(project)) == ["build", "slides"]  # no stage, no old site, no lock left


def test_leftovers_of_a_killed_build_are_removed(project: Path) -> None:
    build(project)
    make_project(project, {".build.new-1234abcd/index.html": "half written", ".build.old-99999999/x": "old"})
    build(project)
    assert sorted(os.listdir(project)) == ["build", "slides"]
