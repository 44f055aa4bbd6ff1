"""Bad input: a clear error naming file and line, exit status 1, no traceback, previous build/ untouched."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from projects import PNG, make_project, snapshot

from deckgen.cli import main

GOOD = {"slides/good.md": "# Good\n\n![p](p.png)\n", "slides/p.png": PNG}

CASES = {
    "malformed_yaml": (
        {"slides/bad.md": "---\ntitle: [unclosed\n---\n# x\n"},
        "slides/bad.md:3:1: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence at line 2, column 8)",
    ),
    "wrong_type": (
        {"slides/bad.md": "---\ntitle: x\ntitleSlide: yes please\n---\n# x\n"},
        "slides/bad.md:3: key 'titleSlide': expected true or false, got text",
    ),
    "unknown_theme": (
        {"slides/bad.md": "---\ntheme: blakc\n---\n# x\n"},
        "slides/bad.md:2: key 'theme': expected one of beige, black, black-contrast, blood, dracula, league, moon, "
        "night, serif, simple, sky, solarized, white, white-contrast or a .css file of the project; got 'blakc'; "
        "did you mean 'black'?",
    ),
    "missing_image": (
        {"slides/bad.md": "# x\n\n---\n\n## y\n\n![m](img/missing.png)\n"},
        "slides/bad.md:7: image 'img/missing.png' not found",
    ),
    "outside_project": (
        {"slides/bad.md": "# x\n\n<img src=\"../../secret.png\">\n"},
        "slides/bad.md:3: image '../../secret.png' points outside the project",
    ),
    "not_utf8": ({"slides/bad.md": b"# x\n\nna\xefve\n"}, "slides/bad.md:3: file is not valid UTF-8 (byte 0xef)"),
    "empty_deck": (
        {"slides/bad.md": "---\ntitle: x\n---\n\n\n"},
        "slides/bad.md:4: deck has no slides: write Markdown after the front matter",
    ),
    # (a fence never closed is a warning: the slide's separators still cut it, as in reveal.js)
    "unclosed_script": (
        {"slides/bad.md": "# x\n\n---\n\n<script>\nlet x = 1;\n"},
        "slides/bad.md:5: this slide's HTML would break the deck: <script> is never closed by </script>",
    ),
    "include_cycle": (
        {"slides/bad.md": "# x\n\n--8<-- \"bad.md\"\n"},
        "slides/bad.md:3: includes go round in a circle: slides/bad.md includes slides/bad.md",
    ),
    "bad_separator_regex": (
        {"slides/bad.md": "---\nseparator: \"^(---\"\n---\n# x\n"},
        "slides/bad.md:2: key 'separator': regular expression '^(---' does not compile: missing ), "
        "unterminated subpattern at position 1",
    ),
    "unclosed_front_matter": (
        {"slides/bad.md": "---\ntitle: x\n# x\n"},
        "slides/bad.md:1: front matter opened here is never closed by a '---' line",
    ),
    "bad_site_config": (
        {"deckgen.yml": "title: Site\ndefaults:\n  highlightTheme: monokay\n"},
        "deckgen.yml:3: key 'highlightTheme': expected one of",
    ),
    "missing_css": (
        {"slides/bad.md": "---\ncss: [style.css]\n---\n# x\n"},
        "slides/bad.md:2: stylesheet 'style.css' not found",
    ),
    "reserved_name": ({"slides/vendor.md": "# x\n"}, "slides/vendor.md: a deck cannot be named 'vendor'"),
}


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, bytes]]:
    project = make_project(tmp_path, GOOD)
    monkeypatch.chdir(project)
    assert main(["build"]) == 0
    return project, snapshot(project / "build")


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_names_file_and_line_and_keeps_build(
    case: str, built: tuple[Path, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    files, expected = CASES[case]
    make_project(project, files)
    capsys.readouterr()
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(expected), err
    assert "Traceback" not in err
    assert snapshot(project / "build") == before
    leftovers = [p.name for p in project.iterdir() if p.name.startswith(".build.")]
    assert leftovers == []


def test_all_errors_are_reported_together(built: tuple[Path, dict[str, bytes]], capsys) -> None:
    project, _ = built
    make_project(project, {"slides/a.md": "![x](nope.png)\n", "slides/b.md": "---\ntheme: 3\n---\n# b\n"})
    capsys.readouterr()
    assert main(["build"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("slides/a.md:1: image 'nope.png' not found")
    assert err[1].startswith("slides/b.md:2: key 'theme': expected one of beige")
    assert err[2] == "2 errors; nothing was written"


def test_unknown_key_warns_with_did_you_mean_and_strict_fails(
    built: tuple[Path, dict[str, bytes]], capsys, caplog: pytest.LogCaptureFixture
) -> None:
    project, before = built
    make_project(project, {"slides/k.md": "---\ntitel: T\nowner: someone\ntransition: fade\n---\n# k\n"})
    with caplog.at_level(logging.WARNING):
        assert main(["build"]) == 0
    warnings = [r.getMessage() for r in caplog.records]
    assert "slides/k.md:2: warning: unknown key 'titel'; did you mean 'title'?" in warnings
    assert "slides/k.md:3: warning: unknown key 'owner'" in warnings
    assert not any("transition" in w for w in warnings)  # a reveal.js option at top level is applied
    after = snapshot(project / "build")
    assert main(["build", "--strict"]) == 1
    err = capsys.readouterr().err
    assert "slides/k.md:2: unknown key 'titel'; did you mean 'title'? (an error under --strict)" in err
    assert snapshot(project / "build") == after != before


def test_verbose_shows_traceback(tmp_path: Path) -> None:
    make_project(tmp_path, {"slides/a.md": "---\ntheme: nope\n---\n# a\n"})
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    quiet = subprocess.run([sys.executable, "-m", "deckgen", "build", str(tmp_path)], capture_output=True,
                           text=True, env=env)
    loud = subprocess.run([sys.executable, "-m", "deckgen", "build", str(tmp_path), "--verbose"],
                          capture_output=True, text=True, env=env)
    assert quiet.returncode == 1 and "Traceback" not in quiet.stderr and "key 'theme'" in quiet.stderr
    assert loud.returncode != 0 and "Traceback" in loud.stderr


def test_output_folder_not_written_by_deckgen_is_refused(tmp_path: Path, capsys) -> None:
    project = make_project(tmp_path, {"slides/a.md": "# a\n", "mine/notes.txt": "my own work"})
    assert main(["build", str(project), "-o", str(project / "mine")]) == 1
    assert "was not written by deckgen" in capsys.readouterr().err
    assert (project / "mine" / "notes.txt").read_text() == "my own work"
    assert main(["build", str(project), "-o", str(project)]) == 1
    assert main(["build", str(project), "-o", str(project / "slides" / "out")]) == 1
    assert sorted(p.name for p in (project / "slides").iterdir()) == ["a.md"]
