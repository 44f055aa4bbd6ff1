"""One page in, one deck out: read the page, its reveal.js set-up, its slides and its scripts; translate; write the
deck's Markdown. Nothing is written to disk here: the command writes every deck once all are converted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deckgen.assets.vendor import HIGHLIGHT_THEMES, REVEAL_THEMES
from deckgen.importer.load_scripts import Effects, translate
from deckgen.importer.markdown_text import add_line_numbers, links_in_new_tab
from deckgen.importer.page import Page, read_page
from deckgen.importer.paths import PathRewriter
from deckgen.importer.raw_html import starts_as_block
from deckgen.importer.report import DeckReport
from deckgen.importer.reveal_setup import RevealSetup, read_setup
from deckgen.importer.slides import ImportedSlide, Stack, apply_to_slides, read_slides
from deckgen.importer.writer import deck_text

_JQUERY = re.compile(r"jquery", re.I)


@dataclass
class ImportedDeck:
    """A converted deck, ready to be written: its Markdown (front matter without css/scripts of its own yet), the
    CSS of its <style> blocks and the code of the scripts kept, and its report."""

    name: str
    page: Path
    target: Path
    front: dict[str, Any]
    body: str
    report: DeckReport
    style: str = ""  # inline <style> blocks, url()s rewritten for slides/css/
    script: str = ""  # inline scripts deckgen cannot translate
    extra_css: list[str] = field(default_factory=list)
    extra_scripts: list[str] = field(default_factory=list)


def deck_name(page: Path) -> str:
    """The deck's name: the page's file name, or its folder's for an index.html."""
    return page.parent.name if page.stem.lower() == "index" and page.parent.name else page.stem


def convert_page(path: Path, project: Path, target: Path, decks: dict[Path, Path]) -> ImportedDeck:
    """Convert one reveal.js page into the deck written at target (decks: other pages imported -> their decks)."""
    page = read_page(path)
    report = DeckReport(path)
    setup = read_setup(page, report, REVEAL_THEMES, HIGHLIGHT_THEMES)
    stacks = read_slides(page, setup.version, report, project=project)
    effects = Effects()
    kept_code = _scripts(page, setup, effects, report)
    _apply(stacks, effects)
    _preview_links(stacks, setup, report)
    for slide in (s for stack in stacks for s in stack if s.kind == "html" and s.content.strip()):
        if not starts_as_block(slide.content):
            report.leave(slide.line, "an HTML slide that starts with text or an inline element: deckgen's Markdown "
                                     "wraps its first lines in <p> (start it with a block element such as <p>)")
    problems: list[tuple[int | None, str]] = []
    links = {p: _relative(d, target.parent) for p, d in decks.items()}
    rewriter = PathRewriter(path.parent, target.parent, project, links, problems)
    css_rewriter = PathRewriter(path.parent, target.parent / "css", project, links, problems)
    front = _front(page, setup, effects, rewriter)
    body = deck_text({}, stacks, rewriter)
    style = "\n".join(css_rewriter.css(css.strip("\n")) + "\n" for css, _line in page.styles)
    extra_scripts = []
    for src, line in setup.other_scripts:
        if _JQUERY.search(src) and not re.search(r"\$\(|jQuery", kept_code):
            report.translate("jQuery (only the translated scripts used it)")
            continue
        rewriter.line = line
        extra_scripts.append(rewriter.url(src))
        report.leave(line, f"script {src}: kept under scripts:, check what it does")
    for line, problem in problems:
        report.leave(line, problem)
    for tag, line in page.outside:
        report.leave(line, f"<{tag}> inside .reveal beside .slides (a logo or footer? put it in a template)")
    slides = [s for stack in stacks for s in stack]
    report.slides = len(slides)
    report.markdown_slides = sum(s.kind == "markdown" for s in slides)
    report.html_slides = report.slides - report.markdown_slides
    if page.styles:
        report.translate(f"{len(page.styles)} <style> block{'s' if len(page.styles) > 1 else ''} to a CSS file")
    return ImportedDeck(deck_name(path), path, target, front, body, report, style, kept_code,
                        [rewriter.url(href) for href, _ in setup.stylesheets], extra_scripts)


