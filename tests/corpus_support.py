"""Helpers for tests/site/test_corpus.py: lay out the real decks of tests/corpus as deckgen projects.

The corpus holds Markdown decks written by other people for reveal-md, MkSlides and reveal.js's markdown plugin
(see its README.md and each folder's SOURCE.txt and LICENSE). Its images are not included, so a project gets a
small placeholder file at every local path a deck refers to. Nothing here imports deckgen: the expectations
(slide counts, notes, fragments, math, remote URLs) are computed from the Markdown independently, with the
separator rules the decks were written for.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

# A valid 1x1 transparent PNG; browsers also decode it when it is served as .jpg/.jpeg/.webp/.gif.
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
SVG_TINY = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n'
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}

# reveal.js's markdown plugin default notes separator ("^s*notes?:", sic) as reveal-md and MkSlides apply it;
# deckgen's documented rule: "Note:" or "Notes:" at the start of a line.
NOTES = re.compile(r"^\s*notes?:", re.IGNORECASE)


CORPUS_DIR = Path(__file__).resolve().parent / "corpus"


def corpus_root() -> Path:
    """The corpus folder: tests/corpus of this repository, or $DECKGEN_CORPUS when set (to try another copy)."""
    env = os.environ.get("DECKGEN_CORPUS")
    return Path(env) if env else CORPUS_DIR


# -- the corpus folders --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeckSpec:
    """One corpus deck: its file in the corpus folder and where it goes in the project."""

    source: str  # path inside the corpus folder
    name: str  # deck name in the site (build/NAME/index.html)
    folder: bool  # slides/NAME/index.md (True) or slides/NAME.md (False)


@dataclass(frozen=True)
class CorpusFolder:
    """One corpus folder and the settings of the tool its decks were written for."""

    folder: str
    decks: tuple[DeckSpec, ...]
    horizontal: str  # separator regex the decks were written for
    vertical: str | None  # None: the tool gives reveal.js no vertical separator (no vertical slides)
    config: str  # deckgen.yml text, without its exclude: line
    extra_files: tuple[str, ...] = ()  # project files named by the config (theme, css)
    root_files: tuple[str, ...] = ()  # files of the corpus folder copied as they are to the project's root
    exclude: tuple[str, ...] = ()  # files of slides/ that are not decks
    notes: str = NOTES.pattern  # notes separator regex the decks were written for (matched in any case)
    tool: str = "reveal-md"  # "reveal-md", "mkslides" or "reveal.js": where a deck's front matter may override

    @property
    def notes_regex(self) -> re.Pattern[str]:
        """The notes separator, compiled as reveal.js compiles it (multiline, any case)."""
        return re.compile(self.notes, re.IGNORECASE | re.MULTILINE)


def _pba_decks() -> tuple[DeckSpec, ...]:
    # The decks live at faculty_resources/X.md and syllabus/N-Topic/X.md in their repository; their <img> paths
    # ("../assets/...", "../../assets/...", "./img/...") assume that depth. As slides/NAME/index.md, "../../"
    # is the project root and "../" is slides/, so every path still lands inside the project.
    files = (
        "faculty_resources/0-how_to_use_reveal_slides.md",
        "faculty_resources/2-TEMPLATE_copy_paste_reveal_slides.md",
        "syllabus/1-Fundamentals/01-What-is-a-Blockchain-slides.md",
        "syllabus/2-Polkadot/04-State-Sharding-slides.md",
        "syllabus/3-Substrate/03-Wasm-Meta-Protocol-slides.md",
    )
    return tuple(DeckSpec(f, Path(f).stem, True) for f in files)


PBA = CorpusFolder(
    folder="Polkadot-Blockchain-Academy__pba-content",
    decks=_pba_decks(),
    horizontal=r"\r?\n---\r?\n",
    vertical=r"\r?\n---v\r?\n",
    # reveal-md.json + reveal.json of the repository (theme and css are the repository's own files: empty
    # placeholders here). "../CONTRIBUTING.md", linked from a faculty deck, lands in slides/: not a deck.
    config="""\
title: PBA corpus
defaults:
  separator: "\\\\r?\\\\n---\\\\r?\\\\n"
  verticalSeparator: "\\\\r?\\\\n---v\\\\r?\\\\n"
  theme: assets/styles/PBA-theme.css
  css: [assets/styles/custom-classes.css]
  highlightTheme: shades-of-purple
  width: 1400
  height: 900
  margin: 0
  transition: none
  slideNumber: true
  backgroundTransition: fade
