"""The site kept up to date while the author edits: rebuild only what a change affects, say what changed."""

from __future__ import annotations

import hashlib
import html
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.config.options import SiteConfig, load_site_config
from deckgen.dialect.deck import Deck
from deckgen.dialect.parse import SplitDeck, render_decks, split_deck
from deckgen.errors import DeckgenError, ErrorGroup, sort_errors
from deckgen.site.decks import discover_decks
from deckgen.site.plan import Content, DeckOutput, SitePlanner, deck_pages

log = logging.getLogger(__name__)

LIVE_SCRIPT = "static/deckgen/live.js"
_CONFIG_KEY = Path("deckgen.yml")


@dataclass
class SlideEdit:
    """A slide whose HTML changed in place: its position in the deck's source structure and new HTML."""

    h: int
    v: int
    html: str


@dataclass
class PageChange:
    """A rewritten page; edits is None when the browser must reload it (its structure or head changed)."""

    path: str
    old_version: str | None
    new_version: str | None
    edits: list[SlideEdit] | None
    first: tuple[int, int] | None = None  # the first slide that differs, where the page should go


@dataclass
class Update:
    """What one rebuild did: pages and files rewritten, and the errors now standing."""

    pages: list[PageChange] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    errors: list[DeckgenError] = field(default_factory=list)


class LiveSite:
    """A built site in out that follows the project's sources, deck by deck."""

    def __init__(self, project: Path, out: Path, *, config_file: Path | None = None) -> None:
        self.project = project.resolve()
        self.out = out
        self.config_file = config_file
        self.site: SiteConfig | None = None
        self.planner: SitePlanner | None = None
        self.decks: dict[Path, Deck] = {}  # last good parse of each deck, by source path
        self.outputs: dict[str, DeckOutput] = {}  # last good output of each deck, by name
        self.errors: dict[Path, list[DeckgenError]] = {}
        self.names: dict[Path, str] = {}
        self._written: dict[str, str] = {}  # site path -> digest of what is on disk
        self._watched: set[Path] = set()
        self._digests: dict[str, str] = {}

    # -- what to watch ----------------------------------------------------------------------------------

    def watched_files(self) -> set[Path]:
        """Project files outside slides/, templates/ and static/ that decks use (they are watched too)."""
        return self._watched

    # -- rebuilding -------------------------------------------------------------------------------------

    def build_all(self) -> Update:
        """(Re)load the configuration and rebuild every deck; the last good pages stay on errors."""
        update = Update()
        try:
            site = load_site_config(self.project, self.config_file)
        except DeckgenError as exc:
            self.errors[_CONFIG_KEY] = _flatten(exc)
            update.errors = self.current_errors()
            return update
        self.errors.pop(_CONFIG_KEY, None)
        self.site = site
        self.planner = SitePlanner(self.project, site, live_script=LIVE_SCRIPT)
        self.decks.clear()
        return self._rebuild(self._discover(), update, full=True)

    def update(self, changed: set[Path]) -> Update:
        """Rebuild what the changed files affect."""
        changed = {p.resolve() for p in changed}
        if self.site is None or any(self._is_config(p) or self._under(p, "templates") for p in changed):
            return self.build_all()
        update = Update()
        sources = self._discover()
        if set(sources) != set(self.names):  # a deck was added, renamed or deleted
            return self._rebuild(sources, update, full=True)
        touched = {p for p in changed if p in sources}
        # A deck with errors is retried on any change: the file it missed may have appeared.
        touched |= {p for p in self.errors if p in sources}
        update.files += self._sync_static(changed)
        for path in touched:
            self.decks.pop(path, None)
        return self._rebuild(sources, update, full=False, only=touched, changed_files=changed)

    def current_errors(self) -> list[DeckgenError]:
        """Every standing error, sorted by file and line."""
        return sort_errors([e for group in self.errors.values() for e in group])

    # -- internals ----------------------------------------------------------------------------------------

    def _discover(self) -> dict[Path, str]:
        try:
            found = discover_decks(self.project, self.site.exclude if self.site else [])
        except DeckgenError as exc:
            self.errors[Path("slides")] = _flatten(exc)
            return {}
        self.errors.pop(Path("slides"), None)
        return {path.resolve(): name for name, path in found}

    def _rebuild(
        self, sources: dict[Path, str], update: Update, *, full: bool, only: set[Path] | None = None,
        changed_files: set[Path] | None = None,
    ) -> Update:
        assert self.site is not None and self.planner is not None
        removed = [self.names[p] for p in self.names if p not in sources]
        self.names = dict(sources)
        todo = [p for p in sources if full or p not in self.decks or (only and p in only)]
        split: list[SplitDeck] = []
        for path in todo:
            try:
                split.append(split_deck(sources[path], path, self.site))
                self.errors.pop(path, None)
            except DeckgenError as exc:
                self.errors[path] = _flatten(exc)
        rendered, problems = render_decks(split)
        for deck in rendered:
            self.decks[deck.path.resolve()] = deck
        for problem in problems:
            assert problem.location is not None
            self.errors.setdefault(Path(problem.location.path).resolve(), []).append(problem)
            self.decks.pop(Path(problem.location.path).resolve(), None)
        for path in [p for p in self.decks if p not in sources]:
            del self.decks[path]
        decks = [self.decks[p] for p in sources if p in self.decks]
        pages = deck_pages(decks)
        files: dict[str, Content] = {}
        replanned = {p for p in todo if p in self.decks} if not full else set(self.decks)
        for deck in decks:
            key = deck.path.resolve()
            if key not in replanned and deck.name in self.outputs:
                continue
            output = self.planner.deck_output(deck, pages)
            if output.errors:
                self.errors[key] = output.errors
                continue
            self.errors.pop(key, None)
            previous = self.outputs.get(deck.name)
            self.outputs[deck.name] = output
            files.update(output.files)
            page_path = f"{deck.name}/index.html"
            if self._content_changed(page_path, output.page):
                files[page_path] = output.page
                update.pages.append(_page_change(page_path, previous, output))
        for path, name in sources.items():
            if path not in self.decks and name not in self.outputs:
                files[f"{name}/index.html"] = _error_page(name)  # never built: a page that shows the overlay
        if changed_files:
            for output in self.outputs.values():
                for site_path, source in output.files.items():
                    if source.resolve() in changed_files:
                        files[site_path] = source
        for name in removed:
            self.outputs.pop(name, None)
            self._remove(name)
        index = self.planner.index_page(decks)
        if full or removed or self._content_changed("index.html", index):
            files["index.html"] = index
            files[".nojekyll"] = b""
        if full:
            files.update(self.planner.static_files())
        files.update(self.planner.vendor_files())
        written = self._write(files)
        update.files += [p for p in written if not p.endswith("index.html")]
        if "index.html" in written:
            update.pages.append(PageChange("index.html", None, None, None))
        update.errors = self.current_errors()
        self._watched = {source.resolve() for output in self.outputs.values() for source in output.files.values()}
        return update

    def _sync_static(self, changed: set[Path]) -> list[str]:
        assert self.planner is not None
        static = self.planner.static_files()
        wanted = {site: src for site, src in static.items() if isinstance(src, Path) and src.resolve() in changed}
        return self._write(wanted)

    def _content_changed(self, site_path: str, content: str) -> bool:
        digest = self._digests[site_path] = _digest(content)  # kept for _write: a page is hashed once
        return self._written.get(site_path) != digest

    def _write(self, files: dict[str, Content]) -> list[str]:
        """Write files that differ from what is on disk, each atomically (a page is never half-written)."""
        written = []
        for site_path, content in files.items():
            if isinstance(content, Path):
                # A project or package file: its path, size and time say whether it changed, unread.
                stat = content.stat()
                digest = f"{content}:{stat.st_size}:{stat.st_mtime_ns}"
                if self._written.get(site_path) == digest:
                    continue
                data = content.read_bytes()
            else:
                data = content.encode("utf-8") if isinstance(content, str) else content
                digest = self._digests.pop(site_path, None) or hashlib.sha1(data).hexdigest()
                if self._written.get(site_path) == digest:
                    continue
            target = self.out / site_path
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, target)
            self._written[site_path] = digest
            written.append(site_path)
        return written

    def _remove(self, name: str) -> None:
        shutil.rmtree(self.out / name, ignore_errors=True)
        for site_path in [p for p in self._written if p.startswith(name + "/")]:
            del self._written[site_path]

    def _is_config(self, path: Path) -> bool:
        config = (self.config_file or self.project / "deckgen.yml").resolve()
        return path == config

    def _under(self, path: Path, folder: str) -> bool:
        return path.is_relative_to(self.project / folder)


