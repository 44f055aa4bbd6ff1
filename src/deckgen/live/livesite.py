"""The site kept up to date while the author edits: rebuild only what a change affects, say what changed.

Nothing the author can do stops it: every failure (a deck, deckgen.yml, a template, a referenced file, a package of
assets, even a bug of deckgen's) becomes an error with a file and, where known, a line, standing until the source is
fixed, while the last good pages stay. Its memory follows the site, not the session: the caches keyed by slide
content (rendered slides, planned sections) keep only what the current decks use.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import shutil
import tempfile
import threading
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.assets.vendor import VendorSet
from deckgen.config.options import SiteConfig, check_profile, load_site_config, settings_files
from deckgen.dialect import render as slide_render
from deckgen.dialect.deck import Deck
from deckgen.dialect.parse import SplitDeck, render_decks, split_deck
from deckgen.errors import DeckgenError, ErrorGroup, Location, sort_errors
from deckgen.site.decks import discover_decks
from deckgen.site.defaults import layered_files
from deckgen.site.plan import Content, DeckOutput, SitePlanner, deck_pages

log = logging.getLogger(__name__)

LIVE_SCRIPT = "static/deckgen/live.js"
# Keys of the errors that belong to no deck (deck errors are keyed by the deck's resolved source path).
_CONFIG_KEY = Path("deckgen.yml")
_PROFILE_KEY = Path("--profile")  # where an unknown --profile is kept among the errors
_SLIDES_KEY = Path("slides")
_INDEX_KEY = Path("index.html")
_SITE_KEY = Path(".site")  # an unexpected failure of a whole rebuild
_TEMPLATE_SUFFIXES = (".html", ".htm", ".j2", ".jinja", ".jinja2", ".xml", ".txt")


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

    def __init__(self, project: Path, out: Path, *, config_file: Path | None = None,
                 profile: str | None = None) -> None:
        self.project = project.resolve()
        self.out = out
        self.config_file = config_file
        self.profile = profile
        self.site: SiteConfig | None = None
        self.planner: SitePlanner | None = None
        self.decks: dict[Path, Deck] = {}  # last good parse of each deck, by source path
        self.outputs: dict[str, DeckOutput] = {}  # last good output of each deck, by name
        self.errors: dict[Path, list[DeckgenError]] = {}
        self.names: dict[Path, str] = {}
        self._written: dict[str, str] = {}  # site path -> digest of what is on disk
        self._write_errors: dict[str, DeckgenError] = {}  # site path -> why it could not be written
        self._watched: set[Path] = set()
        self._digests: dict[str, str] = {}
        self._stale = False  # a rebuild failed unexpectedly: the next one starts from scratch
        self._splits: dict[Path, SplitDeck] = {}  # the last split of each deck: what the render cache must keep
        self._caches = _CacheKeeper()
        self._io = threading.Lock()  # held while writing into out; close() waits for it
        self._closed = False

    # -- what to watch ----------------------------------------------------------------------------------

    def watched_files(self) -> set[Path]:
        """Project files outside slides/, templates/ and static/ that decks use, and the configuration file."""
        return self._watched

    def config_path(self) -> Path:
        """The configuration file: --config, else PROJECT/deckgen.yml."""
        return (self.config_file or self.project / "deckgen.yml").resolve()

    def config_paths(self) -> set[Path]:
        """The configuration file and other tools' settings files (read when they exist)."""
        return {self.config_path(), *(p.resolve() for p in settings_files(self.project))}

    # -- rebuilding -------------------------------------------------------------------------------------

    def build_all(self) -> Update:
        """(Re)load the configuration and rebuild every deck; the last good pages stay on errors. Never raises."""
        try:
            return self._build_all()
        except Exception as exc:  # a bug must not stop the preview: say so on the page, start afresh next time
            return self._failed(exc)

    def update(self, changed: set[Path]) -> Update:
        """Rebuild what the changed files affect. Never raises (but KeyboardInterrupt)."""
        try:
            return self._update(changed)
        except Exception as exc:
            return self._failed(exc)

    def close(self) -> None:
        """Write nothing more into out (a rebuild still running finds it closed): out can be removed now."""
        with self._io:
            self._closed = True

    def current_errors(self) -> list[DeckgenError]:
        """Every standing error, sorted by file and line, each once."""
        unique: dict[tuple[str, str], DeckgenError] = {}
        for group in [*self.errors.values(), list(self._write_errors.values())]:
            for error in group:
                unique.setdefault((str(error.location or ""), error.message), error)
        return sort_errors(list(unique.values()))

    # -- internals ----------------------------------------------------------------------------------------

    def _build_all(self) -> Update:
        update = Update()
        self._watched = self.config_paths()
        try:
            site = load_site_config(self.project, self.config_file, profile=self.profile)
        except DeckgenError as exc:
            self.errors[_CONFIG_KEY] = _located(_flatten(exc), Location(self.config_path()))
            self._placeholders(update)
            update.errors = self.current_errors()
            return update
        self.errors.pop(_CONFIG_KEY, None)
        self.errors.pop(_SITE_KEY, None)
        self._stale = False
        for site_path in [p for p in self._write_errors if p.startswith("vendor/")]:
            del self._write_errors[site_path]  # requested again (or not) by the decks planned now
        self.site = site
        self.planner = SitePlanner(self.project, site, live_script=LIVE_SCRIPT)
        self.decks.clear()
        return self._rebuild(self._discover(), update, full=True)

    def _update(self, changed: set[Path]) -> Update:
        changed = {p.resolve() for p in changed}
        if (
            self._stale
            or self.site is None
            or self.project in changed  # the watcher lost the project for a while: anything may have changed
            # static/deckgen/: the pages carry deckgen's small files, or the project's files of those names, inline
            or any(self._is_config(p) or self._under(p, "templates") or self._under(p, "static/deckgen")
                   for p in changed)
        ):
            return self._build_all()
        update = Update()
        sources = self._discover()
        if set(sources) != set(self.names):  # a deck was added, renamed or deleted
            return self._rebuild(sources, update, full=True)
        touched = {p for p in changed if p in sources}
        # A part a deck includes (--8<-- "part.md"): the decks that include it.
        touched |= {p for p, deck in self.decks.items() if p in sources and not deck.parts.isdisjoint(changed)}
        # A deck with errors is retried on any change: the file it missed may have appeared.
        touched |= {p for p in self.errors if p in sources}
        if any(self._under(p, "static") for p in changed):
            update.files += self._sync_static(changed)
        for path in touched:
            self.decks.pop(path, None)
        return self._rebuild(sources, update, full=False, only=touched, changed_files=changed)

    def _failed(self, exc: Exception) -> Update:
        self.errors[_SITE_KEY] = [_unexpected(exc, Location(self.project))]
        self._stale = True
        self._digests.clear()
        return Update(errors=self.current_errors())

    def _discover(self) -> dict[Path, str]:
        try:
            found = discover_decks(self.project, self.site.exclude if self.site else [])
        except DeckgenError as exc:
            self.errors[_SLIDES_KEY] = _located(_flatten(exc), Location(self.project / "slides"))
            return {}
        self.errors.pop(_SLIDES_KEY, None)
        return {path.resolve(): name for name, path in found}

    def _rebuild(
        self, sources: dict[Path, str], update: Update, *, full: bool, only: set[Path] | None = None,
        changed_files: set[Path] | None = None,
    ) -> Update:
        assert self.site is not None and self.planner is not None
        removed = [self.names[p] for p in self.names if p not in sources]
        self.names = dict(sources)
        for path in [p for p in self.errors if p.is_absolute() and p not in sources]:
            del self.errors[path]  # a deleted deck's errors leave with it
        todo = [p for p in sources if full or p not in self.decks or (only and p in only)]
        split: list[SplitDeck] = []
        for path in todo:
            try:
                split.append(split_deck(sources[path], path, self.site))
                self.errors.pop(path, None)
            except DeckgenError as exc:
                self.errors[path] = _located(_flatten(exc), Location(path))
            except Exception as exc:
                self.errors[path] = [_unexpected(exc, Location(path))]
        if full:  # an unknown --profile: the overlay says so, the decks show without it
            try:
                check_profile(self.site, [set(deck.options.profiles) for deck in split])
                self.errors.pop(_PROFILE_KEY, None)
            except DeckgenError as exc:
                self.errors[_PROFILE_KEY] = _flatten(exc)
        rendered, problems = self._render(split)
        self._splits.update((deck.source.path.resolve(), deck) for deck in split)
        for path in [p for p in self._splits if p not in sources]:
            del self._splits[path]
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
            output = self._deck_output(deck, pages, files)
            if output is None:
                continue
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
        for name in sources.values():
            if name not in self.outputs:  # never built (its source or its page failed): a page with the overlay
                files[f"{name}/index.html"] = _error_page(name)
        if changed_files:
            for output in self.outputs.values():
                for site_path, source in output.files.items():
                    if source.resolve() in changed_files:
                        files[site_path] = source
        for name in removed:
            self.outputs.pop(name, None)
            self.planner.forget(name)
            self._remove(name)
        index = self._index_page(decks)
        if index is None:
            if "index.html" not in self._written:
                files["index.html"] = _error_page(None)
        elif full or removed or self._content_changed("index.html", index):
            files["index.html"] = index
            files[".nojekyll"] = b""
        if full:
            files.update(self.planner.static_files())
        if self._write_errors:
            self._retry_writes(files)
        written = self._write(files)
        update.files += [p for p in written if not p.endswith("index.html")]
        if "index.html" in written:
            update.pages.append(PageChange("index.html", None, None, None))
        update.errors = self.current_errors()
        self._watched = {source.resolve() for output in self.outputs.values() for source in output.files.values()}
        self._watched.update(part for deck in self.decks.values() for part in deck.parts)
        self._watched.update(self.config_paths())
        self._digests.clear()  # only for the pages written just now
        self._caches.sweep_rendered(self._splits.values())
        return update

    def _render(self, split: list[SplitDeck]) -> tuple[list[Deck], list[DeckgenError]]:
        """Render the split decks; a deck whose rendering fails unexpectedly gets the error, the others render."""
        try:
            rendered, problems = render_decks(split)
            return rendered, list(problems)
        except Exception:
            if len(split) == 1:
                return [], [_unexpected_in_deck(split[0])]
        rendered, problems = [], []
        for deck in split:
            try:
                one, trouble = render_decks([deck])
            except Exception:
                problems.append(_unexpected_in_deck(deck))
                continue
            rendered += one
            problems += trouble
        return rendered, problems

    def _deck_output(self, deck: Deck, pages: dict[Path, str], files: dict[str, Content]) -> DeckOutput | None:
        """The deck's page, with the vendor files it asks for added to files; None (and its errors) on failure."""
        assert self.planner is not None
        key = deck.path.resolve()
        try:
            output = self.planner.deck_output(deck, pages)
            # Fetched now, deck by deck, so that a package that cannot be had is blamed on the deck that wants it.
            files.update(self.planner.vendor_files())
            return output
        except DeckgenError as exc:  # a template, a package of assets: the last good page stays
            self.errors[key] = _located(_flatten(exc), _asset_user(deck, exc))
        except Exception as exc:
            self.errors[key] = [_unexpected(exc, Location(deck.path))]
        # The vendor set keeps every request: start a clean one so that the next deck is not blamed too. The files
        # requested so far are on disk already (or in files), and every page asks again when it is replanned.
        self.planner.vendor = VendorSet(project_dir=self.project)
        return None

    def _retry_writes(self, files: dict[str, Content]) -> None:
        """Files that could not be written: again if the site still uses them, else their errors go."""
        assert self.planner is not None
        wanted: dict[str, Content] = {site: src for output in self.outputs.values() for site, src in output.files.items()}
        wanted.update(self.planner.static_files())
        for site_path in list(self._write_errors):
            if site_path in files or site_path.endswith("index.html"):  # a page: written again when it changes
                continue
            if site_path in wanted:
                files[site_path] = wanted[site_path]
            elif not site_path.startswith("vendor/"):
                del self._write_errors[site_path]

    def _index_page(self, decks: list[Deck]) -> str | None:
        assert self.planner is not None
        try:
            index = self.planner.index_page(decks)
        except DeckgenError as exc:
            self.errors[_INDEX_KEY] = _located(_flatten(exc), Location(self.project / "templates" / "index.html"))
            return None
        except Exception as exc:
            self.errors[_INDEX_KEY] = [_unexpected(exc, Location(self.project / "templates" / "index.html"))]
            return None
        self.errors.pop(_INDEX_KEY, None)
        return index

    def _placeholders(self, update: Update) -> None:
        """Without a configuration, pages that say so (their script shows the error, then reloads when fixed)."""
        if not self.names:
            try:
                found = discover_decks(self.project, [])
            except DeckgenError:
                found = []
            self.names = {path.resolve(): name for name, path in found}
        files: dict[str, Content] = {f"static/{rel}": path for rel, path in layered_files(self.project, "static").items()}
        if "index.html" not in self._written:
            files["index.html"] = _error_page(None)
        for name in self.names.values():
            if f"{name}/index.html" not in self._written:
                files[f"{name}/index.html"] = _error_page(name)
        self._write(files)

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
        with self._io:
            return [] if self._closed else self._write_unlocked(files)

    def _write_unlocked(self, files: dict[str, Content]) -> list[str]:
        written = []
        for site_path, content in files.items():
            try:
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
            except OSError as exc:  # a file deleted meanwhile, a full disk: say so, retry when it changes again
                where = Location(content) if isinstance(content, Path) else Location(self.out / site_path)
                self._write_errors[site_path] = DeckgenError(
                    f"cannot copy this file into the preview ({exc.strerror or exc})", where
                )
                continue
            self._write_errors.pop(site_path, None)
            self._written[site_path] = digest
            written.append(site_path)
        return written

    def _remove(self, name: str) -> None:
        with self._io:
            if not self._closed:
                shutil.rmtree(self.out / name, ignore_errors=True)
        for site_path in [p for p in self._written if p.startswith(name + "/")]:
            del self._written[site_path]
        for site_path in [p for p in self._write_errors if p.startswith(name + "/")]:
            del self._write_errors[site_path]

    def _is_config(self, path: Path) -> bool:
        return path in self.config_paths()

    def _under(self, path: Path, folder: str) -> bool:
        return path.is_relative_to(self.project / folder)