""",
    extra_files=("assets/styles/PBA-theme.css", "assets/styles/custom-classes.css"),
    exclude=("CONTRIBUTING.md",),
)

RSE = CorpusFolder(
    folder="RSE-Sheffield__dl-demystified-course",
    decks=tuple(
        DeckSpec(f"slides/{n}.md", n, False)
        for n in (
            "00_overview",
            "01_introduction_to_deep_learning",
            "02_neural_networks",
            "03_convolution_neural_networks",
            "04_refining_the_model",
            "05_transfer_learning",
            "06_dl_in_other_fields",
        )
    ),
    # reveal-md's defaults (the repository sets no separator).
    horizontal=r"\r?\n---\r?\n",
    vertical=r"\r?\n----\r?\n",
    # reveal-md.json {theme: white, css: slides/assets/css/slide-style.css} + reveal.json; separators: deckgen's
    # defaults, which are reveal-md's.
    config="""\
title: RSE corpus
defaults:
  theme: white
  css: [slides/assets/css/slide-style.css]
  width: 1280
  height: 720
  transition: slide
  slideNumber: true
""",
    extra_files=("slides/assets/css/slide-style.css",),
)

GEOTRIBU = CorpusFolder(
    folder="geotribu__slides",
    decks=tuple(
        DeckSpec(f"slides/{n}.md", n, False)
        for n in (
            "2025-02-13_geotribu_introduction_en",
            "2025-03-13_qchat_talk_en",
            "2025-06-11_qchat_qgisfr2025",
            "2025-06-11_qgisfr2025_geotribu-x-QGIS",
            "2025-12-25_geotribu_2025_qalendar_en",
        )
    ),
    horizontal=r"^\s*---\s*$",
    vertical=r"^\s*----\s*$",
    # mkslides.yml: slides {theme black, highlight_theme vs, separator, separator_vertical, separator_notes}
    # and revealjs {width 1920, height 1080, transition fade}.
    config="""\
title: geotribu corpus
defaults:
  theme: black
  highlightTheme: vs
  separator: '^\\s*---\\s*$'
  verticalSeparator: '^\\s*----\\s*$'
  notesSeparator: '^Notes?:'
  revealOptions:
    width: 1920
    height: 1080
    transition: fade
""",
    tool="mkslides",
)

# reveal.js's own demo of an external Markdown file: examples/markdown.html loads it with
# <section data-markdown="markdown.md" data-separator="^\n\n\n" data-separator-vertical="^\n\n">: two blank lines
# start a horizontal slide, one blank line a vertical one. Theme white, highlight monokai, plugins Markdown,
# Highlight, Notes and Math.KaTeX; Reveal.initialize {controls, progress, history, center}.
REVEALJS = CorpusFolder(
    folder="hakimel__reveal.js",
    decks=(DeckSpec("examples/markdown.md", "markdown", False),),
    horizontal=r"^\n\n\n",
    vertical=r"^\n\n",
    config=r"""title: reveal.js external Markdown demo
defaults:
  theme: white
  highlightTheme: monokai
  separator: '^\n\n\n'
  verticalSeparator: '^\n\n'
  revealOptions:
    controls: true
    progress: true
    history: true
    center: true
""",
    tool="reveal.js",
)

# reveal-md's own demo decks (`reveal-md demo`), with reveal-md's defaults (lib/defaults.json: theme black,
# highlightTheme base16/zenburn, separator "\r?\n---\r?\n", verticalSeparator "\r?\n----\r?\n"); sub/c.md sets
# its own separators (<!--s-->, <!--v-->) in its front matter. demo/a.md shows sub/cat.jpg (slides/sub/cat.jpg
# here); sub/deep/d.md links ../../a.md, which stays inside the project as slides/d/index.md.
REVEAL_MD = CorpusFolder(
    folder="webpro__reveal-md",
    decks=(
        DeckSpec("demo/a.md", "a", False),
        DeckSpec("demo/b.md", "b", False),
        DeckSpec("demo/e.md", "e", False),
        DeckSpec("demo/sub/c.md", "c", False),
        DeckSpec("demo/sub/deep/d.md", "d", True),
        DeckSpec("demo-mermaid/mermaid.md", "mermaid", False),
    ),
    horizontal=r"\r?\n---\r?\n",
    vertical=r"\r?\n----\r?\n",
    config=r"""title: reveal-md demo corpus
defaults:
  theme: black
  highlightTheme: base16/zenburn
  separator: '\r?\n---\r?\n'
  verticalSeparator: '\r?\n----\r?\n'
