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
# reveal-md's own defaults (its lib/defaults.json) for what shapes a deck: the lowest layer of a reveal-md project.
_DEFAULTS = {"separator": "\\r?\\n---\\r?\\n", "verticalSeparator": "\\r?\\n----\\r?\\n", "highlightTheme": "base16/zenburn"}
# Options reveal-md takes as a comma-separated text.
_COMMA_LISTS = ("css", "scripts")

Warn = Callable[[str, Location], None]


def settings_files(project: Path) -> list[Path]:
    """The files of reveal-md's settings that deckgen reads (whether they exist or not): watched by serve."""
    return [project / name for name in FILES]


def read_layers(project: Path, warn: Warn) -> tuple[list[YamlDoc], list[YamlDoc], str | None]:
    """reveal-md's defaults, then reveal.json's options (as revealOptions) and reveal-md.json's, as deck option
    documents from lowest to highest (reveal-md lets reveal-md.json's revealOptions win over reveal.json), and the
    index title reveal-md.json sets; warn about what is not carried over. Nothing without either file."""
    for name in _JSON5_FILES:
        if (project / name).is_file():
            warn(f"{name} is not read: deckgen reads reveal-md's settings from {name[:-1]} (plain JSON) only; "
                 "write them there or in deckgen.yml's defaults:", Location(project / name))
    settings, reveal = project / REVEAL_MD_FILE, project / REVEAL_FILE
    if not settings.is_file() and not reveal.is_file():
        return [], [], None
    # What reveal-md's users saw where they set nothing (its lib/defaults.json): a "--" line is no separator there.
    defaults = [YamlDoc(settings, dict(_DEFAULTS), {}, 1)]
    layers: list[YamlDoc] = []
    if reveal.is_file():
        doc = _read_json(reveal)
        lines = {"revealOptions": doc.first_line, "revealOptions.__children__": doc.lines}
        layers.append(YamlDoc(doc.path, {"revealOptions": doc.data}, lines, doc.first_line))
    title = None
    if settings.is_file():
        doc = _read_json(settings)
        data: dict[str, Any] = {}
        for key, value in doc.data.items():
            if value is None:
                continue  # reveal-md's "not set"
            if key == "title":  # reveal-md's listing page and the fallback <title> of its decks
                title = value if isinstance(value, str) else str(value)
            elif key in _SERVER_KEYS:
                log.debug("%s: reveal-md's %r shapes no deck; skipped", doc.location(key), key)
            elif key in _NOT_HONOURED:
                if value:  # reveal-md's own defaults write "preprocessor": null or false
                    warn(f"{key!r} is not carried over: {_NOT_HONOURED[key]}", doc.location(key))
            elif key in _COMMA_LISTS and isinstance(value, str):
                data[key] = [part.strip() for part in value.split(",") if part.strip()]
            else:
                data[key] = value
        layers.append(YamlDoc(doc.path, data, doc.lines, doc.first_line))
    return defaults, layers, title


def _read_json(path: Path) -> YamlDoc:
    """A JSON object with the line of each of its top-level keys (and of the keys of its objects)."""
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
    return YamlDoc(path, {str(k): v for k, v in data.items()}, _key_lines(text), 1)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:]')


def _key_lines(text: str) -> dict[str, Any]:
    """The line of each key of the top-level object, and as KEY.__children__ of the keys of an object value (the
    shape YamlDoc keeps): found by a scan of the JSON's strings and brackets, which json.loads has accepted."""
    lines: dict[str, Any] = {}
    stack: list[dict[str, Any] | None] = []  # per open bracket: the line map of an object's keys, None for an array
    last: tuple[str, int] | None = None  # the last string, and its line
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token.startswith('"'):
            last = (json.loads(token), text.count("\n", 0, match.start()) + 1)
            continue
        if token == ":" and last is not None and stack and stack[-1] is not None:
            stack[-1][last[0]] = last[1]
            stack[-1]["__last__"] = last[0]
        elif token in "{[":
            children: dict[str, Any] | None = {} if token == "{" else None
            if token == "{" and len(stack) == 1 and stack[0] is not None and "__last__" in stack[0]:
                stack[0][f"{stack[0]['__last__']}.__children__"] = children
            elif not stack:
                children = lines
            stack.append(children)
        elif token in "}]" and stack:
            closed = stack.pop()
            if closed is not None:
                closed.pop("__last__", None)
        last = None
    return lines
