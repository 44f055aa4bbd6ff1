"""`deckgen new NAME`: a starter deck in slides/NAME.md; `deckgen list`: every deck, counted as the build counts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from projects import make_project, snapshot

from deckgen.cli import main
from deckgen.commands.new import check_deck_name, default_title

DECKGEN = str(Path(sys.executable).with_name("deckgen"))  # the installed command


def deckgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DECKGEN, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


# -- deckgen new -------------------------------------------------------------------------------------------


def test_new_writes_a_starter_deck_that_builds(tmp_path: Path) -> None:
    project = make_project(tmp_path / "talks", {"slides/other.md": "# Other\n"})
    run = deckgen("new", "q3-review", "--title", 'Q3 "review" <draft>', cwd=project)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert run.stdout == ('created slides/q3-review.md ("Q3 \\"review\\" <draft>")\n'
                          "next: edit slides/q3-review.md; deckgen serve shows every save at once, deckgen build "
                          "writes the site\n")
    source = (project / "slides/q3-review.md").read_text(encoding="utf-8")
    assert source.startswith('---\ntitle: "Q3 \\"review\\" <draft>"\n')
    assert "# Q3 \"review\" &lt;draft&gt;\n" in source  # the heading is text, not HTML

    assert main(["build", str(project), "--strict", "--no-thumbnails"]) == 0
    page = (project / "build/q3-review/index.html").read_text(encoding="utf-8")
    assert "<title>Q3 &#34;review&#34; &lt;draft&gt;</title>" in page
    assert '<h1 id="q3-review-draft">Q3 &quot;review&quot; &lt;draft&gt;</h1>' in page
    assert page.count('<aside class="notes">') == 2  # speaker notes
    assert 'class="fragment"' in page  # fragments
    assert 'data-line-numbers="1-2|4"' in page and "language-python" in page  # code, step by step
    index = (project / "build/index.html").read_text(encoding="utf-8")
    assert "q3-review/index.html" in index and "other/index.html" in index


def test_new_in_another_project_folder_creates_slides(tmp_path: Path) -> None:
    (tmp_path / "talks").mkdir()
    run = deckgen("new", "intro", "talks", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        'created talks/slides/ and talks/slides/intro.md ("Intro")',
        "next: edit talks/slides/intro.md; deckgen serve talks shows every save at once, deckgen build talks "
        "writes the site",
    ]
    assert re.search(r"^title: \"Intro\"$", (tmp_path / "talks/slides/intro.md").read_text(), re.M)


@pytest.mark.parametrize("existing", ["slides/talk.md", "slides/talk/index.md", "slides/Talk.md"])
def test_new_never_replaces_a_deck(existing: str, tmp_path: Path) -> None:
    project = make_project(tmp_path, {existing: "# Mine\n"})
    before = snapshot(project)
    run = deckgen("new", "talk", cwd=project)
    assert run.returncode == 1 and run.stdout == ""
    if existing.endswith("index.md"):
        assert run.stderr == ("error: slides/talk/ is already a deck named 'talk': deckgen new replaces no deck; "
                              "choose another name\n")
    else:
        assert run.stderr == (f"error: {existing} already exists: deckgen new replaces no deck; choose another "
                              "name, or edit that one\n")
    assert snapshot(project) == before


def test_new_beside_a_folder_of_pictures_of_that_name(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/talk/photo.txt": "not a deck"})
    assert main(["new", "talk", str(project)]) == 0
    assert (project / "slides/talk.md").is_file()


@pytest.mark.parametrize(("name", "message"), [
    ("a/b", "deck name 'a/b' holds a path separator: give a plain name, e.g. `deckgen new talk` writes "
            "slides/talk.md (PROJECT_DIR, after it, names the project)"),
    ("..\\x", "deck name '..\\\\x' holds a path separator"),
    ("vendor", "deck name 'vendor' is reserved: build/vendor holds deckgen's own files; choose another name"),
    ("Static", "deck name 'Static' is reserved"),
    ("index.html", "deck name 'index.html' is reserved"),
    ("files.md", "deck name 'files' is reserved"),
    ("_outro", "deck name '_outro' starts with '_': files of slides/ whose name starts with _ are parts that decks "
               "include, with . hidden files; neither is built as a deck"),
    (".hidden", "deck name '.hidden' starts with '.'"),
    ("my talk", "deck name 'my talk' holds a space: a deck's name is part of its web address (NAME/index.html); "
                "try 'my-talk'"),
    ("what?", "deck name 'what?' holds '?'"),
])
def test_new_refuses_names_that_are_no_deck_names(
    name: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "slides").mkdir()
    assert main(["new", name, str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {message}") and err.count("\n") == 1
    assert list((tmp_path / "slides").iterdir()) == []


def test_deck_names_and_titles() -> None:
    assert check_deck_name("talk.md") == "talk"
    assert check_deck_name("2026-05-pycon") == "2026-05-pycon"
    assert default_title("my-first_talk") == "My first talk"


def test_new_refuses_a_title_of_several_lines_and_a_project_that_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "talk", str(tmp_path), "--title", "one\ntwo"]) == 1
    assert capsys.readouterr().err == "error: --title 'one\\ntwo': a title is one line of text\n"
    with pytest.raises(SystemExit) as exited:
        main(["new", "talk", str(tmp_path / "nope")])
    assert exited.value.code == 2
    assert f"deckgen new: error: {tmp_path / 'nope'} does not exist" in capsys.readouterr().err
    assert not (tmp_path / "nope").exists()


# -- deckgen list ------------------------------------------------------------------------------------------

PROJECT = {
    "deckgen.yml": "title: Talks\ndefaults:\n  author: Team\n",
    "slides/intro.md": "---\ntitle: Intro\ndescription: Where to start\ndate: 2026-05-01\n---\n# Intro\n\n---\n\n"
                       "## Two\n\n--\n\n## Two, below\n\n---\n\n<!-- .slide: data-visibility=\"hidden\" -->\n"
                       "## Hidden\n",
    "slides/tour/index.md": "# A tour\n\n---\n\n--8<-- \"../_shared/end.md\"\n",
    "slides/_shared/end.md": "## End\n\n---\n\n## Really the end\n",
    "slides/zeta.md": "---\nauthor: Zed\n---\nNo heading here.\n",
}


def test_list_shows_every_deck_with_the_counts_of_the_build(tmp_path: Path) -> None:
    project = make_project(tmp_path / "talks", PROJECT)
    run = deckgen("list", "talks", cwd=tmp_path)
    assert run.returncode == 0 and run.stderr == ""
    assert run.stdout.splitlines() == [
        "NAME   TITLE   SLIDES  SOURCE",
        "intro  Intro        3  talks/slides/intro.md",
        "tour   A tour       3  talks/slides/tour/index.md",
        "zeta   zeta         1  talks/slides/zeta.md",
    ]
    run = deckgen("list", "--json", cwd=project)
    assert run.returncode == 0 and run.stderr == ""
    listed = json.loads(run.stdout)
    assert listed == [
        {"name": "intro", "title": "Intro", "slides": 3, "path": "slides/intro.md",
         "description": "Where to start", "author": "Team", "date": "2026-05-01"},
        {"name": "tour", "title": "A tour", "slides": 3, "path": "slides/tour/index.md",
         "description": "", "author": "Team", "date": ""},
        {"name": "zeta", "title": "zeta", "slides": 1, "path": "slides/zeta.md",
         "description": "", "author": "Zed", "date": ""},
    ]
    # The same counts as the index of the build.
    assert main(["build", str(project), "--no-thumbnails"]) == 0
    index = (project / "build/index.html").read_text(encoding="utf-8")
    counts = re.findall(r'<span class="deck-count">(\d+) slides?</span>', index)
    assert [int(n) for n in counts] == [deck["slides"] for deck in listed]


def test_list_reports_broken_decks_and_lists_the_others(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/good.md": "# Good\n", "slides/bad.md": "---\ntheme: blakc\n---\n# x\n"})
    run = deckgen("list", str(project), "--json", cwd=tmp_path)
    assert run.returncode == 1
    assert [deck["name"] for deck in json.loads(run.stdout)] == ["good"]
    assert run.stderr.startswith("slides/bad.md:2: key 'theme': expected one of ")


def test_list_without_decks_and_without_a_project(tmp_path: Path) -> None:
    (tmp_path / "slides").mkdir()
    run = deckgen("list", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (0, "")
    assert run.stderr == "no decks in slides/ yet: `deckgen new NAME` writes one\n"
    assert json.loads(deckgen("list", "--json", cwd=tmp_path).stdout) == []
    (tmp_path / "slides").rmdir()
    run = deckgen("list", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr == (f"error: no slides/ folder in {tmp_path}: run `deckgen init` to start a project, or give "
                          "the project folder\n")