""",
)

# MkSlides gives reveal.js's markdown plugin no separator of its own unless mkslides.yml or the front matter's
# slides: block sets one: reveal.js's defaults apply, "\r?\n---\r?\n" and no vertical separator at all (the deck
# has no "--"/"----" line, so deckgen's default vertical separator cannot differ). MkSlides' revealjs defaults
# are {history: true, slideNumber: "c/t"}, merged with mkslides.yml and the front matter's revealjs: block.
MITODL = CorpusFolder(
    folder="mitodl__tech-talk-slides",
    decks=(DeckSpec("src/factoryboy-advanced-techniques.md", "factoryboy-advanced-techniques", False),),
    horizontal=r"\r?\n---\r?\n",
    vertical=None,
    # mkslides.yml configures only the index page: MkSlides' defaults for the slides (theme black, highlight
    # monokai); the deck's front matter sets revealjs: {height 1050, width 1050}.
    config=r"""title: MIT Open Learning tech talks corpus
defaults:
  theme: black
  highlightTheme: monokai
  revealOptions:
    history: true
    slideNumber: c/t
""",
    tool="mkslides",
)

# revelation (Python) cuts slides.md with re.split("^---$") and re.split("^---~$") (multiline, not aware of code
# fences) and gives each slide to reveal.js's markdown plugin in a <section data-markdown><textarea data-template>;
# that is the cut of slidify() with these two regexes. example_slides/config.py: theme sky,
# REVEAL_CONFIG {controls: false, slideNumber: true, hash: true}.
REVELATION = CorpusFolder(
    folder="humrochagf__revelation",
    decks=(DeckSpec("example_slides/slides.md", "revelation", True),),
    horizontal=r"^---$",
    vertical=r"^---~$",
    config=r"""title: revelation corpus
defaults:
  theme: sky
  separator: '^---$'
  verticalSeparator: '^---~$'
  revealOptions:
    controls: false
    slideNumber: true
    hash: true
""",
    tool="reveal.js",
)

# Each deck's index.html loads its slides.md with <section class="markdown-slides" data-markdown="slides.md"
# data-separator="^---$" data-separator-vertical="^--$" data-separator-notes="^\*\*Speaker Notes:\*\*$">, theme
# ../../dist/theme/rust-workshop.css and highlight ../../plugin/highlight/solarized-light.css (files of the
# repository: empty placeholders here), plugins Markdown, Highlight, Notes, Math.KaTeX, Reveal.initialize
# {controls, progress, history, center}. A "----" line is no separator there: it is a Markdown thematic break.
# The decks' "../assets/..." images land in slides/assets/.
RUSTWORKSHOP = CorpusFolder(
    folder="rustworkshop__slide-decks",
    decks=(
        DeckSpec("decks/rust-workshop-master/slides.md", "rust-workshop-master", True),
        DeckSpec("decks/2023-04-13-rust-dependency-injection/slides.md", "2023-04-13-rust-dependency-injection", True),
    ),
    horizontal=r"^---$",
    vertical=r"^--$",
    notes=r"^\*\*Speaker Notes:\*\*$",
    config=r"""title: Rust Workshop corpus
defaults:
  theme: dist/theme/rust-workshop.css
  highlightTheme: plugin/highlight/solarized-light.css
  separator: '^---$'
  verticalSeparator: '^--$'
  notesSeparator: '^\*\*Speaker Notes:\*\*$'
  revealOptions:
    controls: true
    progress: true
    history: true
    center: true
""",
    extra_files=("dist/theme/rust-workshop.css", "plugin/highlight/solarized-light.css"),
    tool="reveal.js",
)

# A reveal-md project of a Windows user: its separators, stylesheet and reveal.js options are in reveal-md.json and
# reveal.json in the folder reveal-md runs in (the repository's root, as start.ps1 runs it), not in the front
# matter. deckgen reads those two files from the project's root: deckgen.yml holds only the index's title.
# reveal-md.json also names a JavaScript preprocessor (deckgen warns and does not run it).
REVEAL_MD_TEMPLATE = CorpusFolder(
    folder="sheldonhull__reveal-md-template",
    decks=(DeckSpec("presentation.md", "presentation", False),),
    horizontal="^" + "-" * 81,
    vertical="^" + "_" * 21,
    config="title: reveal-md template corpus\n",
    root_files=("reveal-md.json", "reveal.json", "assets/custom.css"),
)

FOLDERS = {
    "pba": PBA,
    "rse": RSE,
    "geotribu": GEOTRIBU,
    "revealjs": REVEALJS,
    "reveal-md": REVEAL_MD,
    "mitodl": MITODL,
    "revelation": REVELATION,
    "rustworkshop": RUSTWORKSHOP,
    "reveal-md-template": REVEAL_MD_TEMPLATE,
}
# Folders whose tests compare deckgen with what the authors saw in their tool: reveal.js's cut (never aware of
# code fences) and its notes rule (notes only when a slide has exactly one notes marker).
AUTHOR_VIEW_FOLDERS = ("revealjs", "reveal-md", "mitodl", "revelation", "rustworkshop", "reveal-md-template")


# -- Markdown of a deck --------------------------------------------------------------------------------------------


def split_front_matter(text: str) -> tuple[str, str]:
    """(front matter, body) of a deck; front matter is the YAML between the first two '---' lines."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :])
    return "", text


