"""The persistent render cache: each deck's rendered slides kept between builds in the user's cache folder, so a
build after a one-line edit renders one slide, and a build with nothing changed renders none (nor loads the
Markdown engine).

One JSON file per deck source (cache/render/<hash of its path>.json) maps each slide's source and options to its
rendered HTML; it is valid only for the same engine (deckgen's version, its dialect's code, and the installed markdown-it-py,
mdit-py-plugins, emoji and Pygments). Files are replaced atomically, so builds running at once never read
half a file; a file that cannot be read is ignored and removed; the folder is kept under MAX_BYTES by removing the
files used longest ago. JSON, not pickle: a cache file is data, never code.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from deckgen import __version__
from deckgen.assets.npm import cache_root, write_cache_file
from deckgen.dialect.render import RenderedSlide, SlideKey

log = logging.getLogger(__name__)

MAX_BYTES = 200 * 1024 * 1024


def folder() -> Path:
    """Where the rendered slides are kept."""
    return cache_root() / "render"


@lru_cache(maxsize=1)
def engine() -> str:
    """What a rendered slide depends on besides its source: the code and libraries that render it (each found
    without importing it: the stamp of its files is enough to tell a change)."""
    from importlib.util import find_spec

    parts = [__version__]
    for module in ("markdown_it", "mdit_py_plugins", "emoji", "pygments"):
        spec = find_spec(module)
        parts.append(f"{module}:{_stamp(Path(spec.origin))}" if spec and spec.origin else f"{module}:?")
    dialect = Path(__file__).parent
    for source in sorted(dialect.glob("*.py")):
        parts.append(f"{source.name}:{_stamp(source)}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _file(deck: Path) -> Path:
    return folder() / (hashlib.sha256(str(deck.resolve()).encode()).hexdigest()[:24] + ".json")


def load(deck: Path) -> dict[SlideKey, RenderedSlide]:
    """The slides kept for a deck source (empty when none, or when they were rendered by another engine)."""
    path = _file(deck)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("engine") != engine():
            return {}
        slides = {(m, n, bool(i)): _slide(record) for m, n, i, *record in data["slides"]}
        os.utime(path)  # used now: kept longest when the folder is pruned
        return slides
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, TypeError, KeyError) as exc:
        log.info("ignoring the render cache file %s (%s)", path, exc)
        with contextlib.suppress(OSError):  # an unusable cache folder: the slides are simply rendered
            path.unlink(missing_ok=True)
        return {}


def save(deck: Path, slides: dict[SlideKey, RenderedSlide]) -> None:
    """Keep a deck's rendered slides (those of its current version only) for the next build."""
    path = _file(deck)
    data = {"engine": engine(), "deck": str(deck),
            "slides": [[m, n, i, *_record(r)] for (m, n, i), r in slides.items()]}
    try:
        write_cache_file(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except OSError as exc:
        log.info("cannot keep rendered slides in %s (%s)", path.parent, exc.strerror or exc)


def prune(limit: int = MAX_BYTES) -> None:
    """Remove the files used longest ago until the folder holds at most limit bytes."""
    try:
        files = [(p.stat().st_mtime, p.stat().st_size, p) for p in folder().glob("*.json")]
    except OSError:
        return
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files):
        if total <= limit:
            return
        path.unlink(missing_ok=True)
        total -= size


def clear() -> int:
    """Remove every kept slide; return how many deck files were removed."""
    removed = 0
    for path in folder().glob("*.json"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def _record(slide: RenderedSlide) -> list[Any]:
    """A rendered slide as a list, its fields in order (lists encode and decode faster than objects)."""
    return [slide.attrs, slide.html, slide.notes_html, slide.has_math, sorted(slide.languages), slide.has_diagram,
            list(slide.problems), list(slide.repaired)]


def _slide(record: list[Any]) -> RenderedSlide:
    attrs, html, notes, math, languages, diagram, problems, repaired = record
    return RenderedSlide(dict(attrs), html, notes, bool(math), frozenset(languages), bool(diagram), tuple(problems),
                         tuple(repaired))
