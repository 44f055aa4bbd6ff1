"""The persistent render cache: unchanged slides are taken from the user's cache, never rendered again; a damaged,
foreign or outdated cache is ignored; the cache stays bounded and can be turned off or cleared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from projects import make_project

from deckgen.commands.build import build
from deckgen.dialect import render, render_cache

DECK = "# One\n\n---\n\n## Two $x$\n\n- a\n- b\n\n---\n\n## Three\n\nNote: notes\n"


def private_cache(folder: Path) -> Path:
    """An empty cache folder of its own, sharing the npm packages already verified in the usual one."""
    from deckgen.assets.npm import cache_root

    folder.mkdir(parents=True, exist_ok=True)
    npm = cache_root() / "npm"
    if npm.is_dir() and not (folder / "npm").exists():
        (folder / "npm").symlink_to(npm)
    return folder


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = private_cache(tmp_path / "cache")
    monkeypatch.setenv("DECKGEN_CACHE_DIR", str(folder))
    render._CACHE.clear()
    return folder


def run_build(project: Path, cache: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """A build in a fresh process; -X importtime tells whether the Markdown engine was loaded at all."""
    env = {**os.environ, "DECKGEN_CACHE_DIR": str(private_cache(cache))}
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "deckgen", "build", str(project),
                           "--no-thumbnails", *extra], capture_output=True, text=True, env=env, timeout=120)


def engine_loaded(result: subprocess.CompletedProcess[str]) -> bool:
    return "markdown_it" in result.stderr


def test_a_second_build_renders_nothing_and_an_edit_renders_one_slide(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    project = make_project(tmp_path / "p", {"slides/talk.md": DECK})
    first = run_build(project, cache)
    assert first.returncode == 0 and engine_loaded(first)
    page = (project / "build" / "talk" / "index.html").read_bytes()
    second = run_build(project, cache)
    assert second.returncode == 0 and not engine_loaded(second)  # every slide came from the cache
    assert (project / "build" / "talk" / "index.html").read_bytes() == page
    (project / "slides" / "talk.md").write_text(DECK.replace("## Three", "## Three, edited"))
    third = run_build(project, cache)
    assert engine_loaded(third) and "Three, edited" in (project / "build/talk/index.html").read_text()
    assert not engine_loaded(run_build(project, cache))
    assert engine_loaded(run_build(project, cache, "--no-cache"))


def test_what_is_kept_is_exactly_what_rendering_gives(tmp_path: Path, cache: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": DECK})
    fresh = build(project, tmp_path / "out1").decks[0]
    kept = render_cache.load(project / "slides" / "talk.md")
    assert len(kept) == 3
    assert kept == {key: render.render_slide(*key) for key in kept}
    render._CACHE.clear()
    again = build(project, tmp_path / "out2").decks[0]
    assert [s.html for s in again.slides] == [s.html for s in fresh.slides]


def test_a_damaged_or_foreign_cache_file_is_ignored(tmp_path: Path, cache: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": DECK})
    build(project, tmp_path / "out")
    files = list((cache / "render").glob("*.json"))
    assert len(files) == 1
    files[0].write_text('{"engine": "x", "slides": [[')  # cut off
    assert render_cache.load(project / "slides" / "talk.md") == {}
    assert not files[0].exists()  # removed, made again by the next build
    build(project, tmp_path / "out2")
    data = json.loads(files[0].read_text())
    data["slides"][0][3]["h"] = "<p>tampered</p>"
    files[0].write_text(json.dumps(data))
    monkeypatch.setattr(render_cache, "engine", lambda: "another engine")  # deckgen or a library changed
    assert render_cache.load(project / "slides" / "talk.md") == {}


def test_the_cache_stays_bounded_and_can_be_cleared(tmp_path: Path, cache: Path) -> None:
    from deckgen.commands.cache import cache_command

    for number in range(5):
        project = make_project(tmp_path / f"p{number}", {"slides/talk.md": DECK + f"\n---\n\n# {number}\n"})
        build(project, tmp_path / f"out{number}")
        os.utime(next(iter(sorted((cache / "render").glob("*.json"), key=os.path.getmtime))), (1, 1))
    sizes = sorted(p.stat().st_size for p in (cache / "render").glob("*.json"))
    render_cache.prune(limit=sum(sizes[:3]) + 1)
    assert len(list((cache / "render").glob("*.json"))) <= 3
    summary = cache_command("clear")
    assert "cleared render/" in summary and not list((cache / "render").glob("*.json"))


def test_builds_running_at_once_share_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    projects = [make_project(tmp_path / f"p{i}", {"slides/talk.md": DECK * (i + 1)}) for i in range(3)]
    run_build(projects[0], cache)  # the packages are in place before the race
    env = {**os.environ, "DECKGEN_CACHE_DIR": str(cache)}
    running = [subprocess.Popen([sys.executable, "-m", "deckgen", "build", str(p), "-o", str(tmp_path / f"o{i}"),
                                 "--no-thumbnails"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for i, p in enumerate(projects * 2)]
    outcomes = [(proc.returncode, proc.communicate(timeout=120)[1].decode()) for proc in running]
    outcomes = [(proc.returncode, err) for proc, (_, err) in zip(running, outcomes, strict=True)]
    assert [status for status, _ in outcomes] == [0] * 6, outcomes
    assert len(list((cache / "render").glob("*.json"))) == 3
    assert not list((cache / "render").glob(".new-*"))