_FENCE_OPEN = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")


def fence_mask(body: str, cut: re.Pattern[str] | None = None) -> list[bool]:
    """For each line of body: True when it belongs to a fenced code block (fence lines included).

    CommonMark rules: a fence closes with a line of the same character, at least as long, and no info string;
    an unclosed fence runs to the end, or (deckgen's documented rule, given the separators as cut) to the line
    where the next separator match starts. Backtick fences cannot have a backtick in their info string.
    """
    lines = body.split("\n")
    mask: list[bool] = []
    fence: str | None = None
    opened = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _FENCE_OPEN.match(line)
        if fence is None:
            if match and not (match[1][0] == "`" and "`" in match[2]):
                fence, opened = match[1], index
                mask.append(True)
            else:
                mask.append(False)
        else:
            mask.append(True)
            if match and match[1][0] == fence[0] and len(match[1]) >= len(fence) and not match[2].strip():
                fence = None
        index += 1
        if index == len(lines) and fence is not None and cut is not None:
            start = sum(len(text) + 1 for text in lines[: opened + 1]) - 1  # the end of the opening line
            stop = cut.search(body, start)
            if stop is None:
                break
            index = body.count("\n", 0, stop.start()) + 1  # the separator's own lines are no code
            del mask[index:]
            fence = None
    return mask


def outside_code(body: str, fill: str = "", cut: re.Pattern[str] | None = None) -> str:
    """body with the lines of fenced code blocks blanked; with fill, each character becomes fill (offsets kept)."""
    lines = body.split("\n")
    mask = fence_mask(body, cut)
    return "\n".join((fill * len(line) if fill else "") if code else line for line, code in zip(lines, mask, strict=True))


@dataclass
class SourceSlide:
    """One slide of the source: its Markdown and the text of its notes (None without a notes marker)."""

    markdown: str
    notes: str | None
    notes_markers: int = 0  # lines matching the notes separator (reveal.js shows notes only when exactly one)


def split_source(
    body: str, horizontal: str, vertical: str | None, notes: re.Pattern[str] = NOTES, *, fence_aware: bool = True
) -> list[list[SourceSlide]]:
    """Stacks of slides, cut as reveal.js's markdown plugin slidify() cuts them: one regex over the whole text.

    With fence_aware, separators and notes markers inside fenced code are text (deckgen's documented rule);
    without, this is what reveal.js, reveal-md and MkSlides do. vertical None: no vertical separator.
    """
    both = re.compile(horizontal if vertical is None else f"{horizontal}|{vertical}", re.MULTILINE)
    text = outside_code(body, fill="x", cut=both) if fence_aware else body
    h_only = re.compile(horizontal)
    stacks: list[str | list[str]] = []
    last, was_horizontal = 0, True
    for match in both.finditer(text):
        is_horizontal = bool(h_only.search(match.group(0)))
        if not is_horizontal and was_horizontal:
            stacks.append([])
        content = body[last : match.start()]
        if is_horizontal and was_horizontal:
            stacks.append(content)
        else:
            stacks[-1].append(content)  # type: ignore[union-attr]
        last, was_horizontal = match.end(), is_horizontal
    rest = body[last:]
    if was_horizontal:
        stacks.append(rest)
    else:
        stacks[-1].append(rest)  # type: ignore[union-attr]
    return [
        [_slide(chunk, notes, fence_aware) for chunk in (item if isinstance(item, list) else [item])] for item in stacks
    ]


def _slide(chunk: str, notes: re.Pattern[str], fence_aware: bool) -> SourceSlide:
    lines = chunk.split("\n")
    mask = fence_mask(chunk) if fence_aware else [False] * len(lines)
    found = [i for i, (line, code) in enumerate(zip(lines, mask, strict=True)) if not code and notes.match(line)]
    if not found:
        return SourceSlide(chunk, None)
    index = found[0]
    cut = notes.match(lines[index]).end()  # type: ignore[union-attr]
    text = "\n".join([lines[index][cut:], *lines[index + 1 :]])
    return SourceSlide("\n".join(lines[:index]), text, len(found))


