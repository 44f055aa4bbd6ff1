"""Render the HTML pages of the site from Jinja2 templates: one page per deck and the index."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from deckgen import __version__
from deckgen.dialect.attributes import format_attributes
from deckgen.dialect.deck import Deck, Slide
from deckgen.errors import ConfigError, DeckgenError, Location, inside_project
from deckgen.site.defaults import defaults_dir


@dataclass(frozen=True)
class DeckPage:
    """What the deck template needs besides the slides."""

    styles: list[str]
    theme_index: int
    scripts: list[str]
    plugins: list[str]
    reveal_options: dict[str, Any]
    later: list[tuple[str, str]] = field(default_factory=list)  # (script, plugin) loaded after the first frame
    inline: dict[str, str] = field(default_factory=dict)  # URL of a style or script -> its text, put in the page


class _ProjectTemplates(jinja2.FileSystemLoader):
    """The project's templates/: a template (or the folder) that links outside the project is never read."""

    def __init__(self, project: Path) -> None:
        super().__init__(project / "templates")
        self.project = project
        if (project / "templates").exists():
            inside_project(project / "templates", project, "the templates/ folder")

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        if filename is not None:
            inside_project(Path(filename), self.project, "template")
        return source, filename, uptodate


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the user's cache (checked against each template's source by Jinja2)."""
    from deckgen.assets.npm import cache_root

    folder = cache_root() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # no cache: templates are compiled in every build
    return jinja2.FileSystemBytecodeCache(str(folder))


def template_environment(project: Path) -> jinja2.Environment:
    """Templates of the project's templates/ first, then deckgen's defaults."""
    defaults = jinja2.FileSystemLoader(defaults_dir() / "templates")
    loader = jinja2.ChoiceLoader([
        # "deckgen/deck.html" is always deckgen's own: a project's deck.html may extend it and change one block.
        jinja2.PrefixLoader({"deckgen": defaults}),
        _ProjectTemplates(project),
        defaults,
    ])
    env = jinja2.Environment(loader=loader, autoescape=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, bytecode_cache=_bytecode_cache())
    env.globals["version"] = __version__
    return env


def render_template(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render a template; template errors name the template file and line."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"template error: {exc.message}", Location(exc.filename or name, exc.lineno)) from None
    except DeckgenError:
        raise
    except RecursionError:
        raise ConfigError(f"template {name} includes or extends itself without end", Location(name)) from None
    except Exception as exc:  # noqa: BLE001 - a user's template may raise anything: report it with its line
        where = _template_line(exc) or Location(name)
        kind = "" if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: "
        raise ConfigError(f"template error: {kind}{exc}", where) from None


def _template_line(exc: BaseException) -> Location | None:
    """The template file and line where exc was raised (Jinja2 maps its frames onto template lines)."""
    found = None
    frame = exc.__traceback__
    while frame is not None:
        filename = frame.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".j2", ".jinja")) and Path(filename).is_file():
            found = Location(Path(filename), frame.tb_lineno)
        frame = frame.tb_next
    return found


def section_html(slide: Slide) -> str:
    """One slide's <section>, notes included."""
    notes = f'\n<aside class="notes">\n{slide.notes_html}\n</aside>' if slide.notes_html else ""
    return f"<section{format_attributes(slide.attrs)}>\n{slide.html}{notes}\n</section>"


def slides_html(sections: list[list[str]]) -> str:
    """Nest the sections: a stack of several slides becomes a vertical <section>."""
    parts = []
    for stack in sections:
        parts.append(stack[0] if len(stack) == 1 else "<section>\n" + "\n".join(stack) + "\n</section>")
    return "\n".join(parts)


def reveal_options_json(options: dict[str, Any]) -> str:
    """Reveal.initialize() options as JSON that is safe inside a <script>."""
    text = json.dumps(options, ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_deck(
    env: jinja2.Environment, deck: Deck, page: DeckPage, body: str, *, live_script: str | None = None
) -> str:
    """The HTML of a deck's page; live_script (the preview's client) is added by deckgen serve."""
    meta = {
        "title": deck.title,
        "lang": deck.options.lang,
        "description": deck.options.description,
        "author": deck.options.author,
        "date": deck.options.date,
        "name": deck.name,
        "meta": deck.options.meta,  # front matter keys deckgen does not know, for a project's own template
    }
    return render_template(
        env, "deck.html", deck=meta, styles=page.styles, theme_index=page.theme_index, scripts=page.scripts,
        plugins=page.plugins, reveal_options_json=reveal_options_json(page.reveal_options), slides_html=body,
        later_plugins_json=reveal_options_json([list(item) for item in page.later]), inline=page.inline,
        live_script="../" + live_script if live_script else None,
    )


def _url(site_path: str | None) -> str | None:
    """A site path (with an optional ?query) as a URL: each path segment percent-encoded."""
    if site_path is None:
        return None
    path, mark, query = site_path.partition("?")
    return quote(path) + mark + query


def render_index(
    env: jinja2.Environment,
    site: dict[str, str | None],
    decks: list[Deck],
    *,
    live_script: str | None = None,
    pictures: dict[str, str] | None = None,
    pdfs: dict[str, str] | None = None,
) -> str:
    """The HTML of the site's index page: a card per deck, with its picture and PDF when there are."""
    pictures, pdfs = pictures or {}, pdfs or {}
    cards = [
        {
            "name": deck.name,
            # index.html written out: from file:// a folder link opens a listing, not the deck.
            "url": quote(deck.name) + "/index.html",
            "speaker_url": quote(deck.name) + "/index.html?speaker",
            "title": deck.title,
            "description": deck.options.description,
            "author": deck.options.author,
            "date": deck.options.date,
            "slide_count": deck.slide_count,
            "horizontal_count": len(deck.stacks),
            "picture": _url(pictures.get(deck.name)),
            "pdf": _url(pdfs.get(deck.name)),
            "hue": int(hashlib.sha1(deck.name.encode()).hexdigest()[:4], 16) % 360,  # colour of a text card
        }
        for deck in decks
    ]
    return render_template(env, "index.html", site=site, decks=cards, live_script=live_script)