def _page_change(page_path: str, previous: DeckOutput | None, output: DeckOutput) -> PageChange:
    new_version = _version(output.page)
    if previous is None:
        return PageChange(page_path, None, new_version, None)
    old, new = previous.sections, output.sections
    first = _first_difference(old, new)
    if previous.shell != output.shell or [len(s) for s in old] != [len(s) for s in new]:
        return PageChange(page_path, _version(previous.page), new_version, None, first)
    edits = [
        SlideEdit(h, v, new[h][v])
        for h in range(len(new))
        for v in range(len(new[h]))
        if new[h][v] is not old[h][v] and new[h][v] != old[h][v]
    ]
    return PageChange(page_path, _version(previous.page), new_version, edits, first)


def _first_difference(old: list[list[str]], new: list[list[str]]) -> tuple[int, int] | None:
    """Position (in new) of the first slide that differs, comparing slides in reading order."""
    old_flat = [s for stack in old for s in stack]
    position = 0
    for h, stack in enumerate(new):
        for v, section in enumerate(stack):
            if position >= len(old_flat) or old_flat[position] != section:
                return (h, v)
            position += 1
    return None


def _version(page: str) -> str | None:
    marker = '<meta name="deckgen-page-version" content="'
    start = page.find(marker)
    if start < 0:
        return None
    start += len(marker)
    return page[start : page.index('"', start)]


def _digest(content: str) -> str:
    return hashlib.sha1(content.encode("utf-8")).hexdigest()


def _flatten(exc: DeckgenError) -> list[DeckgenError]:
    return list(exc.errors) if isinstance(exc, ErrorGroup) else [exc]


def _error_page(name: str) -> str:
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(name)}: build error</title>\n</head>\n<body>\n"
        f"<p>The deck {html.escape(name)} has an error; fix it and this page shows the deck.</p>\n"
        f'<script src="../{LIVE_SCRIPT}"></script>\n</body>\n</html>\n'
    )
