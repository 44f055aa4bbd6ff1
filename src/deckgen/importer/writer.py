"""Write an imported deck as deckgen Markdown: YAML front matter, then the slides with deckgen's separators."""

from __future__ import annotations

import html
from typing import Any

import yaml

from deckgen.importer.markdown_text import escape_for_deckgen
from deckgen.importer.paths import PathRewriter, is_image_background
from deckgen.importer.raw_html import protect
from deckgen.importer.slides import ImportedSlide, Stack

_FILE_ATTRS = ("data-background", "data-background-image", "data-background-video", "data-background-iframe")


def front_matter(values: dict[str, Any]) -> str:
    """The front matter block, keys in the order given."""
    if not values:
        return ""
    text = yaml.safe_dump(values, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return f"---\n{text}---\n\n"


def slide_text(slide: ImportedSlide, rewriter: PathRewriter) -> str:
    """One slide in deckgen's dialect: its attribute comment, its content, its notes."""
    rewriter.line = slide.line
    parts = []
    if slide.attrs:
        attrs = {k: rewriter.url(v) if k in _FILE_ATTRS and (k != "data-background" or is_image_background(v))
                 else v for k, v in slide.attrs.items()}
        parts.append("<!-- .slide:" + "".join(f' {k}="{html.escape(v)}"' if v else f" {k}" for k, v in attrs.items())
                     + " -->")
    if slide.kind == "html":
        body = protect(rewriter.html(slide.content))
    else:
        body = escape_for_deckgen(rewriter.markdown(slide.content)).rstrip().strip("\n")
    if body.strip():
        parts.append(body)
    elif not slide.attrs:
        parts.append("<!-- an empty slide -->")
    text = "\n".join(parts)
    if slide.notes is not None and slide.notes.strip():
        text += "\n\nNote:\n" + escape_for_deckgen(rewriter.markdown(slide.notes.strip()))  # reveal.js trims notes
    return text


def deck_text(front: dict[str, Any], stacks: list[Stack], rewriter: PathRewriter) -> str:
    """The whole deck file."""
    horizontal = []
    for stack in stacks:
        horizontal.append("\n\n--\n\n".join(slide_text(slide, rewriter) for slide in stack))
    return front_matter(front) + "\n\n---\n\n".join(horizontal) + "\n"
