"""The deck's reveal.js set-up: the version it was written for, its theme and code theme, the options given to
Reveal.initialize (reveal.js 3, 4 and 5 forms) and its plugins, mapped to deckgen's deck options."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from deckgen.config.options import REVEAL_OPTIONS
from deckgen.importer.jsvalues import Code, Name, call_arguments
from deckgen.importer.page import Page
from deckgen.importer.report import DeckReport

# Plugins deckgen provides itself, by the folder reveal.js keeps them in (plugin/NAME/...) or by their name.
PROVIDED = {"markdown": "rendered at build time", "highlight": "deckgen's highlight", "notes": "speaker notes",
            "zoom": "zoom", "search": "search", "math": "math typeset with KaTeX"}
_PLUGIN_NAMES = {"revealmarkdown": "markdown", "markdown": "markdown", "revealhighlight": "highlight",
                 "highlight": "highlight", "revealnotes": "notes", "notes": "notes", "revealzoom": "zoom",
                 "zoom": "zoom", "revealsearch": "search", "search": "search", "revealmath": "math", "math": "math"}
_PLUGIN_PATH = re.compile(r"plugin/([\w-]+)/")
_CORE_SCRIPT = re.compile(r"(?:^|/)(?:reveal(?:\.esm)?(?:\.min)?\.js|head(?:\.min)?\.js|classList\.js|html5shiv\.js)$")
_INIT = re.compile(r"\b(?:Reveal|\w+)\s*\.\s*(?:initialize|configure)\s*\(|\bnew\s+Reveal\s*\(")
_IMPORT = re.compile(r"""^\s*import\s+(?:(\w+)|\*\s+as\s+(\w+)|\{[^}]*\})\s+from\s+['"]([^'"]+)['"];?[ \t]*$""", re.M)
# Options that only configure a plugin deckgen replaces: dropped, and said so.
_PLUGIN_CONFIG = {"math": "MathJax configuration (deckgen typesets with KaTeX)", "markdown": "marked options",
                  "highlight": "highlight.js plugin options", "dependencies": "", "plugins": ""}
_THEME = re.compile(r"(?:^|/)(?:css|dist)/theme/([\w-]+)\.css$")
_HIGHLIGHT = re.compile(r"(?:^|/)(?:lib/css|plugin/highlight|css/highlight)/([\w-]+)\.css$")
_CORE_CSS = re.compile(r"(?:^|/)(?:reveal|reset|print/(?:pdf|paper))(?:\.min)?\.css$")


@dataclass
class RevealSetup:
    """What the page asks of reveal.js."""

    version: int = 4  # 3, 4 or 5 (4 and 5 read Markdown alike)
    theme: str | None = None
    theme_file: str | None = None  # a stylesheet of the project used as the theme
    highlight: str | None = None
    highlight_file: str | None = None
    stylesheets: list[tuple[str, int]] = field(default_factory=list)  # other stylesheets (href, line)
    options: dict[str, Any] = field(default_factory=dict)
    plugins: set[str] = field(default_factory=set)  # provided plugins used
    other_scripts: list[tuple[str, int]] = field(default_factory=list)  # local or remote script files (src, line)
    init_scripts: set[int] = field(default_factory=set)  # lines of inline scripts that only set up reveal.js


def read_setup(page: Page, report: DeckReport, themes: tuple[str, ...], code_themes: tuple[str, ...]) -> RevealSetup:
    """Read the stylesheets and scripts of the page into a RevealSetup; report what deckgen cannot carry."""
    setup = RevealSetup(version=_version(page))
    for href, line in page.stylesheets:
        path = href.split("?")[0]
        if _CORE_CSS.search(path):
            continue
        if (match := _THEME.search(path)) and setup.theme is None and setup.theme_file is None:
            if match.group(1) in themes:
                setup.theme = match.group(1)
            else:
                setup.theme_file = href
            continue
        if (match := _HIGHLIGHT.search(path)) and setup.highlight is None and setup.highlight_file is None:
            if match.group(1) in code_themes:
                setup.highlight = match.group(1)
            else:
                setup.highlight_file = href
            continue
        setup.stylesheets.append((href, line))
    for script in page.scripts:
        if script.src:
            _script_file(setup, script.src, script.line, report)
        else:
            _inline_setup(setup, script.code, script.line, report)
    return setup


def _version(page: Page) -> int:
    sources = " ".join(s.src + " " + s.code[:2000] for s in page.scripts)
    if re.search(r"(?:^|[\s/'\"])js/reveal(?:\.min)?\.js|head(?:\.min)?\.js|dependencies\s*:", sources):
        return 3
    return 5 if re.search(r"reveal\.js@5|reveal\.js/5|/5\.\d+\.\d+/", sources) else 4


def _script_file(setup: RevealSetup, src: str, line: int, report: DeckReport) -> None:
    path = src.split("?")[0]
    if _CORE_SCRIPT.search(path):
        return
    plugin = _PLUGIN_PATH.search(path)
    if plugin:
        _plugin(setup, plugin.group(1), line, report)
        return
    if re.search(r"(?:^|/)(?:marked|highlight|MathJax|katex)(?:\.min)?\.js$", path):
        report.translate(f"{path.rsplit('/', 1)[-1]} (deckgen brings its own)")
        return
    setup.other_scripts.append((src, line))


def _plugin(setup: RevealSetup, name: str, line: int, report: DeckReport) -> None:
    key = name.lower().removesuffix("-js").split(".")[0]
    key = _PLUGIN_NAMES.get(key, key)
    if key in PROVIDED:
        setup.plugins.add(key)
        report.translate(f"plugin {key} ({PROVIDED[key]})")
    else:
        report.leave(line, f"reveal.js plugin {name!r}: deckgen does not provide it")


def _inline_setup(setup: RevealSetup, code: str, line: int, report: DeckReport) -> None:
    calls = call_arguments(code, _INIT)
    if not calls:
        return
    for match in _IMPORT.finditer(code):
        source = match.group(3)
        if _CORE_SCRIPT.search(source):
            continue
        plugin = _PLUGIN_PATH.search(source)
        if plugin:
            _plugin(setup, plugin.group(1), line + code.count("\n", 0, match.start()), report)
        else:
            report.leave(line + code.count("\n", 0, match.start()), f"import of {source}")
    for offset, options in calls:
        where = line + code.count("\n", 0, offset)
        if isinstance(options, dict):
            _options(setup, options, where, report)
        elif options not in ({}, None):
            report.leave(where, "Reveal.initialize() options given as a variable; set revealOptions by hand")
    if _only_setup(code):
        setup.init_scripts.add(line)


def _only_setup(code: str) -> bool:
    """Whether an inline script does nothing but import reveal.js and plugins and initialise it."""
    rest = _IMPORT.sub("", code)
    rest = re.sub(r"//[^\n]*|/\*.*?\*/", "", rest, flags=re.S)
    # Remove the calls: from each match of _INIT to its balanced closing parenthesis.
    while (match := _INIT.search(rest)) is not None:
        depth, pos = 1, match.end()
        while pos < len(rest) and depth:
            depth += {"(": 1, ")": -1}.get(rest[pos], 0)
            pos += 1
        rest = rest[: match.start()] + rest[pos:]
    rest = re.sub(r"\b(?:let|const|var)\s+\w+\s*=\s*;?", "", rest)
    return not re.sub(r"[\s;]", "", rest)


def _options(setup: RevealSetup, options: dict[str, Any], line: int, report: DeckReport) -> None:
    for name, value in options.items():
        if name == "dependencies":
            for item in value if isinstance(value, list) else []:
                src = item.get("src") if isinstance(item, dict) else None
                if isinstance(src, str):
                    _script_file(setup, src, line, report)
        elif name == "plugins":
            for item in value if isinstance(value, list) else []:
                if isinstance(item, Name):
                    _plugin(setup, item.text.split(".")[0], line, report)
                else:
                    report.leave(line, f"plugin given as {getattr(item, 'text', item)!r}")
        elif name in _PLUGIN_CONFIG:
            report.leave(line, f"option {name}: {_PLUGIN_CONFIG[name]}")
        elif isinstance(value, (Code, Name)):
            report.leave(line, f"option {name}: {value.text} is computed when the page loads; give its value "
                               "under revealOptions by hand")
        elif name in REVEAL_OPTIONS or isinstance(value, dict):
            if not _has_code(value):
                setup.options[name] = value
                if name not in REVEAL_OPTIONS:
                    report.leave(line, f"option {name}: configures a plugin deckgen does not provide "
                                       "(kept under revealOptions)")
            else:
                report.leave(line, f"option {name}: holds code")
        else:
            report.leave(line, f"option {name}: not a reveal.js option")


def _has_code(value: Any) -> bool:
    if isinstance(value, (Code, Name)):
        return True
    if isinstance(value, dict):
        return any(_has_code(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_code(v) for v in value)
    return False
