"""Plan the site's files from parsed decks: deck pages, the index, referenced files, vendor and static files."""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.assets.vendor import VendorSet
from deckgen.config.options import SiteConfig
from deckgen.config.textfile import read_source
from deckgen.dialect.deck import Deck, Slide
from deckgen.errors import DeckgenError, Location, warn_once
from deckgen.site.defaults import defaults_dir, layered_file, layered_files
from deckgen.site.pages import DeckPage, render_deck, render_index, section_html, slides_html, template_environment
from deckgen.site.references import LineFinder, SiteFiles, may_name_files

log = logging.getLogger(__name__)
Content = bytes | str | Path
_VERSION_MARK = "__deckgen_page_version__"  # written by templates/deck.html in live mode
_SLIDES_MARK = "<!--deckgen:slides-->"
INLINE_BYTES = 32 * 1024  # a file of deckgen's or of a pinned package up to this size goes into the deck's page


@dataclass
class DeckOutput:
    """A deck's page and the project files it needs; sections kept for the live preview's slide diff."""

    page: str
    sections: list[list[str]]
    shell: str  # the page with the slides left out: when it changes, the browser reloads the page
    files: dict[str, Path]
    errors: list[DeckgenError] = field(default_factory=list)


class SitePlanner:
    """Turn decks into site files; remembers each slide's final HTML so an edit re-renders only what changed."""

    def __init__(self, project: Path, site: SiteConfig, *, live_script: str | None = None) -> None:
        self.project = project
        self.site = site
        self.live_script = live_script
        self.env = template_environment(project)
        self.vendor = VendorSet(project_dir=project)
        # Each deck's sections, as last planned (final HTML, files used), by what they depend on: an edit re-renders
        # only the slides that changed, and a deck keeps the sections of its current slides only.
        self._sections: dict[str, dict[tuple, tuple[str, dict[str, Path]]]] = {}
        self._inline_cache: dict[str, str | None] = {}  # URL of a style or script -> its text to inline, or None

    def deck_output(self, deck: Deck, deck_pages: dict[Path, str]) -> DeckOutput:
        """Render one deck's page; errors (missing files) are returned, not raised."""
        refs = SiteFiles(self.project, deck_pages=deck_pages)
        page = self._deck_page(deck, refs)
        previous, current = self._sections.get(deck.name, {}), {}
        sections = [[self._section(deck, slide, refs, previous, current) for slide in stack] for stack in deck.stacks]
        self._sections[deck.name] = current
        body = slides_html(sections)
        shell = render_deck(self.env, deck, page, _SLIDES_MARK, live_script=self.live_script)
        version = hashlib.sha1((shell + body).encode()).hexdigest()[:16]
        html = shell.replace(_SLIDES_MARK, body, 1).replace(_VERSION_MARK, version)
        return DeckOutput(html, sections, shell, dict(refs.files), list(refs.errors))

    def index_page(
        self, decks: list[Deck], *, pictures: dict[str, str] | None = None, pdfs: dict[str, str] | None = None
    ) -> str:
        """The site's index page; pictures and pdfs map deck names to the URLs of their thumbnail and PDF."""
        site = {"title": self.site.title, "description": self.site.description, "profile": self.site.profile}
        return render_index(self.env, site, decks, live_script=self.live_script, pictures=pictures, pdfs=pdfs)

    def static_files(self) -> dict[str, Content]:
        """static/ of deckgen and of the project, the project's files winning."""
        files = layered_files(self.project, "static")
        own = defaults_dir() / "static"
        for rel, path in files.items():
            if not (rel.startswith("deckgen/") and rel.endswith(".js")) or path.is_relative_to(own):
                continue
            deckgens = own / rel
            if deckgens.is_file() and deckgens.read_bytes() != path.read_bytes():
                warn_once(log, Location(path), f"static/{rel} replaces deckgen's own script of that name: decks "
                          "may break when deckgen changes it; give your script another name")
        return {f"static/{rel}": path for rel, path in files.items()}

    def vendor_files(self) -> dict[str, Content]:
        """The third-party files requested by the decks planned so far."""
        return dict(self.vendor.files())

    def forget(self, name: str) -> None:
        """Drop what is kept of a deck that is gone."""
        self._sections.pop(name, None)

    def _section(self, deck: Deck, slide: Slide, refs: SiteFiles, previous: dict, current: dict) -> str:
        key = (slide.path, slide.html, slide.notes_html, tuple(slide.attrs.items()))
        cached = current.get(key) or previous.get(key)
        if cached is not None:
            current[key] = cached
            refs.files.update(cached[1])
            return cached[0]
        html = section_html(slide)
        if not may_name_files(html):  # most slides: nothing to look up or rewrite
            current[key] = (html, {})
            return html
        deck_files, errors_before = refs.files, len(refs.errors)
        refs.files = {}  # collect the files this slide uses, to restore them with the cached HTML
        try:
            if slide.path is None:
                locate = LineFinder(deck.path, deck.source_lines, deck.first_line, slide.line)
            else:  # a slide of an included part: its files and errors are the part's
                locate = LineFinder(slide.path, _lines_of(slide.path, slide.path.stat().st_mtime_ns), 1, slide.line)
            html = refs.rewrite_html(html, (slide.path or deck.path).parent, locate)
            used = refs.files
        finally:
            refs.files = deck_files
        deck_files.update(used)
        if len(refs.errors) == errors_before:
            current[key] = (html, used)
        return html

    def _deck_page(self, deck: Deck, refs: SiteFiles) -> DeckPage:
        options, vendor, up = deck.options, self.vendor, "../"
        core = vendor.reveal()
        styles = [up + url for url in core if url.endswith(".css")]
        scripts = [up + url for url in core if url.endswith(".js")]
        theme_index = len(styles) + 1
        if options.theme.endswith(".css"):
            styles.append(self._project_asset(options.theme, deck, refs, "theme", kind="css"))
        else:
            styles.append(up + vendor.theme(options.theme))
        if options.highlightTheme.endswith(".css"):
            styles.append(self._project_asset(options.highlightTheme, deck, refs, "highlightTheme", kind="css"))
        else:
            styles.append(up + vendor.highlight_theme(options.highlightTheme))
        styles.append(up + "static/deckgen/deck.css")  # tables, task lists, footnotes, alerts, diagrams
        plugins = ["DeckgenHighlight"]
        # Not needed for the first frame: loaded once the deck is shown, then registered with reveal.js.
        later = [(up + vendor.plugin(name), f"Reveal{name.title()}") for name in ("notes", "zoom", "search")]
        if deck.languages:  # code that was not coloured at build time (a language Pygments does not know)
            scripts += [up + url for url in vendor.highlight(deck.languages)]
        scripts.append(up + "static/deckgen/highlight.js")
        if deck.has_math:
            css, js = vendor.katex()
            styles += [up + url for url in css]
            scripts += [up + url for url in js]
            scripts.append(up + "static/deckgen/math.js")
            plugins.append("DeckgenMath")
        if deck.has_diagram:
            scripts += [up + vendor.mermaid(), up + "static/deckgen/mermaid.js"]
            plugins.append("DeckgenMermaid")
        inline = self._inlined([*styles, *scripts], theme=styles[theme_index - 1])  # before the project's own
        styles += [url for v in options.css if (url := self._project_asset(v, deck, refs, "css", kind="css"))]
        scripts += [url for v in options.scripts if (url := self._project_asset(v, deck, refs, "scripts", kind="js"))]
        reveal = {"hash": True, **options.reveal}
        return DeckPage(styles, theme_index, scripts, plugins, reveal, later, inline)

    def _inlined(self, urls: list[str], *, theme: str) -> dict[str, str]:
        """The text of each small file among urls that is deckgen's own (static/deckgen/) or a pinned package's
        and uses no other file: it goes into the page, which then loads it without a request. Kept for the
        planner's life (the live site makes a new planner when static/deckgen/ changes)."""
        found: dict[str, str] = {}
        for url in urls:
            if url not in self._inline_cache:
                source = self._inline_source(url[len("../") :]) if url.startswith("../") and url != theme else None
                self._inline_cache[url] = self._inline_text(source, script=url.endswith(".js")) if source else None
            text = self._inline_cache[url]
            if text is not None:
                found[url] = text
        return found

    def _inline_source(self, site_path: str) -> Path | None:
        if site_path.startswith("static/deckgen/"):  # the project's file of that name wins, as in static_files
            return layered_file(self.project, "static", site_path[len("static/") :])
        return self.vendor.source(site_path) if site_path.startswith("vendor/") else None

    def _inline_text(self, source: Path, *, script: bool) -> str | None:
        """The file's text if it may go into the page: small, and free of what would end its element early or
        of URLs that resolve from the file's own place."""
        if source.stat().st_size > INLINE_BYTES:
            return None
        text = source.read_text(encoding="utf-8")
        unsafe = ("</script", "<!--") if script else ("</style", "url(", "@import", "<!--")
        return None if any(mark in text.lower() for mark in unsafe) else text

    def _project_asset(self, value: str, deck: Deck, refs: SiteFiles, key: str, *, kind: str) -> str:
        """A stylesheet or script named in front matter or settings: relative to the deck, else to the project,
        else to slides/ (MkSlides' paths are relative to its folder of decks)."""
        if "://" in value or value.startswith("//"):
            return value  # a remote URL is the author's choice
        where = deck.options.locations.get(key, Location(deck.path))
        bases = (deck.path.parent, self.project, self.project / "slides")
        base = next((b for b in bases if (place := refs.local_path(value, b)) and place.exists()), bases[0])
        place = refs.local_path(value, base)
        if key in ("css", "scripts") and place and place.resolve().is_relative_to(refs.root) and place.is_dir():
            # reveal-md copies a folder named there (fonts for its stylesheets); deckgen copies what they use.
            warn_once(log, where, f"{key} entry {value!r} is a folder, not a file; left out (the files a stylesheet "
                                  "uses are copied with it)")
            return ""
        if kind == "css":
            site = refs.add_stylesheet(value, base, where)
        else:
            site = refs.resolve(value, base, where, what="script")
        return "../" + site if site else value


def deck_pages(decks: list[Deck]) -> dict[Path, str]:
    """Deck source file -> the site folder of its page, for links between decks."""
    return {deck.path.resolve(): deck.name for deck in decks}


def plan_site(
    project: Path,
    site: SiteConfig,
    decks: list[Deck],
    errors: list[DeckgenError],
    *,
    planner: SitePlanner | None = None,
) -> dict[str, Content]:
    """Everything the site holds, site path -> content or source file; reference errors go to errors."""
    planner = planner or SitePlanner(project, site)
    pages = deck_pages(decks)
    files: dict[str, Content] = {}
    for deck in decks:
        output = planner.deck_output(deck, pages)
        errors.extend(output.errors)
        files.update(output.files)
        files[f"{deck.name}/index.html"] = output.page
    files["index.html"] = planner.index_page(decks)
    files[".nojekyll"] = b""
    return {**planner.static_files(), **planner.vendor_files(), **files}


@functools.lru_cache(maxsize=256)
def _lines_of(path: Path, mtime: int) -> list[str]:
    """The lines of an included part (as of its modification time), to name the line of a reference in it."""
    return read_source(path).split("\n")
