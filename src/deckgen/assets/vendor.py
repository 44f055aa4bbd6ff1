"""The pinned third-party packages and the vendor files a site uses, each copied once into build/vendor/.

Requests (``theme('league')``, ``highlight({'elixir'})``…) only record site-relative URLs and are validated
against literals, so they cost no download; the packages are fetched through :mod:`deckgen.npm` when a file's
content is first needed, at the latest in :meth:`VendorSet.write`. Every URL lives under ``vendor/`` and uses
forward slashes. CSS is checked so that no ``url()`` or ``@import`` in the written site points off-site: the
web-font imports of reveal.js themes, and the fonts some themes embed as base64 ``data:`` URLs, become local
``@font-face`` rules backed by @fontsource packages, and KaTeX's CSS keeps only its woff2 fonts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import posixpath
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from deckgen.assets import npm
from deckgen.assets.npm import Package
from deckgen.errors import AssetError

log = logging.getLogger(__name__)

REVEAL = Package(
    "reveal.js",
    "6.0.2",
    "sha512-JYIg5D9aoxoaLeb84O+OvAwsKWdIavVgEDScxtYEXFCT6t6TQrhNtSgogcjdCpdLsWglhJn3zyE3fUOwiH5KEg==",
)
KATEX = Package(
    "katex",
    "0.19.1",
    "sha512-jG8uKntjSEcm2EpQOh0XturpPuuC9r3Sq5HLHdsFdWZT27E672SF19QEi+of0/YeOy15lDgRhKvr5614uRrEfA==",
)
HIGHLIGHT = Package(
    "@highlightjs/cdn-assets",
    "11.12.0",
    "sha512-KvOKXODaiFmId9xaq3xc5xCL66wVLUuOngDbO9B/kewbFTqdGbn2nJxNhN3H5R1cgDTVj6R8vH0zgiNDEGjpDw==",
)
# Diagrams: mermaid's self-contained browser build, fetched only when a deck has a ```mermaid fence.
MERMAID = Package(
    "mermaid",
    "12.3.0",
    "sha512-4113TdXeLAsMruJ79OpFL5O8+LTFXhQqZ260rF3tgUmiNAtRm4Uume04I+65PRN6yZ69J4f8rVYWW8zRk65UYw==",
)
FONTS: dict[str, Package] = {
    "League Gothic": Package(
        "@fontsource/league-gothic",
        "5.3.0",
        "sha512-gqedetX+UlaiJgLiPnOzWGB1sY3OtNhS8YMjTy2D73AcsagIqpdIizssr1MStcUYf3D/zzanECuXawIgMGZxDg==",
    ),
    "Lato": Package(
        "@fontsource/lato",
        "5.3.0",
        "sha512-0WhF/4rhrw+ErIyneKvhHn2YAl+xf8GDtllgOgOzDmeaSlLQtjpChXaQOpWhG2BchQW0WJy2zLV12Hdg0ndOMw==",
    ),
    "Montserrat": Package(
        "@fontsource/montserrat",
        "5.3.0",
        "sha512-iQPDtZOnmM5ih4JBGaMSXisRap0ixb9bAUw2hDtY7EjVfaqiiNlKtVuJl9XclxUwtwMMHNcWXfQR6zI9x05+Tg==",
    ),
    "News Cycle": Package(
        "@fontsource/news-cycle",
        "5.3.0",
        "sha512-FYR97v6llb/+wXFWW+9AmUPSXE6mrfwOeEDdErh2NH7mKf1dqb7iPJWUTMRtApl09atP6qhD5C8jK6fmb0ydZg==",
    ),
    "Open Sans": Package(
        "@fontsource/open-sans",
        "5.3.0",
        "sha512-V1bdMlGNyZrJwzrdusshMOw2YR0aqYDL7kOo9dkxUEKl8dFv66A9HLckOOXl572sG/7ohhDQrCrTFGSn9LZcSw==",
    ),
    "Quicksand": Package(
        "@fontsource/quicksand",
        "5.3.0",
        "sha512-epmMUyXI39f88bZSCyKlHTZqUWg4O7DqrTXOKqsqbVKMLshX9RtIYCUIw+G2nOfEwdIHIjYbeWdwHRcEzRXBRQ==",
    ),
    "Source Sans Pro": Package(
        "@fontsource/source-sans-pro",
        "5.3.0",
        "sha512-nd96qXI4stbyRPNEygS2cNhMkAc1kkW9+ORmIOK0oelPTyiitRPk/+9+HUuUYuEjwRRkK/+Gat2J9/NMJest/A==",
    ),
    "Ubuntu": Package(
        "@fontsource/ubuntu",
        "5.3.0",
        "sha512-LsjJXgE430QLs8LKfn1RIFbbdGAiZBU1gao8ASa4Z2kGNGh7lMb7Rzx09v3bLLuuK+3XA/JSLgPWTAbLD6r1fg==",
    ),
}
"""The @fontsource package serving each web font that a reveal.js theme @imports or embeds as a data: URL.

