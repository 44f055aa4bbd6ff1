"""Build throwaway projects from {path: content} dicts."""

from __future__ import annotations

import base64
import re
from pathlib import Path

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
REPO = Path(__file__).resolve().parents[1]


def make_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write files (relative path -> text or bytes) under root and return root."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder with its bytes, to compare a folder before and after."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def slides_of(page: str) -> str:
    """The slides of a deck page: what is inside <div class="slides">, without the page's own styles and scripts
    (deckgen puts its small ones in the page itself)."""
    found = re.search(r'<div class="slides">\n(.*)\n</div>\s*(?:\{%.*?%\}\s*)?</div>\s*<script', page, re.S)
    assert found, "no slides in the page"
    return found[1]
