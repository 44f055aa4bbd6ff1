"""Helpers for tests/site/test_corpus.py: lay out the real decks of ../shared/corpus as deckgen projects.

The corpus holds Markdown decks written by other people for reveal-md and MkSlides (see its README.md and each
folder's SOURCE.txt). Its images are not included, so a project gets a small placeholder file at every local
path a deck refers to. Nothing here imports deckgen: the expectations (slide counts, notes, fragments, remote
URLs) are computed from the Markdown independently, with the separator rules the decks were written for.
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


def corpus_root() -> Path | None:
    """The corpus folder: $DECKGEN_CORPUS, else ../shared/corpus beside the repository; None when absent."""
    env = os.environ.get("DECKGEN_CORPUS")
    root = Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    return root if root.is_dir() else None


# -- the three corpus folders ------------------------------------------------------------------------------------


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
    vertical: str
    config: str  # deckgen.yml text, without its exclude: line
    extra_files: tuple[str, ...] = ()  # project files named by the config (theme, css)
    exclude: tuple[str, ...] = ()  # files of slides/ that are not decks
    notes: str = NOTES.pattern  # notes separator regex the decks were written for (matched in any case)

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
)

FOLDERS = {"pba": PBA, "rse": RSE, "geotribu": GEOTRIBU}


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


def fence_mask(body: str) -> list[bool]:
    """For each line of body: True when it belongs to a fenced code block (fence lines included).

    CommonMark rules: a fence closes with a line of the same character, at least as long, and no info string;
    an unclosed fence runs to the end. Backtick fences cannot have a backtick in their info string.
    """
    mask: list[bool] = []
    fence: str | None = None
    for line in body.split("\n"):
        match = _FENCE_OPEN.match(line)
        if fence is None:
            if match and not (match[1][0] == "`" and "`" in match[2]):
                fence = match[1]
                mask.append(True)
            else:
                mask.append(False)
        else:
            mask.append(True)
            if match and match[1][0] == fence[0] and len(match[1]) >= len(fence) and not match[2].strip():
                fence = None
    return mask


def outside_code(body: str, fill: str = "") -> str:
    """body with the lines of fenced code blocks blanked; with fill, each character becomes fill (offsets kept)."""
    lines = body.split("\n")
    return "\n".join(
        (fill * len(line) if fill else "") if code else line for line, code in zip(lines, fence_mask(body), strict=True)
    )


@dataclass
class SourceSlide:
    """One slide of the source: its Markdown and the text of its notes (None without a notes marker)."""

    markdown: str
    notes: str | None
    notes_markers: int = 0  # lines matching the notes separator (reveal.js shows notes only when exactly one)


def split_source(
    body: str, horizontal: str, vertical: str, notes: re.Pattern[str] = NOTES, *, fence_aware: bool = True
) -> list[list[SourceSlide]]:
    """Stacks of slides, cut as reveal.js's markdown plugin slidify() cuts them: one regex over the whole text.

    With fence_aware, separators and notes markers inside fenced code are text (deckgen's documented rule);
    without, this is what reveal-md and MkSlides do.
    """
    text = outside_code(body, fill="x") if fence_aware else body
    both = re.compile(f"{horizontal}|{vertical}", re.MULTILINE)
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
        path = unquote(re.split(r"[?#]", url, maxsplit=1)[0])
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
