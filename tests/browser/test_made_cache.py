"""Pictures and PDFs kept between builds are checked before they are shipped again."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.browser.cache import MadeCache, whole_file

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 100 + b"\xff\xd9"
PDF = b"%PDF-1.7\n" + b"x" * 100 + b"\n%%EOF\n"


def test_a_damaged_cached_picture_or_pdf_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECKGEN_CACHE_DIR", str(tmp_path))
    pictures, pdfs = MadeCache("thumbnails", ".jpg"), MadeCache("pdf", ".pdf")
    pictures.put("k", JPEG)
    pdfs.put("k", PDF)
    assert pictures.get("k") == JPEG and pdfs.get("k") == PDF
    (tmp_path / "thumbnails" / "k.jpg").write_bytes(JPEG[:50])  # truncated by a full disk
    (tmp_path / "pdf" / "k.pdf").write_bytes(b"<html>not a pdf</html>")
    assert pictures.get("k") is None and pdfs.get("k") is None
    assert not (tmp_path / "thumbnails" / "k.jpg").exists()


@pytest.mark.parametrize(("data", "suffix", "whole"), [
    (JPEG, ".jpg", True), (JPEG[:-2], ".jpg", False), (PDF, ".pdf", True), (PDF[:-10], ".pdf", False),
    (b"", ".jpg", False), (b"%PDF-", ".jpg", False),
])
def test_whole_file(data: bytes, suffix: str, whole: bool) -> None:
    assert whole_file(data, suffix) is whole
