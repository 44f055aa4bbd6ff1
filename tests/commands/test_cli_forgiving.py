"""A command line that forgives typos and explains: did-you-mean, each command's own usage, -v anywhere, paths
checked, a deck given where a project is expected, and an example at the end of every --help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from browser_helpers import private_cache
from projects import make_project

from deckgen.cli import _parser, main
from deckgen.errors import DeckgenError

DECKGEN = str(Path(sys.executable).with_name("deckgen"))  # the installed command
COMMANDS = ["build", "pdf", "serve", "init", "new", "list", "deploy", "cache", "import"]
NO_SLIDES = "no slides/ folder in {}: run `deckgen init` to start a project, or give the project folder"


def deckgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DECKGEN, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """What main prints for a command line argparse refuses (exit status 2)."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "talks", {"slides/talk.md": "# Talk\n\n---\n\n## Two\n",
                                             "slides/tour/index.md": "# Tour\n",
                                             "slides/_shared/end.md": "## End\n", "notes.txt": "x\n"})


# -- did you mean ------------------------------------------------------------------------------------------


def test_a_mistyped_command(tmp_path: Path) -> None:
    run = deckgen("biuld", cwd=tmp_path)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("usage: deckgen [-h]")
    assert run.stderr.endswith("deckgen: error: unknown command 'biuld'; did you mean 'build'?\n")
    run = deckgen("-v", "lsit", cwd=tmp_path)
    assert run.stderr.endswith("deckgen: error: unknown command 'lsit'; did you mean 'list'?\n")


def test_an_unknown_command_lists_them_or_says_the_command_comes_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = usage_error(["xyzzy"], capsys)
    assert err.endswith("deckgen: error: unknown command 'xyzzy'; the commands are build, pdf, serve, init, new, "
                        "list, deploy, cache, import\n")
    (tmp_path / "talk.md").write_text("# Talk\n")
    err = usage_error([str(tmp_path / "talk.md")], capsys)
    assert err.endswith(f"unknown command '{tmp_path}/talk.md': the command comes first, e.g. "
                        f"`deckgen serve {tmp_path}/talk.md` or `deckgen build {tmp_path}/talk.md`\n")


def test_a_mistyped_option_gets_the_commands_own_usage(tmp_path: Path) -> None:
    run = deckgen("build", "--strcit", cwd=tmp_path)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("usage: deckgen build [-h]")
    assert run.stderr.endswith("deckgen build: error: unknown option '--strcit'; did you mean '--strict'?\n")


