"""Handout paper for `deckgen pdf --paper`: each reveal.js print page scaled onto a landscape A4 or US Letter sheet.

reveal.js sizes its print pages from the deck's width and height (960x700 and a 4% margin: 998x728 CSS px).
deckgen asks Chromium for the paper size instead, renders the page scaled to fill the sheet (keeping its aspect
ratio), and centres it with the sheet's margins, so one slide (or one notes page) fills one sheet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

PAPERS = {"a4": (297.0, 210.0), "letter": (279.4, 215.9)}  # landscape, in mm
_CSS_PX_PER_MM = 96 / 25.4
_MIN_SCALE, _MAX_SCALE = 0.1, 2.0  # what Chromium accepts


@dataclass(frozen=True)
class PaperFit:
    """How to print pages of a size onto a paper: Chromium's scale and the @page rule (size and margins)."""

    scale: float
    css: str


def fit(paper: str, width_px: float, height_px: float) -> PaperFit:
    """Scale pages of width_px x height_px CSS px to fill a landscape sheet of paper, centred on it."""
    width_mm, height_mm = PAPERS[paper]
    width, height = width_mm * _CSS_PX_PER_MM, height_mm * _CSS_PX_PER_MM
    scale = min(width / max(width_px, 1), height / max(height_px, 1))
    # 1% under the exact fit: Chromium rounds the sheet to its own units, and a page a pixel too tall for its
    # sheet would show a line of the next page at its bottom, or spill onto a blank sheet.
    scale = max(_MIN_SCALE, min(_MAX_SCALE, math.floor(scale * 0.99 * 1000) / 1000))
    margin_x = max(0.0, (width - width_px * scale) / 2) / _CSS_PX_PER_MM
    margin_y = max(0.0, (height - height_px * scale) / 2) / _CSS_PX_PER_MM
    css = f"@page {{ size: {width_mm}mm {height_mm}mm; margin: {margin_y:.2f}mm {margin_x:.2f}mm; }}"
    return PaperFit(scale, css)
