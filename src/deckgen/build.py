"""`deckgen build`: load config, find decks, parse them, plan the site, write it aside and swap it in."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.config import SiteConfig, load_site_config
from deckgen.deck import Deck
from deckgen.defaults import layered_files
from deckgen.errors import DeckgenError, ErrorGroup, Location
from deckgen.output import check_output_dir, write_site
from deckgen.pages import DeckPage, render_deck, render_index, section_html, slides_html, template_environment
from deckgen.parse import SplitDeck, render_decks, split_deck
from deckgen.references import LineFinder, SiteFiles
from deckgen.sources import discover_decks
from deckgen.vendor import VendorSet

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    """What a build wrote."""

    out: Path
    decks: list[Deck]
    files: dict[str, bytes | str | Path] = field(default_factory=dict)


def build(
    project: Path, out: Path | None = None, *, config_file: Path | None = None, strict: bool = False
) -> BuildResult:
    """Build the whole site of a project into out (default: PROJECT/build)."""
    project = project.resolve()
    out = (out or project / "build").resolve()
    check_output_dir(out, project)
    site = load_site_config(project, config_file, strict=strict)
    decks, errors = parse_decks(project, site)
    files = plan_site(project, site, decks, errors)
    _raise(errors)  # every problem of every deck, reported together; nothing written
    write_site(files, out)
    log.info("built %d decks (%d slides) into %s", len(decks), sum(d.slide_count for d in decks), out)
    return BuildResult(out, decks, files)


def parse_decks(project: Path, site: SiteConfig) -> tuple[list[Deck], list[DeckgenError]]:
    """Parse every deck; return the decks that parsed and the errors of the others."""
    split: list[SplitDeck] = []
    errors: list[DeckgenError] = []
    for name, path in discover_decks(project, site.exclude):
        try:
            split.append(split_deck(name, path, site))
        except ErrorGroup as group:
            errors.extend(group.errors)
        except DeckgenError as exc:
            errors.append(exc)
    return render_decks(split), errors


def plan_site(
    project: Path, site: SiteConfig, decks: list[Deck], errors: list[DeckgenError]
) -> dict[str, bytes | str | Path]:
    """Everything the site holds, site path -> content or source file; reference errors go to errors."""
    env = template_environment(project)
    vendor = VendorSet(project_dir=project)
    refs = SiteFiles(project, deck_pages={deck.path.resolve(): deck.name for deck in decks})
    pages: dict[str, bytes | str | Path] = {}
    for deck in decks:
        page = _deck_page(deck, vendor, refs, project)
        sections = [[_section(deck, slide, refs) for slide in stack] for stack in deck.stacks]
        pages[f"{deck.name}/index.html"] = render_deck(env, deck, page, slides_html(deck, sections))
    errors.extend(refs.errors)
    pages["index.html"] = render_index(env, {"title": site.title, "description": site.description}, decks)
    pages[".nojekyll"] = b""
    files: dict[str, bytes | str | Path] = {}
    files.update({f"static/{rel}": path for rel, path in layered_files(project, "static").items()})
    files.update(refs.files)
    files.update(vendor.files())
    files.update(pages)
    return files


def _section(deck: Deck, slide, refs: SiteFiles) -> str:
    locate = LineFinder(deck.path, deck.source_lines, deck.first_line, slide.line)
    return refs.rewrite_html(section_html(slide), deck.path.parent, locate)


def _deck_page(deck: Deck, vendor: VendorSet, refs: SiteFiles, project: Path) -> DeckPage:
    options = deck.options
    up = "../"
    styles = [up + url for url in vendor.reveal() if url.endswith(".css")]
    scripts = [up + url for url in vendor.reveal() if url.endswith(".js")]
    theme_index = len(styles) + 1
    if options.theme.endswith(".css"):
        styles.append(_project_asset(options.theme, deck, refs, project, "theme", kind="css"))
    else:
        styles.append(up + vendor.theme(options.theme))
    if options.highlightTheme.endswith(".css"):
        styles.append(_project_asset(options.highlightTheme, deck, refs, project, "highlightTheme", kind="css"))
    else:
        styles.append(up + vendor.highlight_theme(options.highlightTheme))
    plugins = ["DeckgenHighlight", "RevealNotes", "RevealZoom", "RevealSearch"]
    scripts += [up + vendor.plugin(name) for name in ("notes", "zoom", "search")]
    scripts += [up + url for url in vendor.highlight(deck.languages)]
    scripts.append(up + "static/deckgen/highlight.js")
    if deck.has_math:
        css, js = vendor.katex()
        styles += [up + url for url in css]
        scripts += [up + url for url in js]
        scripts.append(up + "static/deckgen/math.js")
        plugins.append("DeckgenMath")
    styles += [_project_asset(v, deck, refs, project, "css", kind="css") for v in options.css]
    scripts += [_project_asset(v, deck, refs, project, "scripts", kind="js") for v in options.scripts]
    reveal = {"hash": True, **options.reveal}
    return DeckPage(styles, theme_index, scripts, plugins, reveal)


def _project_asset(value: str, deck: Deck, refs: SiteFiles, project: Path, key: str, *, kind: str) -> str:
    """A stylesheet or script of the project named in front matter: relative to the deck, else the project."""
    if "://" in value or value.startswith("//"):
        return value  # a remote URL is the author's choice; the offline check is theirs
    where = deck.options.locations.get(key, Location(deck.path))
    base = deck.path.parent
    if not (base / value).exists() and (project / value).exists():
        base = project
    site = refs.add_stylesheet(value, base, where) if kind == "css" else refs.resolve(value, base, where, what="script")
    return "../" + site if site else value


def _raise(errors: list[DeckgenError]) -> None:
    errors.sort(key=lambda e: (str(e.location.path), e.location.line or 0) if e.location else ("", 0))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorGroup(errors)