def drop_trailing_empty(stacks: list[list[SourceSlide]]) -> list[list[SourceSlide]]:
    """deckgen's documented tidy-up: a separator at the very end of a file leaves no empty last slide."""
    while stacks and len(stacks[-1]) == 1 and not stacks[-1][0].markdown.strip() and not stacks[-1][0].notes:
        stacks = stacks[:-1]
    return stacks


@dataclass(frozen=True)
class DeckSeparators:
    """The separator regexes one deck was written for: its folder's, or its own front matter's."""

    horizontal: str
    vertical: str | None
    notes: str

    @property
    def notes_regex(self) -> re.Pattern[str]:
        """The notes separator, compiled as reveal.js compiles it (multiline, any case)."""
        return re.compile(self.notes, re.IGNORECASE | re.MULTILINE)


def front_matter_data(front: str) -> dict:
    """The front matter as YAML data ({} when absent or when it is not valid YAML)."""
    import yaml

    try:
        data = yaml.safe_load(front) if front.strip() else {}
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def deck_separators(spec: CorpusFolder, text: str) -> DeckSeparators:
    """Separators of a deck as its tool reads them: reveal-md takes separator / verticalSeparator /
    notesSeparator from the front matter, MkSlides takes slides: {separator, separator_vertical,
    separator_notes}; reveal.js's data-separator attributes are the folder's."""
    data = front_matter_data(split_front_matter(text)[0])
    keys = ("separator", "verticalSeparator", "notesSeparator")
    if spec.tool == "mkslides":
        data = data.get("slides") if isinstance(data.get("slides"), dict) else {}
        keys = ("separator", "separator_vertical", "separator_notes")
    elif spec.tool != "reveal-md":
        data = {}
    own = [data.get(key) if isinstance(data.get(key), str) else None for key in keys]
    return DeckSeparators(own[0] or spec.horizontal, own[1] or spec.vertical, own[2] or spec.notes)


def author_stacks(spec: CorpusFolder, text: str) -> list[list[SourceSlide]]:
    """The stacks of slides the deck's author saw: reveal.js's cut of the body (front matter removed by the
    tool), with no regard for code fences and no tidy-up of a trailing empty slide."""
    seps = deck_separators(spec, text)
    body = split_front_matter(text)[1]
    return split_source(body, seps.horizontal, seps.vertical, seps.notes_regex, fence_aware=False)


def deckgen_stacks(spec: CorpusFolder, text: str) -> list[list[SourceSlide]]:
    """The stacks deckgen documents for the same deck: separators and notes markers inside fenced code are
    text, and a separator at the very end leaves no empty slide."""
    seps = deck_separators(spec, text)
    body = split_front_matter(text)[1]
    return drop_trailing_empty(split_source(body, seps.horizontal, seps.vertical, seps.notes_regex))


def shape(stacks: list[list[SourceSlide]]) -> list[int]:
    """Number of vertical slides of each stack."""
    return [len(stack) for stack in stacks]


# -- local references and placeholders -----------------------------------------------------------------------------

