"""MkSlides' settings: mkslides.yml in the project folder, and the slides:/plugins: blocks of a deck's front matter.

MkSlides keeps a deck's theme, separators and reveal.js options under `slides:` and `revealjs:` (in mkslides.yml
for every deck, or in one deck's front matter). deckgen reads them as deck options, so a MkSlides project keeps
its cut and look: mkslides.yml is every deck's lowest layer (with MkSlides' own defaults for reveal.js), a deck's
blocks are read with its front matter. What cannot be carried over is a warning naming file and line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deckgen.config.yamlfile import YamlDoc, parse_yaml
from deckgen.errors import Location

log = logging.getLogger(__name__)

SETTINGS_FILE = "mkslides.yml"
# MkSlides' defaults for Reveal.initialize() (its config.Config.revealjs), what its users saw.
_REVEAL_DEFAULTS = {"history": True, "slideNumber": "c/t"}
# MkSlides' slides: keys -> deckgen's deck options.
_SLIDES_KEYS = {
    "theme": "theme", "highlight_theme": "highlightTheme", "title": "title", "separator": "separator",
    "separator_vertical": "verticalSeparator", "separator_notes": "notesSeparator",
}
_SLIDES_SKIPPED = ("charset", "favicon")  # deckgen writes UTF-8 pages; a favicon shapes no slide
_NOT_HONOURED = {
    "template": "MkSlides' page template is not used; deckgen's page template is templates/deck.html",
    "preprocess_script": "MkSlides' Python preprocessing script is not run; its changes to the Markdown are not "
                         "made (write them into the deck)",
}
_REVEAL_BLOCKS = ("revealjs", "reveal.js")  # MkSlides 1 wrote "reveal.js:"

Warn = Callable[[str, Location], None]


def settings_files(project: Path) -> list[Path]:
    """MkSlides' settings file (whether it exists or not): watched by serve."""
    return [project / SETTINGS_FILE]


def read_layer(project: Path, warn: Warn) -> tuple[YamlDoc | None, str | None]:
    """mkslides.yml as a deck option document, and the index title it sets; (None, None) without the file."""
    from deckgen.config.textfile import read_source

    path = project / SETTINGS_FILE
    if not path.is_file():
        return None, None
    doc = parse_yaml(read_source(path), path, first_line=1)
    title = None
    index = doc.data.get("index")
    if isinstance(index, dict) and isinstance(index.get("title"), str):
        title = index["title"]
    for key in doc.data:
        if key not in ("index", "slides", "plugins", *_REVEAL_BLOCKS):
            warn(f"unknown key {key!r} of MkSlides' settings; ignored", doc.location(key))
    blocks = {k: v for k, v in doc.data.items() if k in ("slides", "plugins", *_REVEAL_BLOCKS)}
    layer = translate(YamlDoc(path, blocks, doc.lines, doc.first_line), warn)
    reveal = {**_REVEAL_DEFAULTS, **layer.data.get("revealOptions", {})}
    return YamlDoc(layer.path, {**layer.data, "revealOptions": reveal}, layer.lines, layer.first_line), title


def translate(doc: YamlDoc, warn: Warn) -> YamlDoc:
    """doc with MkSlides' blocks (slides:, revealjs:, plugins:) turned into deck options; other keys kept."""
    if not any(isinstance(doc.data.get(k), (dict, list)) for k in ("slides", "plugins", *_REVEAL_BLOCKS)):
        return doc
    data: dict[str, Any] = {}
    lines: dict[str, Any] = {}
    for key, value in doc.data.items():
        if key == "slides" and isinstance(value, dict):
            _slides_block(doc.sub(value, key), data, lines, warn)
        elif key in _REVEAL_BLOCKS and isinstance(value, dict):
            data["revealOptions"] = {**data.get("revealOptions", {}), **value}
            lines["revealOptions"] = doc.lines.get(key, doc.first_line)
            lines["revealOptions.__children__"] = doc.lines.get(f"{key}.__children__", {})
        elif key == "plugins" and isinstance(value, list):
            _plugins(value, doc.location(key), data, lines, warn)
        else:
            data[key] = value
            lines[key] = doc.lines.get(key, doc.first_line)
            if f"{key}.__children__" in doc.lines:
                lines[f"{key}.__children__"] = doc.lines[f"{key}.__children__"]
    return YamlDoc(doc.path, data, lines, doc.first_line)


def _slides_block(block: YamlDoc, data: dict[str, Any], lines: dict[str, Any], warn: Warn) -> None:
    for key, value in block.data.items():
        if value is None or key in _SLIDES_SKIPPED:
            continue
        if key in _NOT_HONOURED:
            warn(f"slides: {key!r} is not carried over: {_NOT_HONOURED[key]}", block.location(key))
        elif key in _SLIDES_KEYS:
            data[_SLIDES_KEYS[key]] = value
            lines[_SLIDES_KEYS[key]] = block.lines.get(key, block.first_line)
        else:
            warn(f"slides: unknown MkSlides key {key!r}; ignored", block.location(key))


def _plugins(plugins: list[Any], where: Location, data: dict[str, Any], lines: dict[str, Any], warn: Warn) -> None:
    """MkSlides' plugins: their stylesheets and scripts are loaded; a plugin's name is not registered."""
    css: list[str] = []
    scripts: list[str] = []
    for plugin in plugins:
        if not isinstance(plugin, dict):
            warn(f"plugins: expected a mapping (name, extra_css, extra_javascript), got {plugin!r}", where)
            continue
        css += _texts(plugin.get("extra_css"))
        scripts += _texts(plugin.get("extra_javascript"))
        if plugin.get("name"):
            warn(f"plugins: reveal.js plugin {plugin['name']!r} is not registered (deckgen registers only its own; "
                 "mermaid diagrams are drawn by deckgen); its scripts and stylesheets are loaded", where)
    for key, found in (("css", css), ("scripts", scripts)):
        if found:
            data[key] = [*data.get(key, []), *found]
            lines[key] = where.line or 1


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