reveal.js 6.0.2's black, white, black-contrast and white-contrast themes embed Source Sans Pro (four faces,
575 KB of base64), and beige, league, moon and solarized embed League Gothic: deckgen serves them as woff2
subsets instead, so a deck's CSS stays small and a browser downloads only the subsets its slides use.
"""

PACKAGES: tuple[Package, ...] = (REVEAL, KATEX, HIGHLIGHT, MERMAID, *FONTS.values())

REVEAL_THEMES: tuple[str, ...] = (
    "beige", "black", "black-contrast", "blood", "dracula", "league", "moon", "night", "serif", "simple",
    "sky", "solarized", "white", "white-contrast",
)
REVEAL_PLUGINS: tuple[str, ...] = ("notes", "search", "zoom")
_REVEAL_HIGHLIGHT_THEMES = ("monokai", "zenburn")
FONT_SUBSETS: tuple[str, ...] = ("latin", "latin-ext")
"""Unicode subsets of each web font copied; browsers download a subset only when a slide uses it."""
_EXTRA_FONT_SUBSETS: dict[str, tuple[str, ...]] = {"Source Sans Pro": ("vietnamese",)}
"""Further subsets of a family, kept because the copy reveal.js embeds covers them too."""

_ROOTS = {
    REVEAL.name: "vendor/reveal.js",
    KATEX.name: "vendor/katex",
    HIGHLIGHT.name: "vendor/highlight.js",
    MERMAID.name: "vendor/mermaid",
}
_FONTS_ROOT = "vendor/fonts"

# The highlight.js literals below were read from @highlightjs/cdn-assets 11.12.0 (hljs.listLanguages() and
# each grammar's aliases, run in node; styles/*.min.css); tests/test_vendor.py checks them against the
# package. They let a name be validated without a download.

# Languages and aliases that highlight.min.js (the "common" build) already contains.
COMMON_HLJS_LANGUAGES: frozenset[str] = frozenset(
    {
        "atom", "bash", "c", "c#", "c++", "cc", "cjs", "console", "cpp", "cs", "csharp", "css", "cts", "cxx",
        "diff", "gemspec", "go", "golang", "gql", "graphql", "gyp", "h", "h++", "hh", "hpp", "html", "hxx",
        "ini", "ipython", "irb", "java", "javascript", "js", "json", "json5", "jsonc", "jsp", "jsx", "kotlin",
        "kt", "ktm", "kts", "ktx", "less", "lua", "mak", "make", "makefile", "markdown", "md", "mjs", "mk",
        "mkd", "mkdown", "mm", "mts", "obj-c", "obj-c++", "objc", "objective-c++", "objectivec", "patch",
        "perl", "php", "php-template", "pl", "plaintext", "plist", "pluto", "pm", "podspec", "py", "pycon",
        "python", "python-repl", "r", "rb", "rs", "rss", "ruby", "rust", "scss", "sh", "shell",
        "shellsession", "sql", "svg", "swift", "text", "thor", "toml", "ts", "tsx", "txt", "typescript", "vb",
        "vbnet", "wasm", "wsf", "xhtml", "xjb", "xml", "xsd", "xsl", "yaml", "yml", "zsh",
    }
)

# The other grammars, one languages/NAME.min.js each.
_HLJS_LANGUAGES: frozenset[str] = frozenset(
    {
        "1c", "abnf", "accesslog", "actionscript", "ada", "angelscript", "apache", "applescript", "arcade",
        "arduino", "armasm", "asciidoc", "aspectj", "autohotkey", "autoit", "avrasm", "awk", "axapta",
        "basic", "bnf", "brainfuck", "cal", "capnproto", "ceylon", "clean", "clojure", "clojure-repl",
        "cmake", "coffeescript", "coq", "cos", "crmsh", "crystal", "csp", "d", "dart", "delphi", "django",
        "dns", "dockerfile", "dos", "dsconfig", "dts", "dust", "ebnf", "elixir", "elm", "erb", "erlang",
        "erlang-repl", "excel", "fix", "flix", "fortran", "freedesktop", "fsharp", "gams", "gauss", "gcode",
        "gherkin", "glsl", "gml", "golo", "gradle", "groovy", "haml", "handlebars", "haskell", "haxe", "hsp",
        "http", "hy", "inform7", "irpf90", "isbl", "jboss-cli", "julia", "julia-repl", "lasso", "latex",
        "ldif", "leaf", "lisp", "livecodeserver", "livescript", "llvm", "lsl", "mathematica", "matlab",
        "maxima", "mel", "mercury", "mipsasm", "mizar", "mojolicious", "monkey", "moonscript", "n1ql",
        "nestedtext", "nginx", "nim", "nix", "node-repl", "nsis", "ocaml", "openscad", "oxygene", "parser3",
        "pf", "pgsql", "pony", "powershell", "processing", "profile", "prolog", "properties", "protobuf",
        "puppet", "purebasic", "q", "qml", "reasonml", "rib", "roboconf", "routeros", "rsl", "ruleslanguage",
        "sas", "scala", "scheme", "scilab", "smali", "smalltalk", "sml", "sqf", "stan", "stata", "step21",
        "stylus", "subunit", "taggerscript", "tap", "tcl", "thrift", "tp", "twig", "vala", "vbscript",
        "vbscript-html", "verilog", "vhdl", "vim", "wren", "x86asm", "xl", "xquery", "zephir",
    }
)

# Aliases of those grammars (when two claim one, the one hljs registers last).
_HLJS_ALIASES: dict[str, str] = {
    "ado": "stata", "adoc": "asciidoc", "ahk": "autohotkey", "apacheconf": "apache", "arm": "armasm",
    "as": "actionscript", "asc": "angelscript", "bat": "dos", "batch": "dos", "bf": "brainfuck",
    "bind": "dns", "capnp": "capnproto", "clj": "clojure", "cls": "cos", "cmake.in": "cmake", "cmd": "dos",
    "coffee": "coffeescript", "cr": "crystal", "craftcms": "twig", "crm": "crmsh", "cson": "coffeescript",
    "dcl": "clean", "desktop": "freedesktop", "dfm": "delphi", "do": "stata", "docker": "dockerfile",
    "dpr": "delphi", "dst": "dust", "edn": "clojure", "erl": "erlang", "ex": "elixir", "exs": "elixir",
    "f#": "fsharp", "f90": "fortran", "f95": "fortran", "feature": "gherkin", "fs": "fsharp", "gms": "gams",
    "graph": "roboconf", "gss": "gauss", "hbs": "handlebars", "hs": "haskell",
    "html.handlebars": "handlebars", "html.hbs": "handlebars", "htmlbars": "handlebars", "https": "http",
    "hx": "haxe", "hylang": "hy", "i7": "inform7", "iced": "coffeescript", "icl": "clean", "ino": "arduino",
    "instances": "roboconf", "jinja": "django", "jldoctest": "julia-repl", "k": "q", "kdb": "q",
    "lassoscript": "lasso", "ls": "livescript", "m": "mercury", "mikrotik": "routeros", "mips": "mipsasm",
    "ml": "sml", "mma": "mathematica", "moo": "mercury", "moon": "moonscript", "nc": "gcode",
    "nginxconf": "nginx", "nixos": "nix", "nt": "nestedtext", "osascript": "applescript", "p21": "step21",
    "pas": "delphi", "pascal": "delphi", "pb": "purebasic", "pbi": "purebasic", "pcmk": "crmsh",
    "pde": "processing", "pf.conf": "pf", "postgres": "pgsql", "postgresql": "pgsql", "pp": "puppet",
    "proto": "protobuf", "ps": "powershell", "ps1": "powershell", "pwsh": "powershell", "qt": "qml",
    "re": "reasonml", "scad": "openscad", "sci": "scilab", "scm": "scheme", "st": "smalltalk",
    "stanfuncs": "stan", "step": "step21", "stp": "step21", "styl": "stylus", "sv": "verilog",
    "svh": "verilog", "systemd": "freedesktop", "tao": "xl", "tex": "latex", "tk": "tcl", "v": "verilog",
    "vbs": "vbscript", "wildfly-cli": "jboss-cli", "wl": "mathematica", "x++": "axapta", "xls": "excel",
    "xlsx": "excel", "xpath": "xquery", "xq": "xquery", "xqm": "xquery", "zep": "zephir", "zone": "dns",
}

# Every style in styles/ (styles/NAME.min.css).
_HLJS_STYLES: tuple[str, ...] = (
    "1c-light", "a11y-dark", "a11y-light", "agate", "an-old-hope", "androidstudio", "arduino-light", "arta",
    "ascetic", "atom-one-dark", "atom-one-dark-reasonable", "atom-one-light", "base16/3024", "base16/apathy",
    "base16/apprentice", "base16/ashes", "base16/atelier-cave", "base16/atelier-cave-light",
    "base16/atelier-dune", "base16/atelier-dune-light", "base16/atelier-estuary",
    "base16/atelier-estuary-light", "base16/atelier-forest", "base16/atelier-forest-light",
    "base16/atelier-heath", "base16/atelier-heath-light", "base16/atelier-lakeside",
    "base16/atelier-lakeside-light", "base16/atelier-plateau", "base16/atelier-plateau-light",
    "base16/atelier-savanna", "base16/atelier-savanna-light", "base16/atelier-seaside",
    "base16/atelier-seaside-light", "base16/atelier-sulphurpool", "base16/atelier-sulphurpool-light",
    "base16/atlas", "base16/bespin", "base16/black-metal", "base16/black-metal-bathory",
    "base16/black-metal-burzum", "base16/black-metal-dark-funeral", "base16/black-metal-gorgoroth",
    "base16/black-metal-immortal", "base16/black-metal-khold", "base16/black-metal-marduk",
    "base16/black-metal-mayhem", "base16/black-metal-nile", "base16/black-metal-venom", "base16/brewer",
    "base16/bright", "base16/brogrammer", "base16/brush-trees", "base16/brush-trees-dark", "base16/chalk",
    "base16/circus", "base16/classic-dark", "base16/classic-light", "base16/codeschool", "base16/colors",
    "base16/cupcake", "base16/cupertino", "base16/danqing", "base16/darcula", "base16/dark-violet",
    "base16/darkmoss", "base16/darktooth", "base16/decaf", "base16/default-dark", "base16/default-light",
    "base16/dirtysea", "base16/dracula", "base16/edge-dark", "base16/edge-light", "base16/eighties",
    "base16/embers", "base16/equilibrium-dark", "base16/equilibrium-gray-dark",
    "base16/equilibrium-gray-light", "base16/equilibrium-light", "base16/espresso", "base16/eva",
    "base16/eva-dim", "base16/flat", "base16/framer", "base16/fruit-soda", "base16/gigavolt", "base16/github",
    "base16/google-dark", "base16/google-light", "base16/grayscale-dark", "base16/grayscale-light",
    "base16/green-screen", "base16/gruvbox-dark-hard", "base16/gruvbox-dark-medium",
    "base16/gruvbox-dark-pale", "base16/gruvbox-dark-soft", "base16/gruvbox-light-hard",
    "base16/gruvbox-light-medium", "base16/gruvbox-light-soft", "base16/hardcore", "base16/harmonic16-dark",
    "base16/harmonic16-light", "base16/heetch-dark", "base16/heetch-light", "base16/helios",
    "base16/hopscotch", "base16/horizon-dark", "base16/horizon-light", "base16/humanoid-dark",
    "base16/humanoid-light", "base16/ia-dark", "base16/ia-light", "base16/icy-dark", "base16/ir-black",
    "base16/isotope", "base16/kimber", "base16/london-tube", "base16/macintosh", "base16/marrakesh",
    "base16/materia", "base16/material", "base16/material-darker", "base16/material-lighter",
    "base16/material-palenight", "base16/material-vivid", "base16/mellow-purple", "base16/mexico-light",
    "base16/mocha", "base16/monokai", "base16/nebula", "base16/nord", "base16/nova", "base16/ocean",
    "base16/oceanicnext", "base16/one-light", "base16/onedark", "base16/outrun-dark",
    "base16/papercolor-dark", "base16/papercolor-light", "base16/paraiso", "base16/pasque", "base16/phd",
    "base16/pico", "base16/pop", "base16/porple", "base16/qualia", "base16/railscasts", "base16/rebecca",
    "base16/ros-pine", "base16/ros-pine-dawn", "base16/ros-pine-moon", "base16/sagelight",
    "base16/sandcastle", "base16/seti-ui", "base16/shapeshifter", "base16/silk-dark", "base16/silk-light",
    "base16/snazzy", "base16/solar-flare", "base16/solar-flare-light", "base16/solarized-dark",
    "base16/solarized-light", "base16/spacemacs", "base16/summercamp", "base16/summerfruit-dark",
    "base16/summerfruit-light", "base16/synth-midnight-terminal-dark", "base16/synth-midnight-terminal-light",
    "base16/tango", "base16/tender", "base16/tomorrow", "base16/tomorrow-night", "base16/twilight",
    "base16/unikitty-dark", "base16/unikitty-light", "base16/vulcan", "base16/windows-10",
    "base16/windows-10-light", "base16/windows-95", "base16/windows-95-light", "base16/windows-high-contrast",
    "base16/windows-high-contrast-light", "base16/windows-nt", "base16/windows-nt-light", "base16/woodland",
    "base16/xcode-dusk", "base16/zenburn", "brown-paper", "codepen-embed", "color-brewer",
    "cybertopia-cherry", "cybertopia-dimmer", "cybertopia-icecap", "cybertopia-saturated", "dark", "default",
    "devibeans", "docco", "equinox", "far", "felipec", "foundation", "github", "github-dark",
    "github-dark-dimmed", "gml", "googlecode", "gradient-dark", "gradient-light", "grayscale", "hybrid",
    "idea", "intellij-light", "ir-black", "isbl-editor-dark", "isbl-editor-light", "kimbie-dark",
    "kimbie-light", "lightfair", "lioshi", "magula", "mono-blue", "monokai", "monokai-sublime", "night-owl",
    "nnfx-dark", "nnfx-light", "nord", "obsidian", "panda-syntax-dark", "panda-syntax-light", "paraiso-dark",
    "paraiso-light", "pojoaque", "purebasic", "qtcreator-dark", "qtcreator-light", "rainbow", "rose-pine",
    "rose-pine-dawn", "rose-pine-moon", "routeros", "school-book", "shades-of-purple", "srcery",
    "stackoverflow-dark", "stackoverflow-light", "sunburst", "tokyo-night-dark", "tokyo-night-light",
    "tomorrow-night-blue", "tomorrow-night-bright", "vs", "vs-dark", "vs2015", "xcode", "xt256",
)

_HLJS_REQUIRES: dict[str, tuple[str, ...]] = {
    "clojure-repl": ("clojure",),
    "julia-repl": ("julia",),
    "vbscript-html": ("vbscript",),
}
"""Extra languages whose grammar embeds another extra language."""

HIGHLIGHT_THEMES: tuple[str, ...] = tuple(sorted({*_REVEAL_HIGHLIGHT_THEMES, *_HLJS_STYLES}))
"""Code colour themes: reveal.js's monokai and zenburn, then every highlight.js style."""
_HIGHLIGHT_THEMES_BRIEF = (
    ", ".join(name for name in HIGHLIGHT_THEMES if not name.startswith("base16/"))
    + ", or base16/NAME for one of highlight.js's base16 styles"
)

