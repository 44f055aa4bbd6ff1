"""Write the site aside, then swap it in: after any error the previous build/ is exactly as it was."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from deckgen.errors import DeckgenError

MARKER = ".deckgen-build"


def check_output_dir(out: Path, project: Path) -> None:
    """Refuse an output folder that would overwrite what the user wrote."""
    out_r, project_r = out.resolve(), project.resolve()
    if out_r == project_r or project_r.is_relative_to(out_r):
        raise DeckgenError(f"output folder {out} would replace the project itself; choose another -o")
    for folder in ("slides", "templates", "static"):
        if out_r.is_relative_to(project_r / folder):
            raise DeckgenError(f"output folder {out} is inside the project's {folder}/; choose another -o")
    if out_r.exists() and (not out_r.is_dir() or (any(out_r.iterdir()) and not (out_r / MARKER).exists())):
        raise DeckgenError(
            f"output folder {out} exists and was not written by deckgen; deckgen will not overwrite it: "
            "choose another -o or remove it yourself"
        )


def write_site(files: dict[str, bytes | str | Path], out: Path) -> None:
    """Write every file (site path -> content or source file) into a new folder, then swap it in for out."""
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        made: set[Path] = set()
        for site_path, content in sorted(files.items()):
            target = stage / site_path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if isinstance(content, Path):
                shutil.copyfile(content, target)
            elif isinstance(content, str):
                target.write_text(content, encoding="utf-8")
            else:
                target.write_bytes(content)
        (stage / MARKER).write_text("This folder is written by deckgen build and replaced on every build.\n")
        _swap(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _swap(stage: Path, out: Path) -> None:
    if not out.exists():
        os.rename(stage, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)
    try:
        os.rename(stage, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