_MD_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?(?P<url>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_ATTR = re.compile(
    r"""\s(?P<name>src|href|data|poster|data-src|data-background(?:-image|-video|-iframe)?|data-chart-src|"""
    r"""data-preview-(?:image|video|link))\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""",
    re.IGNORECASE,
)
_CSS_URL = re.compile(r"""url\(\s*['"]?(?P<url>[^'")]+)['"]?\s*\)""")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def is_remote(url: str) -> bool:
    """True for an absolute URL (http:, https:, mailto:, //host ...)."""
    return bool(_SCHEME.match(url))


def references(body: str) -> Iterator[tuple[str, str]]:
    """(kind, url) of every link, image or media reference in a deck, code included: kind is 'md' or 'html'."""
    for match in _MD_LINK.finditer(body):
        yield "md", match["url"]
    for match in _HTML_ATTR.finditer(body):
        value = match["dq"] if match["dq"] is not None else match["sq"]
        yield "html", html.unescape(value)
    for match in _CSS_URL.finditer(body):
        yield "html", match["url"]


def local_paths(body: str) -> set[str]:
    """Local file references of a deck (no URL, no #anchor, no colour), without query or fragment."""
    paths = set()
    for _, url in references(body):
        url = url.strip()
        if not url or url.startswith("#") or is_remote(url) or url.startswith(("data:", "{")):
            continue
        # A backslash is a slash to browsers (decks written on Windows use them).
        path = unquote(re.split(r"[?#]", url, maxsplit=1)[0]).replace("\\", "/")
        if path and ("/" in path or "." in path):
            paths.add(path)
    return paths


def remote_urls(body: str) -> set[str]:
    """http(s) URLs of images, links, media and backgrounds outside fenced code."""
    return {url for _, url in references(outside_code(body)) if url.startswith(("http://", "https://"))}


def write_placeholder(path: Path) -> None:
    """A small valid file of the kind its suffix names (empty for anything but images)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if path.exists():
        return
    if suffix in IMAGE_SUFFIXES:
        path.write_bytes(PNG_1X1)
    elif suffix == ".svg":
        path.write_bytes(SVG_TINY)
    else:
        path.write_bytes(b"")


@dataclass
class Project:
    """A deckgen project made from one corpus folder."""

    root: Path
    spec: CorpusFolder
    placeholders: list[Path] = field(default_factory=list)
    outside: list[tuple[str, str]] = field(default_factory=list)  # (deck, path) that would leave the project


def make_project(corpus: Path, spec: CorpusFolder, root: Path, *, skip: Iterable[str] = ()) -> Project:
    """Copy a corpus folder's decks (but those named in skip) into a new project at root, with placeholders
    for every local file they refer to and a deckgen.yml holding the settings of the tool they were written for.
    """
    project = Project(root, spec)
    slides = root / "slides"
    slides.mkdir(parents=True)
    skip = set(skip)
    for deck in spec.decks:
        if deck.name in skip:
            continue
        source = corpus / spec.folder / deck.source
        target = slides / deck.name / "index.md" if deck.folder else slides / f"{deck.name}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        text = source.read_text(encoding="utf-8")
        for rel in sorted(local_paths(split_front_matter(text)[1])):
            place = Path(os.path.normpath(target.parent / rel))
            if not place.is_relative_to(root):
                project.outside.append((deck.name, rel))
                continue
            write_placeholder(place)
            project.placeholders.append(place)
    for rel in spec.extra_files:
        write_placeholder(root / rel)
    for rel in spec.root_files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / spec.folder / rel, root / rel)
    write_config(root, spec.config, spec.exclude)
    return project


def write_config(root: Path, config: str, exclude: Iterable[str] = ()) -> None:
    """Write deckgen.yml: config plus an exclude: line (YAML flow list) when there is anything to exclude."""
    exclude = list(exclude)
    text = config + (f"exclude: {json.dumps(exclude)}\n" if exclude else "")
    (root / "deckgen.yml").write_text(text, encoding="utf-8")


# -- the built HTML ------------------------------------------------------------------------------------------------


@dataclass
class Element:
    """A start tag inside div.slides: its name, its attributes, and whether it sits in speaker notes."""

    tag: str
    attrs: dict[str, str]
    in_notes: bool


class SlidesParser(HTMLParser):
    """Read the structure of div.slides: its sections (two levels, as reveal.js reads them) and start tags."""

    VOID = frozenset(
        ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_slides = False
        self.stack: list[str] = []  # open tags inside div.slides
        self.top: list[dict] = []  # [{"attrs", "children": [{"attrs", "notes"}], "notes"}]
        self.elements: list[Element] = []
        self.notes_depth: int | None = None  # len(stack) when inside <aside class="notes">
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if not self.in_slides:
            if tag == "div" and "slides" in values.get("class", "").split():
                self.in_slides = True
                self.stack = []
            return
        in_notes = self.notes_depth is not None
        if tag == "section":
            level = sum(1 for t in self.stack if t == "section")
            if level == 0:
                self.top.append({"attrs": values, "children": [], "notes": 0})
            elif level == 1:
                self.top[-1]["children"].append({"attrs": values, "notes": 0})
        if tag == "aside" and "notes" in values.get("class", "").split() and not in_notes:
            self.notes_depth = len(self.stack)
            if self.top:
                nested = self.top[-1]["children"] and self._level() >= 2
                (self.top[-1]["children"][-1] if nested else self.top[-1])["notes"] += 1
        self.elements.append(Element(tag, values, in_notes))
        if tag not in self.VOID:
            self.stack.append(tag)

    def _level(self) -> int:
        return sum(1 for t in self.stack if t == "section")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.in_slides:
            self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, self.notes_depth is not None))

    def handle_endtag(self, tag: str) -> None:
        if not self.in_slides:
            return
        if not self.stack:
            if tag == "div":
                self.in_slides = False
            return
        if tag in self.stack:
            while self.stack:
                popped = self.stack.pop()
                if self.notes_depth is not None and len(self.stack) <= self.notes_depth:
                    self.notes_depth = None
                if popped == tag:
                    break

    def handle_comment(self, data: str) -> None:
        if self.in_slides:
            self.comments.append(data)


@dataclass
class BuiltDeck:
    """What a built deck page holds, as reveal.js will see it."""

    html: str
    stacks: list[dict]
    elements: list[Element]
    comments: list[str]

    @property
    def slide_count(self) -> int:
        """Slides as reveal.js counts them: a top-level section with child sections is a vertical stack."""
        return sum(len(s["children"]) or 1 for s in self.stacks)

    @property
    def shape(self) -> list[int]:
        """Number of vertical slides of each stack (1 for a lone slide)."""
        return [len(s["children"]) or 1 for s in self.stacks]

    @property
    def notes_count(self) -> int:
        """Slides with an <aside class="notes">."""
        total = 0
        for stack in self.stacks:
            total += sum(1 for c in stack["children"] if c["notes"]) if stack["children"] else int(bool(stack["notes"]))
        return total

    def with_class(self, name: str, *, notes: bool = False) -> list[Element]:
        """Start tags (outside notes unless asked) whose class list holds name."""
        return [e for e in self.elements if name in e.attrs.get("class", "").split() and (notes or not e.in_notes)]

    def attribute_values(self) -> set[str]:
        """Every attribute value in the slides, HTML-unescaped."""
        return {v for e in self.elements for v in e.attrs.values()}

    def slide_attrs(self) -> list[dict[str, str]]:
        """Attributes of each slide's <section>, in reading order."""
        out = []
        for stack in self.stacks:
            out.extend([c["attrs"] for c in stack["children"]] if stack["children"] else [stack["attrs"]])
        return out


def read_built(page: Path) -> BuiltDeck:
    """Parse a deck page written by deckgen."""
    text = page.read_text(encoding="utf-8")
    parser = SlidesParser()
    parser.feed(text)
    parser.close()
    return BuiltDeck(text, parser.top, parser.elements, parser.comments)


# -- counts from the source ----------------------------------------------------------------------------------------

_ELEMENT_COMMENT = re.compile(r"<!--\s*\.element\s*:?(?P<attrs>.*?)-->", re.S)
_RAW_CLASS = re.compile(r"<(?P<tag>[a-zA-Z][\w-]*)\b[^>]*?\sclass\s*=\s*\"(?P<cls>[^\"]*)\"")


def element_comments(markdown: str) -> list[str]:
    """The attribute text of every <!-- .element: --> comment outside fenced code."""
    return [m["attrs"] for m in _ELEMENT_COMMENT.finditer(outside_code(markdown))]


def fragment_comments(markdown: str) -> int:
    """How many <!-- .element: --> comments outside code give the class "fragment"."""
    count = 0
    for attrs in element_comments(markdown):
        match = re.search(r"""class\s*=\s*["']([^"']*)["']""", attrs)
        if match and "fragment" in match[1].split():
            count += 1
    return count


def raw_fragments(markdown: str) -> int:
    """Raw HTML tags outside code (and outside comments) whose class already holds "fragment"."""
    text = re.sub(r"<!--.*?-->", "", outside_code(markdown), flags=re.S)
    return sum(1 for m in _RAW_CLASS.finditer(text) if "fragment" in m["cls"].split())


# -- what a page shows ---------------------------------------------------------------------------------------------


class TextParser(HTMLParser):
    """The text of div.slides, split by what reveal.js and KaTeX make of it: slide text (where KaTeX's
    auto-render looks for math, or inside an .arithmatex element), text inside <pre>/<code>, notes text; and the
    text of each <pre><code> block."""

    SKIP = frozenset(["script", "style", "textarea"])
    VOID = SlidesParser.VOID

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth: int | None = None  # len(stack) of div.slides
        self.stack: list[tuple[str, frozenset[str]]] = []
        self.slide_text: list[str] = []
        self.code_text: list[str] = []
        self.notes_text: list[str] = []
        self.code_blocks: list[str] = []
        self._block: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = frozenset(dict(attrs).get("class", "") and (dict(attrs).get("class") or "").split())
        if self.depth is None:
            if tag == "div" and "slides" in classes:
                self.depth = len(self.stack)
            if tag not in self.VOID:
                self.stack.append((tag, classes))
            return
        if tag == "code" and any(t == "pre" for t, _ in self.stack[self.depth :]) and self._block is None:
            self._block = []
        if tag not in self.VOID:
            self.stack.append((tag, classes))

    def handle_endtag(self, tag: str) -> None:
        if not any(t == tag for t, _ in self.stack):
            return
        while self.stack:
            popped, _ = self.stack.pop()
            if popped == "code" and self._block is not None and not any(t == "code" for t, _ in self.stack):
                self.code_blocks.append("".join(self._block))
                self._block = None
            if self.depth is not None and len(self.stack) <= self.depth:
                self.depth = None
            if popped == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.depth is None:
            return
        inside = self.stack[self.depth :]
        tags = {t for t, _ in inside}
        if tags & self.SKIP:
            return
        if self._block is not None:
            self._block.append(data)
        if any(t == "aside" and "notes" in c for t, c in inside):
            self.notes_text.append(data)
        elif tags & {"pre", "code"} and not any("arithmatex" in c for _, c in inside):
            self.code_text.append(data)
        else:
            self.slide_text.append(data)


@dataclass
class PageText:
    """Text of a deck page's slides (see TextParser)."""

    slides: str
    code: str
    notes: str
    code_blocks: list[str]


def page_text(html_text: str) -> PageText:
    parser = TextParser()
    parser.feed(html_text)
    parser.close()
    return PageText(
        "".join(parser.slide_text), "".join(parser.code_text), "".join(parser.notes_text), parser.code_blocks
    )


def squash(text: str) -> str:
    """Whitespace runs as one space, ends stripped: to compare text across re-flowing."""
    return re.sub(r"\s+", " ", text).strip()


# -- math, code and links of the source ------------------------------------------------------------------------------

# KaTeX's auto-render delimiters that reveal.js's math plugin (RevealMath.KaTeX) looks for, longest first; "$...$"
# is left out (dollar amounts make it ambiguous to count). reveal.js typesets inside inline code too: it ignores
# only script, noscript, style, textarea and pre.
_MATH = re.compile(r"\$\$(?P<a>.+?)\$\$|\\\[(?P<b>.+?)\\\]|\\\((?P<c>.+?)\\\)", re.S)


def math_formulas(markdown: str) -> list[str]:
    """The TeX of each $$...$$, \\[...\\] and \\(...\\) formula outside fenced code, HTML-unescaped (reveal.js
    reads the Markdown out of a <textarea> or from raw HTML, where "&amp;" is "&")."""
    text = re.sub(r"<!--.*?-->", "", outside_code(markdown), flags=re.S)
    return [html.unescape(m["a"] or m["b"] or m["c"]) for m in _MATH.finditer(text)]


# reveal.js's markdown plugin reads "[1|3-5]" or "[287: 2|4,6]" after a fence's language.
_LINE_NUMBERS = re.compile(r"\[\s*((\d*):)?\s*([\s\d,|-]*)\]")
_RAW_PRE_CODE = re.compile(r"<pre\b[^>]*>\s*<code\b(?P<attrs>[^>]*)>(?P<body>.*?)</code>\s*</pre>", re.S | re.I)


@dataclass(frozen=True)
class SourceCode:
    """A code block of the source: fenced (info string) or raw <pre><code> HTML."""

    body: str
    line_numbers: str | None  # the value reveal.js gives data-line-numbers, None without it
    start_from: str | None  # data-ln-start-from
    language: str = ""  # a fence's language (the first word of its info string)


def code_blocks(markdown: str) -> list[SourceCode]:
    """Fenced code blocks (closed ones) and raw <pre><code> blocks outside fences, in no particular order."""
    blocks: list[SourceCode] = []
    lines = markdown.split("\n")
    fence: re.Match[str] | None = None
    body: list[str] = []
    for line in lines:
        match = _FENCE_OPEN.match(line)
        if fence is None:
            if match and not (match[1][0] == "`" and "`" in match[2]):
                fence, body = match, []
            continue
        if match and match[1][0] == fence[1][0] and len(match[1]) >= len(fence[1]) and not match[2].strip():
            info = _LINE_NUMBERS.search(fence[2])
            steps = info[3].strip() if info else None
            start = info[2] if info and info[2] else None
            language = _LINE_NUMBERS.sub("", fence[2]).strip().split(" ")[0]
            blocks.append(SourceCode("\n".join(body), steps, start, language))
            fence = None
        else:
            body.append(line)
    for match in _RAW_PRE_CODE.finditer(outside_code(markdown)):
        attrs = dict(
            (m[1].lower(), html.unescape(m[2] if m[2] is not None else m[3] or ""))
            for m in re.finditer(r"""([\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'))?""", match["attrs"])
        )
        blocks.append(SourceCode(html.unescape(match["body"]), attrs.get("data-line-numbers"), None))
    return blocks


def in_deck_links(markdown: str) -> set[str]:
    """Targets of links that stay in the page ("#/2/1", "#some-id"): Markdown links and href attributes outside
    fenced code (not images, not backgrounds)."""
    text = outside_code(markdown)
    urls = [m["url"] for m in _MD_LINK.finditer(text) if not m.group(0).startswith("!")]
    urls += [html.unescape(m[1] or m[2]) for m in re.finditer(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)')""", text, re.I)]
    return {url for url in urls if url.startswith("#") and len(url) > 1}