class _CacheKeeper:
    """Keeps the rendered slides this process remembers (the dialect's cache, keyed by slide content) to what the
    current decks use, plus some slack: every edit adds an entry (the slide as it is now) and leaves one unused (as
    it was); once the cache holds more than its decks use plus the slack, one pass drops the unused ones. (The
    planner keeps each deck's sections of its current slides only.)
    """

    def __init__(self) -> None:
        self.render_limit = 0

    def sweep_rendered(self, splits: Iterable[SplitDeck]) -> None:
        if slide_render.kept_count() <= self.render_limit:
            return
        slide_render.keep_only({key for split in splits for key in split.slide_keys()})
        self.render_limit = _limit(slide_render.kept_count())


def _limit(live: int) -> int:
    return live + max(16, live // 16)


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


def _located(errors: list[DeckgenError], where: Location) -> list[DeckgenError]:
    """Errors with a place: those that have none (a package of assets, say) are put at where."""
    return [e if e.location is not None else DeckgenError(e.message, where) for e in errors]


def _asset_user(deck: Deck, exc: DeckgenError) -> Location:
    """Where a deck asks for the package an error is about: its first slide with math, a diagram or code, or its
    theme; the deck file when that cannot be told."""
    message = exc.message.lower()
    needs = [
        ("katex", lambda slide: slide.has_math),
        ("mermaid", lambda slide: slide.has_diagram),
        ("highlight", lambda slide: bool(slide.languages)),
    ]
    for package, uses in needs:
        if package in message:
            for slide in deck.slides:
                if uses(slide):
                    return Location(slide.path or deck.path, slide.line)
    if "fontsource" in message or "theme" in message:
        where = deck.options.locations.get("theme")
        if where is not None:
            return where
    return Location(deck.path)


def _unexpected(exc: BaseException, where: Location) -> DeckgenError:
    """A failure that is no user error (a bug): placed at the template line it happened on, else at where."""
    log.info("unexpected error while building the preview", exc_info=exc)  # the traceback with -v
    for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        filename = frame.f_code.co_filename
        if filename.endswith(_TEMPLATE_SUFFIXES) and os.path.isfile(filename):
            where = Location(filename, line)  # jinja2 puts template frames at the template's own lines
            break
    text = str(exc) or type(exc).__name__
    return DeckgenError(f"unexpected error ({type(exc).__name__}: {text}); deckgen serve -v shows the traceback",
                        where)


def _unexpected_in_deck(deck: SplitDeck) -> DeckgenError:
    """The error of a deck whose rendering failed unexpectedly, at its first slide that fails."""
    texts = [text for stack in deck.texts for text in stack]
    for text, key in zip(texts, deck.slide_keys(), strict=False):
        try:
            slide_render.render_many([key])
        except Exception as exc:
            return _unexpected(exc, deck.expanded.origin(text.line))
    try:
        render_decks([deck])
    except Exception as exc:
        return _unexpected(exc, Location(deck.source.path))
    return DeckgenError("this deck failed to render once; save it again", Location(deck.source.path))


def _error_page(name: str | None) -> str:
    """A page for a deck (or the index, name None) that has never built: its script shows why, then reloads."""
    what = f"The deck {html.escape(name)} has" if name else "This project has"
    up = "../" if name else ""
    title = html.escape(name) if name else "deckgen"
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{title}: build error</title>\n</head>\n<body>\n"
        f"<p>{what} an error; fix it and this page shows the {'deck' if name else 'site'}.</p>\n"
        f'<script src="{up}{LIVE_SCRIPT}"></script>\n</body>\n</html>\n'
    )
