"""reveal-md's own settings files in the project folder, read as the lowest layer of every deck's options.

reveal-md reads reveal-md.json (its options: separators, theme, css, ...) and reveal.json (options of
Reveal.initialize()) from the folder it runs in. A reveal-md project moved to deckgen keeps them: without them its
decks would split at the wrong lines or lose their theme, without a word. deckgen.yml's defaults and each deck's
front matter win over them. What deckgen cannot honour (a JavaScript preprocessor, reveal-md's HTML template) is
a warning naming the file and line; reveal-md's server, listing and printing settings shape no deck and are skipped.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deckgen.config.yamlfile import YamlDoc
from deckgen.errors import ConfigError, Location

log = logging.getLogger(__name__)

REVEAL_MD_FILE = "reveal-md.json"
REVEAL_FILE = "reveal.json"
FILES = (REVEAL_MD_FILE, REVEAL_FILE)
# reveal-md also reads JSON5 versions (comments, unquoted keys); deckgen reads JSON only and says so.
_JSON5_FILES = ("reveal-md.json5", "reveal.json5")

# reveal-md options about its server, directory listing, static export or printing: no deck depends on them.
_SERVER_KEYS = frozenset([
    "absoluteUrl", "assetsDir", "disableAutoOpen", "featuredSlide", "glob", "host", "listingTemplate", "port",
    "print", "printSize", "puppeteerChromiumExecutable", "puppeteerLaunchArgs", "static", "staticDir",
    "staticDirs", "watch",
])
# reveal-md options that change the slides but cannot be carried over.
_NOT_HONOURED = {
    "preprocessor": "reveal-md's JavaScript preprocessor is not run by deckgen; its changes to the Markdown "
                    "are not made (write them into the deck, or use a deck option)",
    "template": "reveal-md's HTML template is not used; deckgen's page template is templates/deck.html",
    "mermaid": "mermaid settings are not passed on; diagrams use mermaid's defaults",
}
# Options reveal-md takes as a comma-separated text.
_COMMA_LISTS = ("css", "scripts")

Warn = Callable[[str, Location], None]


def settings_files(project: Path) -> list[Path]:
    """The files of reveal-md's settings that deckgen reads (whether they exist or not): watched by serve."""
    return [project / name for name in FILES]


def read_layers(project: Path, warn: Warn) -> list[YamlDoc]:
    """reveal-md.json's options, then reveal.json's as revealOptions, as deck option documents (the ones that
    exist); warn about what is not carried over."""
    for name in _JSON5_FILES:
        if (project / name).is_file():
            warn(f"{name} is not read: deckgen reads reveal-md's settings from {name[:-1]} (plain JSON) only; "
                 "write them there or in deckgen.yml's defaults:", Location(project / name))
    layers: list[YamlDoc] = []
    path = project / REVEAL_MD_FILE
    if path.is_file():
        doc = _read_json(path)
        data: dict[str, Any] = {}
        for key, value in doc.data.items():
            if value is None:
                continue  # reveal-md's "not set" (its own defaults.json writes "preprocessor": null)
            if key in _SERVER_KEYS:
                log.debug("%s: reveal-md's %r shapes no deck; skipped", doc.location(key), key)
            elif key in _NOT_HONOURED:
                if value not in ("", [], {}):
                    warn(f"{key!r} is not carried over: {_NOT_HONOURED[key]}", doc.location(key))
            elif key in _COMMA_LISTS and isinstance(value, str):
                data[key] = [part.strip() for part in value.split(",") if part.strip()]
            else:
                data[key] = value
        layers.append(YamlDoc(doc.path, data, doc.lines, doc.first_line))
    path = project / REVEAL_FILE
    if path.is_file():
        doc = _read_json(path)
        lines = {"revealOptions": doc.first_line, "revealOptions.__children__": doc.lines}
        layers.append(YamlDoc(doc.path, {"revealOptions": doc.data}, lines, doc.first_line))
    return layers


def _read_json(path: Path) -> YamlDoc:
    """A JSON object with the line of each of its top-level keys."""
    from deckgen.config.textfile import read_source

    text = read_source(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"JSON syntax error: {exc.msg}", Location(path, exc.lineno, exc.colno)) from None
    except RecursionError:
        raise ConfigError("JSON nested too deeply (hundreds of levels); flatten it", Location(path, 1)) from None
    if not isinstance(data, dict):
        raise ConfigError("expected a JSON object of options ({...})", Location(path, 1))
    return YamlDoc(path, data, {key: _key_line(text, key) for key in data}, 1)


def _key_line(text: str, key: str) -> int:
    """The line where key is written (its first occurrence as a key), else 1."""
    match = re.search(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:", text)
    return text.count("\n", 0, match.start()) + 1 if match else 1