_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""")
_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)["']?\s*\)?[^;]*;\s*""")
_SRC = re.compile(r"src:([^;}]*)")
_FONT_FACE = re.compile(r"@font-face\s*\{([^{}]*)\}\s*")
_DATA_URL = re.compile(r"""url\(\s*["']?data:""", re.IGNORECASE)
_WOFF2_SRC = re.compile(r"""url\(\s*["']?([^"')]+\.woff2)["']?\s*\)\s*format\(\s*["']?woff2["']?\s*\)""")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_VARIANT = re.compile(r"^(\d{3})?(italic|i)?$")
_NAMED_VARIANTS = {
    "regular": (400, "normal"),
    "bold": (700, "normal"),
    "b": (700, "normal"),
    "bolditalic": (700, "italic"),
    "bi": (700, "italic"),
}


@dataclass(frozen=True)
class _Copy:
    """A package file copied verbatim."""

    package: Package
    path: str


@dataclass(frozen=True)
class _Generated:
    """A file deckgen rewrites: a reveal.js theme (``kind='theme'``) or KaTeX's CSS (``kind='katex'``)."""

    kind: str
    name: str = ""


_Item = _Copy | _Generated
_Content = Path | bytes


_BY_NAME = {pkg.name: pkg for pkg in PACKAGES}