def _relative(path: Path, folder: Path) -> str:
    import os

    return Path(os.path.relpath(path, folder)).as_posix()


def _scripts(page: Page, setup: RevealSetup, effects: Effects, report: DeckReport) -> str:
    """Translate the inline scripts; return the code of those kept."""
    kept = []
    for script in page.scripts:
        if script.src or script.line in setup.init_scripts or not script.code.strip():
            continue
        before = len(effects.done)
        if translate(script.code, effects):
            for what in effects.done[before:]:
                report.translate(what)
            continue
        del effects.done[before:]
        if re.search(r"\b(?:Reveal\s*\.\s*initialize|new\s+Reveal)\b", script.code):
            report.leave(script.line, "code around Reveal.initialize(): kept in the deck's script file (it may "
                                      "need editing: deckgen initialises reveal.js itself)")
        else:
            report.leave(script.line, "inline script: kept in the deck's script file, check what it does")
        kept.append(f"// from {page.path.name}, line {script.line}\n{script.code.strip()}\n")
    if effects.public_hide or effects.public_no_fragments:
        profile = []
        if effects.public_hide:
            profile.append(f"hide: [{', '.join(effects.public_hide)}]")
        if effects.public_no_fragments:
            profile.append("fragments: false")
        report.suggest(f"profiles: {{public: {{{', '.join(profile)}}}}} (the page removed these when not on "
                       "localhost; build with --profile public)")
    return "\n".join(kept)


def _apply(stacks: list[Stack], effects: Effects) -> None:
    def change(slide: ImportedSlide) -> None:
        classes = slide.attrs.get("class", "").split()
        if set(classes) & set(effects.incremental_classes) and "incremental" not in classes:
            slide.attrs["class"] = " ".join([*classes, "incremental"])
        if effects.line_numbers:
            slide.content = add_line_numbers(slide.content) if slide.kind == "markdown" else re.sub(
                r"<code\b(?![^>]*data-line-numbers)", "<code data-line-numbers", slide.content)
        if effects.links_new_tab:
            slide.content = links_in_new_tab(slide.content) if slide.kind == "markdown" else re.sub(
                r"<a\b(?=[^>]*\shref=)(?![^>]*\starget=)", '<a target="_blank"', slide.content)

    apply_to_slides(stacks, change)


def _preview_links(stacks: list[Stack], setup: RevealSetup, report: DeckReport) -> None:
    """data-preview-link="false" does nothing while previewLinks is off; deckgen would take "false" for a file."""
    pattern = re.compile(r"""\sdata-preview-link\s*=\s*(["']?)false\1(?=[\s>/])""")

    def change(slide: ImportedSlide) -> None:
        if pattern.search(slide.content):
            if setup.options.get("previewLinks") is True:
                report.leave(slide.line, 'data-preview-link="false": deckgen reads "false" as a file; remove it')
            else:
                slide.content = pattern.sub("", slide.content)
                report.translate('data-preview-link="false" left out (previewLinks is off)')

    apply_to_slides(stacks, change)


def _front(page: Page, setup: RevealSetup, effects: Effects, rewriter: PathRewriter) -> dict[str, Any]:
    front: dict[str, Any] = {}
    if page.title:
        front["title"] = page.title
    if page.description:
        front["description"] = page.description
    if page.author:
        front["author"] = page.author
    if page.lang and page.lang != "en":
        front["lang"] = page.lang
    if setup.theme or setup.theme_file:
        front["theme"] = setup.theme or rewriter.url(setup.theme_file or "")
    if setup.highlight or setup.highlight_file:
        front["highlightTheme"] = setup.highlight or rewriter.url(setup.highlight_file or "")
    if effects.incremental_all:
        front["incremental"] = True
    if effects.background:
        front["background"] = rewriter.url(effects.background)
    if effects.hide:
        front["hide"] = list(effects.hide)
    if setup.options:
        front["revealOptions"] = setup.options
    return front
