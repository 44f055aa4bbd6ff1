"""Read the user's text files: UTF-8 (with or without a BOM), newlines made uniform."""

from __future__ import annotations

from pathlib import Path

from deckgen.errors import DeckError, Location


def read_source(path: Path) -> str:
    """Read a UTF-8 text file; an undecodable byte is an error naming its line."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DeckError(
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8",
            Location(path, line),
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
