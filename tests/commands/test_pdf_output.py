"""`deckgen pdf -o`: it replaces a PDF, never a deck's source, the configuration, a folder or any other file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from browser_helpers import private_cache
from projects import make_project

from deckgen.cli import main

CONFIG = "title: Talks\n"
TALK = "# Talk\n\nThe first slide.\n\n---\n\n## Second\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    private_cache(tmp_path, monkeypatch)
    project = make_project(tmp_path / "project", {"deckgen.yml": CONFIG, "slides/talk.md": TALK,
                                                  "slides/other.md": "# Other\n", "notes.txt": "my notes\n"})
    monkeypatch.chdir(project)
    return project


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err.count("\n") == 1  # one line
    return captured.err


@pytest.mark.browser
@pytest.mark.parametrize(("target", "what"), [
    ("slides/talk.md", "is the source of the deck 'talk'"),
    ("slides/other.md", "is the source of the deck 'other'"),  # another deck's source than the one printed
    ("deckgen.yml", "is the project's configuration"),
    ("notes.txt", "exists and is not a PDF"),
])
def test_pdf_refuses_to_replace_a_file_that_is_not_a_pdf(
    project: Path, chromium_path: str, capsys: pytest.CaptureFixture[str], target: str, what: str
) -> None:
    before = (project / target).read_bytes()
    err = _refused(["pdf", "talk", "-o", target], capsys)
    assert err == f"error: {target} {what}: deckgen pdf replaces only PDF files; choose another -o, nothing was " \
                  "written\n"
    assert (project / target).read_bytes() == before


@pytest.mark.browser
def test_pdf_refuses_links_empty_files_and_folders(
    project: Path, chromium_path: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("outside the project\n")
    (project / "link.pdf").symlink_to(secret)  # named like a PDF, points at a text file
    err = _refused(["pdf", "talk", "-o", "link.pdf"], capsys)
    assert err.startswith("error: link.pdf exists and is not a PDF: ")
    assert secret.read_text() == "outside the project\n" and (project / "link.pdf").is_symlink()

    (project / "empty.pdf").write_bytes(b"")
    assert _refused(["pdf", "talk", "-o", "empty.pdf"], capsys).startswith("error: empty.pdf exists and is not a PDF")
    assert (project / "empty.pdf").read_bytes() == b""

    (project / "folder").mkdir()
    assert _refused(["pdf", "talk", "-o", "folder"], capsys).startswith("error: folder is a folder: ")
    assert list((project / "folder").iterdir()) == []


@pytest.mark.browser
def test_pdf_into_a_folder_refuses_every_deck_before_printing_any(
    project: Path, chromium_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = project / "pdfs"
    out.mkdir()
    (out / "talk.pdf").write_text("not a PDF, whatever its name\n")
    err = _refused(["pdf", "-o", "pdfs"], capsys)
    assert err.startswith(f"error: {Path('pdfs/talk.pdf')} exists and is not a PDF: ")
    assert sorted(p.name for p in out.iterdir()) == ["talk.pdf"]  # other.pdf was not written either
    assert (out / "talk.pdf").read_text() == "not a PDF, whatever its name\n"

    # The slides folder as -o: NAME.pdf would be written next to the sources, which stay untouched.
    (project / "slides/talk.pdf").write_text("my own file\n")
    assert _refused(["pdf", "-o", "slides"], capsys).startswith("error: slides/talk.pdf exists and is not a PDF")
    assert sorted(p.name for p in (project / "slides").iterdir()) == ["other.md", "talk.md", "talk.pdf"]


@pytest.mark.browser
def test_pdf_replaces_a_pdf_with_normal_permissions(
    project: Path, chromium_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old_umask = os.umask(0o022)
    try:
        (project / "talk.pdf").write_bytes(b"%PDF-1.4\n% an older print\n")
        (project / "out").mkdir()
        (project / "out/other.pdf").write_bytes(b"%PDF-1.7\n")
        assert main(["pdf", "talk"]) == 0
        assert main(["pdf", "-o", "out"]) == 0
    finally:
        os.umask(old_umask)
    for pdf in (project / "talk.pdf", project / "out/talk.pdf", project / "out/other.pdf"):
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and b"an older print" not in data and len(data) > 1000
        assert stat.S_IMODE(pdf.stat().st_mode) == 0o644  # not mkstemp's 0600
    assert sorted(p.name for p in project.iterdir()) == ["deckgen.yml", "notes.txt", "out", "slides", "talk.pdf"]