def _generated_file(url: str, item: _Generated) -> Path:
    from deckgen import __version__

    pins = " ".join(pkg.integrity for pkg in PACKAGES)
    key = hashlib.sha256(f"{__version__}|{url}|{item.kind}|{item.name}|{pins}".encode()).hexdigest()[:24]
    return npm.cache_root() / "generated" / f"{key}.json"


def _load_generated(url: str, item: _Generated) -> tuple[_Content, list[tuple[str, _Item]]] | None:
    """A rewritten stylesheet kept by an earlier build (its files are still copied, and checked, from the packages)."""
    try:
        data = json.loads(_generated_file(url, item).read_text(encoding="utf-8"))
        css = data["css"].encode("utf-8")
        if hashlib.sha256(css).hexdigest() != data["sha256"]:
            return None  # changed or damaged since: made again
        deps: list[tuple[str, _Item]] = [(u, _Copy(_BY_NAME[name], path)) for u, name, path in data["deps"]]
        return css, deps
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save_generated(url: str, item: _Generated, made: tuple[_Content, list[tuple[str, _Item]]]) -> None:
    content, deps = made
    if not isinstance(content, bytes) or not all(isinstance(dep, _Copy) for _, dep in deps):
        return
    path = _generated_file(url, item)
    record = {"css": content.decode("utf-8"), "sha256": hashlib.sha256(content).hexdigest(),
              "deps": [[u, dep.package.name, dep.path] for u, dep in deps if isinstance(dep, _Copy)]}
    with contextlib.suppress(OSError):  # no cache: the stylesheet is rewritten in every build
        npm.write_cache_file(path, json.dumps(record).encode("utf-8"))


