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
    "theme": "theme", "highlight_theme": "highlightTheme", "separator": "separator",
    "separator_vertical": "verticalSeparator", "separator_notes": "notesSeparator",
}
# deckgen writes UTF-8 pages; a favicon shapes no slide; a deck's title is its front matter's or first heading's.
_SLIDES_SKIPPED = ("charset", "favicon", "title")
_NOT_HONOURED = {
    "template": "MkSlides' page template is not used; deckgen's page template is templates/deck.html",
    "preprocess_script": "MkSlides' Python preprocessing script is not run; its changes to the Markdown are not "
                         "made (write them into the deck)",
}
_REVEAL_BLOCKS = ("revealjs", "reveal.js")  # MkSlides 1 wrote "reveal.js:"
# Where a deck's plugins' files go (options.deck_options adds them after its css and scripts).
PLUGIN_CSS, PLUGIN_SCRIPTS = "plugins.extra_css", "plugins.extra_javascript"  # options._PLUGIN_FILES

Warn = Callable[[str, Location], None]


def settings_files(project: Path) -> list[Path]:
    """MkSlides' settings file (whether it exists or not): watched by serve."""
    return [project / SETTINGS_FILE]


def read_layers(project: Path, warn: Warn) -> tuple[list[YamlDoc], list[YamlDoc], str | None]:
    """MkSlides' defaults, mkslides.yml as deck option documents, and the index title it sets; nothing without
    the file."""
    from deckgen.config.textfile import read_source

    path = project / SETTINGS_FILE
    if not path.is_file():
        return [], [], None
    doc = parse_yaml(read_source(path), path, first_line=1)
    index = doc.data.get("index")
    title = index.get("title") if isinstance(index, dict) else None
    for key in doc.data:
        if key not in ("index", "slides", "plugins", *_REVEAL_BLOCKS):
            warn(f"unknown key {key!r} of MkSlides' settings; ignored", doc.location(key))
    blocks = {k: v for k, v in doc.data.items() if k in ("slides", "plugins", *_REVEAL_BLOCKS)}
    defaults = YamlDoc(path, {"revealOptions": dict(_REVEAL_DEFAULTS)}, {}, 1)
    layer = translate(YamlDoc(path, blocks, doc.lines, doc.first_line), warn)
    return [defaults], [layer], (None if title is None else str(title))


def translate(doc: YamlDoc, warn: Warn) -> YamlDoc:
    """doc with MkSlides' blocks (slides:, revealjs:, plugins:) turned into deck options; other keys kept. A key
    given both ways (revealjs: and revealOptions:) is merged, whatever the order."""
    if not any(k in doc.data for k in ("slides", "plugins", *_REVEAL_BLOCKS)):
        return doc
    data: dict[str, Any] = {}
    lines: dict[str, Any] = {}
    # The keys holding reveal.js options, merged when each holds a mapping (else the schema names the wrong one).
    reveal = [k for k in (*_REVEAL_BLOCKS, "revealOptions") if k in doc.data]
    if not all(isinstance(doc.data[k], dict) for k in reveal):
        reveal = []
    for key, value in doc.data.items():
        if key in ("slides", "plugins") and value is None:
            continue  # an empty block
        if key == "slides" and isinstance(value, dict):
            _slides_block(doc.sub(value, key), data, lines, warn)
        elif key == "plugins" and isinstance(value, list):
            _plugins(value, doc.location(key), data, lines, warn)
        elif key in reveal:
            continue
        else:
            data[key] = value
            lines[key] = doc.lines.get(key, doc.first_line)
            if f"{key}.__children__" in doc.lines:
                lines[f"{key}.__children__"] = doc.lines[f"{key}.__children__"]
    if reveal:
        reveal.sort(key=list(doc.data).index)  # in the order written: a later block wins
        data["revealOptions"] = {k: v for key in reveal for k, v in doc.data[key].items()}
        lines["revealOptions"] = doc.lines.get(reveal[0], doc.first_line)
        children = [doc.lines.get(f"{key}.__children__") for key in reveal]
        lines["revealOptions.__children__"] = {k: v for c in children if isinstance(c, dict) for k, v in c.items()}
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
    """MkSlides' plugins: their stylesheets and scripts are loaded (after the deck's css and scripts, in
    options.deck_options); a plugin's name is not registered with reveal.js."""
    found: dict[str, list[str]] = {PLUGIN_CSS: [], PLUGIN_SCRIPTS: []}
    for plugin in plugins:
        if not isinstance(plugin, dict):
            warn(f"plugins: expected a mapping (name, extra_css, extra_javascript), got {plugin!r}; ignored", where)
            continue
        for key, target in (("extra_css", PLUGIN_CSS), ("extra_javascript", PLUGIN_SCRIPTS)):
            value = plugin.get(key)
            if value is None:
                continue
            files = [value] if isinstance(value, str) else value if isinstance(value, list) else None
            if files is None or not all(isinstance(f, str) for f in files):
                warn(f"plugins: {key} expects a file name or a list of them, got {value!r}; ignored", where)
                continue
            found[target] += files
        if plugin.get("name"):
            warn(f"plugins: reveal.js plugin {plugin['name']!r} is not registered (deckgen registers only its own; "
                 "mermaid diagrams are drawn by deckgen); its scripts and stylesheets are loaded", where)
    for target, files in found.items():
        data[target] = files
        lines[target] = where.line or 1
