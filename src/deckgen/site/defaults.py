"""Where deckgen's own templates/ and static/ are: inside the wheel, or at the repository root."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from deckgen.errors import inside_project


@lru_cache(maxsize=1)
def defaults_dir() -> Path:
    """The folder holding the default templates/ and static/."""
    packaged = Path(__file__).parents[1] / "_defaults"
    if (packaged / "templates").is_dir():
        return packaged
    return Path(__file__).resolve().parents[3]  # running from a source checkout


def layered_files(project: Path, folder: str) -> dict[str, Path]:
    """Map relative path -> file for folder ('static'), the project's files overriding deckgen's."""
    files: dict[str, Path] = {}
    for root in (defaults_dir() / folder, project / folder):
        if root.is_dir():
            own = root == project / folder
            if own:
                inside_project(root, project, f"the {folder}/ folder")
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    if own:
                        inside_project(path, project, "file")
                    files[path.relative_to(root).as_posix()] = path
    return files


def layered_file(project: Path, folder: str, rel: str) -> Path | None:
    """The one file rel of folder ('static') that layered_files would map: the project's if it has it."""
    own = project / folder / rel
    if own.is_file():
        inside_project(project / folder, project, f"the {folder}/ folder")
        inside_project(own, project, "file")
        return own
    default = defaults_dir() / folder / rel
    return default if default.is_file() else None