def vendor_url(pkg: Package, path: str) -> str:
    """Return the site-relative URL of a file inside a pinned package."""
    if pkg in FONTS.values():
        return f"{_FONTS_ROOT}/{pkg.basename}/{posixpath.basename(path)}"
    return f"{_ROOTS[pkg.name]}/{path}"


class VendorSet:
    """The third-party files a site uses; each copied once into build/vendor/."""

    def __init__(self, *, project_dir: Path | None = None) -> None:
        self._project_dir = project_dir
        self._wanted: dict[str, _Item] = {}
        self._dirs: dict[Package, Path] = {}
        self._resolved: dict[str, tuple[_Content, list[tuple[str, _Item]]]] = {}

    # -- requests: cheap, no download ---------------------------------------------------------------------

    def reveal(self) -> list[str]:
        """Request reveal.js's core; return its CSS and JS URLs (reset.css, reveal.css, reveal.js)."""
        return [self._copy(REVEAL, f"dist/{name}") for name in ("reset.css", "reveal.css", "reveal.js")]

    def plugin(self, name: str) -> str:
        """Request one of reveal.js's plugins (notes, zoom, search); return its script URL."""
        _check_choice("reveal.js plugin", name, REVEAL_PLUGINS)
        return self._copy(REVEAL, f"dist/plugin/{name}.js")

    def theme(self, name: str) -> str:
        """Request a reveal.js theme, its web fonts served locally; return its CSS URL."""
        _check_choice("reveal.js theme", name, REVEAL_THEMES)
        return self._want(vendor_url(REVEAL, f"dist/theme/{name}.css"), _Generated("theme", name))

    def highlight_theme(self, name: str) -> str:
        """Request a code colour theme (see HIGHLIGHT_THEMES); return its CSS URL."""
        _check_choice("highlight theme", name, HIGHLIGHT_THEMES, brief=_HIGHLIGHT_THEMES_BRIEF)
        if name in _REVEAL_HIGHLIGHT_THEMES:
            return self._copy(REVEAL, f"dist/plugin/highlight/{name}.css")
        return self._copy(HIGHLIGHT, f"styles/{name}.min.css")

    def highlight(self, languages: set[str]) -> list[str]:
        """Request highlight.js and the grammars its common build lacks; return the script URLs."""
        urls = [self._copy(HIGHLIGHT, "highlight.min.js")]
        for language in extra_languages(languages):
            urls.append(self._copy(HIGHLIGHT, f"languages/{language}.min.js"))
        return urls

    def katex(self) -> tuple[list[str], list[str]]:
        """Request KaTeX; return (CSS URLs, JS URLs). Only its woff2 fonts are copied."""
        css = self._want(vendor_url(KATEX, "dist/katex.min.css"), _Generated("katex"))
        # auto-render typesets delimiters left as text (reveal-md's \\( idiom, math in raw HTML).
        return [css], [self._copy(KATEX, "dist/katex.min.js"), self._copy(KATEX, "dist/contrib/auto-render.min.js")]

    def mermaid(self) -> str:
        """Request mermaid (diagrams drawn in the page before the deck is shown); return its script URL."""
        return self._copy(MERMAID, "dist/mermaid.min.js")

    def _copy(self, pkg: Package, path: str) -> str:
        return self._want(vendor_url(pkg, path), _Copy(pkg, path))

    def source(self, url: str) -> Path | None:
        """The verified package file a requested URL is copied from, when it uses no other file (a stylesheet
        without url() or @import); None for a rewritten stylesheet or one that needs others."""
        item = self._wanted.get(url)
        if not isinstance(item, _Copy):
            return None
        content, dependencies = self._resolve(url, item)
        return content if isinstance(content, Path) and not dependencies else None

    def _want(self, url: str, item: _Item) -> str:
        self._wanted.setdefault(url, item)
        return url

    # -- materialising: fetches packages --------------------------------------------------------------------

    def files(self) -> dict[str, Path | bytes]:
        """Return every file to write (requested, or used by requested CSS): URL -> source or content."""
        result: dict[str, Path | bytes] = {}
        queue = list(self._wanted.items())
        while queue:
            url, item = queue.pop(0)
            if url in result:
                continue
            content, dependencies = self._resolve(url, item)
            result[url] = content
            queue.extend(dependencies)
        return result

    def write(self, out_dir: Path) -> None:
        """Write every requested file under ``out_dir`` (the site root), each once."""
        files = self.files()
        for url, content in files.items():
            target = out_dir.joinpath(*url.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                shutil.copyfile(content, target)
        log.debug("wrote %d vendor files under %s", len(files), out_dir)

    def _resolve(self, url: str, item: _Item) -> tuple[_Content, list[tuple[str, _Item]]]:
        if url not in self._resolved:
            if isinstance(item, _Copy):
                self._resolved[url] = self._resolve_copy(item)
            else:  # a rewritten stylesheet: made once per deckgen version, then read from the user's cache
                made = _load_generated(url, item)
                if made is None:
                    made = self._resolve_theme(url, item.name) if item.kind == "theme" else self._resolve_katex()
                    _save_generated(url, item, made)
                self._resolved[url] = made
        return self._resolved[url]

    def _package_dir(self, pkg: Package) -> Path:
        if pkg not in self._dirs:
            self._dirs[pkg] = npm.package_dir(pkg, project_dir=self._project_dir)
        return self._dirs[pkg]

    def _source(self, pkg: Package, path: str) -> Path:
        source = npm.checked_file(pkg, self._package_dir(pkg), path)
        if not source.is_file():
            raise AssetError(
                f"{pkg} has no file {path} in {self._dirs[pkg]}. The folder is incomplete: delete it so "
                f"deckgen downloads the package again, or reinstall it (npm install {pkg})."
            )
        return source

    def _resolve_copy(self, item: _Copy) -> tuple[_Content, list[tuple[str, _Item]]]:
        source = self._source(item.package, item.path)
        if not item.path.endswith(".css"):
            return source, []
        text = source.read_text(encoding="utf-8")
        return source, _css_dependencies(item.package, item.path, text)

    def _resolve_theme(self, url: str, name: str) -> tuple[_Content, list[tuple[str, _Item]]]:
        path = f"dist/theme/{name}.css"
        source = self._source(REVEAL, path)
        text = source.read_text(encoding="utf-8")
        imports = [match.group(1) for match in _IMPORT.finditer(text)]
        unembedded, fonts = self._unembed_fonts(url, name, text)
        if not imports and not fonts:
            return source, _css_dependencies(REVEAL, path, text)
        faces: list[str] = []
        for import_url in imports:
            for family, variants in _web_font_families(name, import_url):
                family_faces, family_fonts = self._font_faces(url, family, variants)
                faces += family_faces
                fonts += family_fonts
        css = "".join(faces) + _IMPORT.sub("", unembedded)
        # The theme's own url()s (deckgen's font URLs are relative to the written CSS, not to the package).
        return css.encode("utf-8"), fonts + _css_dependencies(REVEAL, path, _IMPORT.sub("", text))

    def _unembed_fonts(self, css_url: str, theme: str, text: str) -> tuple[str, list[tuple[str, _Item]]]:
        """Replace each @font-face whose source is a data: URL by local woff2 faces of the same family.

        Return the new CSS and the woff2 files it uses. A face deckgen has no package for stays embedded.
        """
        fonts: list[tuple[str, _Item]] = []

        def replace(match: re.Match[str]) -> str:
            rule = match.group(1)
            if not _DATA_URL.search(rule):
                return match.group(0)
            family = _descriptor(rule, "font-family").strip("\"' ")
            if family not in FONTS:
                log.debug("reveal.js theme '%s' embeds the font '%s', which deckgen keeps as is", theme, family)
                return match.group(0)
            variant = (_weight(_descriptor(rule, "font-weight")), _style(_descriptor(rule, "font-style")))
            faces, files = self._font_faces(css_url, family, [variant])
            if not faces:
                return match.group(0)
            fonts.extend(files)
            return "".join(faces)

        return _FONT_FACE.sub(replace, text), fonts

    def _font_faces(
        self, css_url: str, family: str, variants: list[tuple[int, str]]
    ) -> tuple[list[str], list[tuple[str, _Item]]]:
        """Return the @font-face rules and woff2 files of one family's weights and styles."""
        faces: list[str] = []
        fonts: list[tuple[str, _Item]] = []
        pkg = FONTS[family]
        ranges = json.loads(self._source(pkg, "unicode.json").read_text(encoding="utf-8"))
        wanted = {*FONT_SUBSETS, *_EXTRA_FONT_SUBSETS.get(family, ())}
        # @fontsource's order (latin last): where subsets' ranges overlap, the face declared last wins.
        subsets = [subset for subset in ranges if subset in wanted]
        for weight, style in variants:
            found = False
            for subset in subsets:
                path = f"files/{pkg.basename}-{subset}-{weight}-{style}.woff2"
                if not self._has(pkg, path):
                    continue
                found = True
                font_url = vendor_url(pkg, path)
                fonts.append((font_url, _Copy(pkg, path)))
                faces.append(_font_face(family, weight, style, _relative(css_url, font_url), ranges[subset]))
            if not found:
                log.debug("%s has no %s %s face; the browser will synthesise it", pkg, weight, style)
        return faces, fonts

    def _has(self, pkg: Package, path: str) -> bool:
        return self._package_dir(pkg).joinpath(*path.split("/")).is_file()

    def _resolve_katex(self) -> tuple[_Content, list[tuple[str, _Item]]]:
        path = "dist/katex.min.css"
        text = self._source(KATEX, path).read_text(encoding="utf-8")
        css = _SRC.sub(lambda match: "src:" + _woff2_only(match.group(1)), text)
        return css.encode("utf-8"), _css_dependencies(KATEX, path, css)


def extra_languages(languages: set[str]) -> list[str]:
    """Return the highlight.js grammars to load besides the common build (names of languages/*.min.js)."""
    needed: set[str] = set()
    for language in languages:
        name = language.strip().lower()
        name = _HLJS_ALIASES.get(name, name)
        if name in COMMON_HLJS_LANGUAGES or name not in _HLJS_LANGUAGES:
            continue
        needed.add(name)
        needed.update(_HLJS_REQUIRES.get(name, ()))
    return sorted(needed)


def _check_choice(what: str, name: str, choices: tuple[str, ...], *, brief: str = "") -> None:
    if name in choices:
        return
    import difflib

    close = difflib.get_close_matches(name, choices, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else "."
    raise AssetError(f"unknown {what} '{name}'{hint} Choose one of: {brief or ', '.join(choices)}.")


def _css_dependencies(pkg: Package, css_path: str, text: str) -> list[tuple[str, _Item]]:
    """Return the package files a CSS file's url()s refer to; refuse any reference that leaves the site."""
    imported = _IMPORT.search(text)
    if imported:
        raise _off_site(pkg, css_path, imported.group(1))
    found: list[tuple[str, _Item]] = []
    for match in _URL.finditer(text):
        ref = next(group for group in match.groups() if group is not None)
        if not ref or ref.startswith(("data:", "#")):
            continue
        if _SCHEME.match(ref) or ref.startswith("/"):
            raise _off_site(pkg, css_path, ref)
        ref_path = re.split(r"[?#]", ref, maxsplit=1)[0]
        path = posixpath.normpath(posixpath.join(posixpath.dirname(css_path), ref_path))
        if path.startswith("../"):
            raise _off_site(pkg, css_path, ref)
        found.append((vendor_url(pkg, path), _Copy(pkg, path)))
    return found


def _off_site(pkg: Package, css_path: str, ref: str) -> AssetError:
    return AssetError(
        f"{pkg}'s {css_path} refers to {ref}, which deckgen cannot serve from the site, and a shown deck "
        "must not reach the network. This is a bug in deckgen's vendoring of a pinned package: report it, "
        "and choose another theme meanwhile."
    )


def _web_font_families(theme: str, url: str) -> list[tuple[str, list[tuple[int, str]]]]:
    """Parse a web-font CSS URL's ``family=Name:400,700italic|Other`` into families and (weight, style)s."""
    from urllib.parse import parse_qs, urlsplit

    values = parse_qs(urlsplit(url).query).get("family", [])
    if not values:
        raise AssetError(
            f"reveal.js theme '{theme}' imports {url}, which is not a web-font URL deckgen can serve "
            "locally. This is a bug in deckgen: report it, and choose another theme meanwhile."
        )
    families = []
    for spec in "|".join(values).split("|"):
        family, _, variants = spec.partition(":")
        family = family.strip()
        if family not in FONTS:
            raise AssetError(
                f"reveal.js theme '{theme}' uses the web font '{family}', which deckgen has no local copy "
                "of. This is a bug in deckgen: report it, and choose another theme meanwhile."
            )
        families.append((family, _parse_variants(variants)))
    return families


def _parse_variants(text: str) -> list[tuple[int, str]]:
    variants: list[tuple[int, str]] = []
    for token in (text or "400").split(","):
        token = token.strip().lower()
        match = _VARIANT.match(token)
        if token in _NAMED_VARIANTS:
            variant = _NAMED_VARIANTS[token]
        elif token and match:
            variant = (int(match.group(1) or 400), "italic" if match.group(2) else "normal")
        else:
            continue
        if variant not in variants:
            variants.append(variant)
    return variants


def _descriptor(rule: str, name: str) -> str:
    """Return the value of a descriptor of an @font-face rule's body ('' when absent)."""
    match = re.search(rf"(?:^|[;\s]){name}\s*:\s*([^;]*)", rule)
    return match.group(1).strip() if match else ""


def _weight(value: str) -> int:
    value = value.lower()
    if value.isdigit():
        return int(value)
    return 700 if value == "bold" else 400


def _style(value: str) -> str:
    return "italic" if value.lower() in ("italic", "oblique") else "normal"


def _font_face(family: str, weight: int, style: str, url: str, unicode_range: str) -> str:
    return (
        f"@font-face{{font-family:'{family}';font-style:{style};font-weight:{weight};font-display:swap;"
        f"src:url({url}) format('woff2');unicode-range:{unicode_range}}}\n"
    )


def _relative(from_url: str, to_url: str) -> str:
    """Return ``to_url`` relative to the folder of ``from_url`` (both site-relative)."""
    return posixpath.relpath(to_url, posixpath.dirname(from_url))


def _woff2_only(sources: str) -> str:
    match = _WOFF2_SRC.search(sources)
    if match is None:
        raise AssetError(
            f"{KATEX}'s CSS names a font without a woff2 file ({sources.strip()[:80]}). This is a bug in "
            "deckgen's vendoring of KaTeX: report it."
        )
    return f'url({match.group(1)}) format("woff2")'
