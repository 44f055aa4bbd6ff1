"""`deckgen cache info|clear`: where deckgen keeps what it made or downloaded, and emptying it."""

from __future__ import annotations

import shutil
from pathlib import Path

from deckgen.assets.npm import cache_root

# Folders of the cache that deckgen can always make again without a network.
MADE = ("render", "templates", "generated", "thumbnails", "pdf")
DOWNLOADED = ("npm",)


def cache_command(action: str, *, everything: bool = False) -> str:
    """Describe the cache (info) or empty it (clear; with everything, the npm packages too); return a summary."""
    root = cache_root()
    if action == "info":
        lines = [f"deckgen's cache: {root} (DECKGEN_CACHE_DIR to move it)"]
        for name in (*MADE, *DOWNLOADED):
            size, count = _size(root / name)
            lines.append(f"  {name + '/':12} {count:6d} files {size / 1e6:9.1f} MB")
        return "\n".join(lines)
    names = (*MADE, *DOWNLOADED) if everything else MADE
    freed = 0
    for name in names:
        size, _ = _size(root / name)
        shutil.rmtree(root / name, ignore_errors=True)
        freed += size
    kept = "" if everything else "; the downloaded npm packages are kept (--all removes them too)"
    return f"cleared {', '.join(n + '/' for n in names)} in {root}: {freed / 1e6:.1f} MB{kept}"


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    return sum(p.stat().st_size for p in files), len(files)