@pytest.mark.parametrize(("argv", "message"), [
    (["serve", "--prot", "80"], "deckgen serve: error: unknown option '--prot'; did you mean '--port'?"),
    (["build", "--outptu=site"], "deckgen build: error: unknown option '--outptu'; did you mean '--output'?"),
    (["pdf", "--note"], None),  # an abbreviation argparse takes: no error
    (["list", "--jsno"], "deckgen list: error: unknown option '--jsno'; did you mean '--json'?"),
    (["build", "--zzz"], "deckgen build: error: unknown option '--zzz'; see `deckgen build --help`"),
    (["--strict", "build"], "deckgen build: error: option '--strict' goes after the command: deckgen build "
                            "--strict ..."),
    (["build", "a", "b"], "deckgen build: error: unexpected argument 'b'; see `deckgen build --help`"),
    (["cache", "infoo"], "deckgen cache: error: argument action: invalid choice: 'infoo' (choose from 'info', "
                         "'clear')"),
    (["--bogus"], "deckgen: error: unknown option '--bogus'; see `deckgen --help`"),
])
def test_option_errors(argv: list[str], message: str | None, capsys: pytest.CaptureFixture[str],
                       monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    if message is None:
        args, extras = _parser().parse_known_args(argv)
        assert extras == [] and args.notes
        return
    err = usage_error(argv, capsys)
    command = message.split(":")[0]
    assert err.startswith(f"usage: {command} ")  # the usage of the command that refused it
    assert err.endswith(message + "\n")


# -- -v before or after the command ------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["-v", "build"], ["build", "-v"], ["build", "--verbose"], ["--verbose", "build"]])
def test_verbose_before_or_after_the_command(argv: list[str], tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/bad.md": "---\ntheme: blakc\n---\n# x\n"})
    with pytest.raises(DeckgenError):  # -v: the exception goes up (a traceback), not a one-line error
        main([*argv, str(project)])
    assert main(["build", str(project)]) == 1


def test_verbose_before_the_command_shows_the_traceback(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/bad.md": "---\ntheme: blakc\n---\n# x\n"})
    run = deckgen("-v", "build", str(project), cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" in run.stderr
    run = deckgen("build", str(project), cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr


# -- --port, PROJECT_DIR -----------------------------------------------------------------------------------


@pytest.mark.parametrize("port", ["0", "65536", "-1", "http", "80.5"])
def test_port_must_be_a_port(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error(["serve", "--port", port], capsys)
    assert err.startswith("usage: deckgen serve")
    assert err.endswith(f"deckgen serve: error: argument --port: expected a port number from 1 to 65535, got "
                        f"'{port}'\n")


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, dict]]:
    """Replace deckgen serve by a recorder of its arguments."""
    calls: list[tuple[Path, dict]] = []

    def serve(project: Path, *, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
              poll: bool = False, config_file: Path | None = None, ready: object = None,
              profile: str | None = None, only_deck: str | None = None) -> int:
        calls.append((project, {"port": port, "only_deck": only_deck}))
        return 0

    monkeypatch.setattr("deckgen.commands.serve.serve", serve)
    return calls


def test_the_highest_port_is_a_port(project: Path, served: list) -> None:
    assert main(["serve", str(project), "--port", "65535"]) == 0
    assert served == [(project, {"port": 65535, "only_deck": None})]


@pytest.mark.parametrize("command", ["build", "serve", "pdf", "list", "deploy", "new"])
def test_a_project_dir_that_does_not_exist_or_is_a_file(
    command: str, project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    argv = [command, *(["talk"] if command in ("pdf", "new") else [])]
    err = usage_error([*argv, "nope"], capsys)
    assert err.startswith(f"usage: deckgen {command}")
    assert err.endswith(f"deckgen {command}: error: nope does not exist: give the project folder (the one that "
                        "holds slides/), or a deck's .md file\n")
    err = usage_error([*argv, "notes.txt"], capsys)
    assert err.endswith(f"deckgen {command}: error: notes.txt is a file, not a project folder: give the folder "
                        "that holds slides/, or a deck's .md file\n")


def test_a_markdown_file_outside_any_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "talk.md").write_text("# Talk\n")
    err = usage_error(["build", str(tmp_path / "talk.md")], capsys)
    assert err.endswith(f"deckgen build: error: {tmp_path}/talk.md is a Markdown file outside any project (no "
                        "folder above it holds slides/ with it inside, or a deckgen.yml): give the project folder; "
                        "run `deckgen init` to start a project, or give the project folder\n")


# -- a deck where a project is expected --------------------------------------------------------------------


@pytest.mark.parametrize("given", ["slides/talk.md", "slides/tour", "slides/tour/index.md", "slides/_shared/end.md",
                                   "slides", "slides/_shared"])
def test_build_a_deck_builds_its_project(given: str, project: Path, tmp_path: Path) -> None:
    run = deckgen("build", f"talks/{given}", "--no-thumbnails", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"built 2 decks into {project}/build (3 slides)\n"
    assert (project / "build/talk/index.html").is_file() and (project / "build/tour/index.html").is_file()


def test_a_project_found_by_its_deckgen_yml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path, {"deckgen.yml": "title: T\n", "drafts/idea.md": "# Idea\n",
                                      "slides/talk.md": "# Talk\n"})
    assert main(["build", str(project / "drafts/idea.md"), "--no-thumbnails"]) == 0
    assert capsys.readouterr().out == f"built 1 deck into {project}/build (1 slide)\n"


def test_serve_a_deck_serves_its_project(project: Path, served: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project / "slides")
    assert main(["serve", "talk.md"]) == 0
    assert served == [(project, {"port": 8000, "only_deck": "talk"})]  # the project of the deck, at its page


def test_serve_passes_the_deck(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def serve(project: Path, *, only_deck: str | None = None, **options: object) -> int:
        calls.append((project, only_deck))
        return 0

    monkeypatch.setattr("deckgen.commands.serve.serve", serve)
    assert main(["serve", str(project / "slides/tour/index.md")]) == 0
    assert main(["serve", str(project)]) == 0
    assert calls == [(project, "tour"), (project, None)]


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, str | None]]:
    """Replace the PDF export by a recorder of the project and deck it is given."""
    calls: list[tuple[Path, str | None]] = []

    def export_pdf(project: Path, deck: str | None = None, output: Path | None = None, **options: object) -> list:
        calls.append((project, deck))
        return []

    monkeypatch.setattr("deckgen.commands.pdf.export_pdf", export_pdf)
    return calls


def test_pdf_takes_a_project_folder_or_a_deck_from_anywhere(
    project: Path, tmp_path: Path, printed: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["pdf", "talks"]) == 0  # a project folder: every deck of it
    assert main(["pdf", "talks/slides/talk.md"]) == 0  # a deck's file: its project
    assert main(["pdf", "talks/slides/tour"]) == 0  # a deck's folder: its project
    assert main(["pdf", "talk", "talks"]) == 0  # a deck's name, then the project: as before
    monkeypatch.chdir(project)
    assert main(["pdf", "talk"]) == 0
    assert main(["pdf"]) == 0
    assert printed == [(Path("talks"), None), (project, "talks/slides/talk.md"), (project, "talks/slides/tour"),
                       (Path("talks"), "talk"), (Path("."), "talk"), (Path("."), None)]


@pytest.mark.browser
def test_pdf_of_a_project_folder_prints_every_deck(
    project: Path, tmp_path: Path, chromium_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_cache(tmp_path, monkeypatch)
    out = tmp_path / "out"
    out.mkdir()
    run = deckgen("pdf", str(project), cwd=out)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "wrote talk.pdf (2 pages)\nwrote tour.pdf (1 page)\n"
    assert sorted(p.name for p in out.iterdir()) == ["talk.pdf", "tour.pdf"]


# -- no slides/, no decks ----------------------------------------------------------------------------------


def test_build_without_slides_suggests_init(tmp_path: Path) -> None:
    run = deckgen("build", cwd=tmp_path)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr == f"error: {NO_SLIDES.format(tmp_path)}\n"
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize("argv", [["serve"], ["pdf"], ["pdf", "talk"], ["deploy"]])
def test_other_commands_without_slides_suggest_init(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    assert capsys.readouterr().err == f"error: {NO_SLIDES.format(tmp_path)}\n"


def test_build_with_an_empty_slides_folder_warns(tmp_path: Path) -> None:
    (tmp_path / "slides" / "_shared").mkdir(parents=True)  # parts only: no deck
    run = deckgen("build", "--no-thumbnails", cwd=tmp_path)
    assert run.returncode == 0
    assert run.stderr == ("warning: no decks in slides/ yet: `deckgen new NAME` writes one (decks are "
                          "slides/NAME.md and slides/NAME/index.md)\n")
    assert run.stdout == f"built 0 decks into {tmp_path}/build (0 slides)\n"
    assert (tmp_path / "build/index.html").is_file()


# -- help --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_help_ends_with_an_example(command: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"] if command else ["--help"])
    assert exited.value.code == 0
    lines = capsys.readouterr().out.rstrip().splitlines()
    examples = lines.index("examples:")
    assert examples > 0 and lines[examples - 1] == ""
    assert all(line.startswith(f"  deckgen {command or ''}") for line in lines[examples + 1:]), lines
    assert len(lines) - examples - 1 >= 2


def test_help_through_the_installed_command(tmp_path: Path) -> None:
    run = deckgen("pdf", "--help", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout.startswith("usage: deckgen pdf")
    assert run.stdout.rstrip().endswith("every deck of the project talks/, into pdfs/")
    assert sorted(_parser().commands) == sorted(COMMANDS)  # type: ignore[attr-defined]
