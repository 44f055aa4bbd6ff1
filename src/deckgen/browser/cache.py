"""Keep what Chromium made (thumbnails, PDFs) in the user's cache, keyed by a hash of the deck's page and files."""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from deckgen import __version__
from deckgen.assets.npm import cache_root, write_cache_file

log = logging.getLogger(__name__)

CACHE_DAYS = 60  # cached files unused for this long are removed when new ones are made
_KEY_VERSION = "1"
# A URL in HTML: the value of an attribute that names a file (found from each "=" with a quote, the name checked
# behind it: much faster than one pattern tried at every place of a page with its styles and scripts inline), or a
# CSS url() anywhere, in a style attribute or element too.
_HTML_TOKENS = re.compile(r"""=\s*(["'])|[uU][rR][lL]\(\s*["']?([^"')]+)["']?\s*\)""")
_URL_ATTRIBUTE = re.compile(
    r"""\b(?:src|href|poster|data-src|data-background-image|data-background-video|data-background-iframe|"""
    r"""data-background)\s*\Z""",
    re.IGNORECASE,
)
_CSS_REFS = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']""", re.IGNORECASE)

Content = bytes | str | Path


class DeckKeys:
    """Hash each deck's page with every site file it uses (through CSS too): an equal key, an equal result."""

    def __init__(self, files: Mapping[str, Content]) -> None:
        self.files = files
        self._digests: dict[str, str] = {}
        self._uses: dict[str, set[str]] = {}

    def key(self, name: str, *extra: str) -> str:
        """The cache key of a deck's page (extra: what else the result depends on, e.g. PDF options)."""
        page = f"{name}/index.html"
        used = self._closure({page})
        digest = hashlib.sha256(f"deckgen {__version__} key {_KEY_VERSION} {' '.join(extra)}\n".encode())
        self.add_files(digest, used)
        return digest.hexdigest()

    def text(self, path: str) -> str:
        """A site file's text (a page or a stylesheet)."""
        content = self.files[path]
        if isinstance(content, str):
            return content
        return (content.read_bytes() if isinstance(content, Path) else content).decode("utf-8", "replace")

    def uses(self, html: str, folder: str) -> set[str]:
        """The site files a piece of HTML of a page in folder uses, and the files those use (CSS imports, fonts)."""
        return self._closure(self._matches(_html_urls(html), folder))

    def add_files(self, digest: Any, paths: set[str]) -> None:
        """Feed each file's path and content hash into a hash, in a stable order."""
        for path in sorted(paths):
            digest.update(f"{path}\0{self._digest(path)}\n".encode())

    def _closure(self, start: set[str]) -> set[str]:
        seen, todo = set(start), list(start)
        while todo:
            for used in self._refs(todo.pop()):
                if used not in seen:
                    seen.add(used)
                    todo.append(used)
        return seen

    def _refs(self, path: str) -> set[str]:
        cached = self._uses.get(path)
        if cached is not None:
            return cached
        refs: set[str] = set()
        if path.endswith((".html", ".css")):
            text = self.text(path)
            urls = _html_urls(text) if path.endswith(".html") else (m[1] or m[2] for m in _CSS_REFS.finditer(text))
            refs = self._matches(urls, posixpath.dirname(path))
        self._uses[path] = refs
        return refs

    def _matches(self, urls: Iterable[str], folder: str) -> set[str]:
        refs: set[str] = set()
        for url in urls:
            target = _site_path(folder, url)
            if target and target in self.files and not target.endswith(".html"):  # a link, not a resource
                refs.add(target)
        return refs

    def _digest(self, path: str) -> str:
        digest = self._digests.get(path)
        if digest is None:
            content = self.files[path]
            if isinstance(content, Path):
                with content.open("rb") as stream:
                    digest = hashlib.file_digest(stream, "sha256").hexdigest()
            else:
                digest = hashlib.sha256(content.encode("utf-8") if isinstance(content, str) else content).hexdigest()
            self._digests[path] = digest
        return digest


def _html_urls(text: str) -> Iterator[str]:
    """The URLs an HTML text names in src, href, poster, data-src and data-background* attributes, and in url()."""
    for match in _HTML_TOKENS.finditer(text):
        quote = match.group(1)
        if quote is None:
            yield match.group(2)
            continue
        end = text.find(quote, match.end())
        if end > match.end() and _URL_ATTRIBUTE.search(text, max(0, match.start() - 40), match.start()):
            value = text[match.end():end]
            if '"' not in value and "'" not in value:
                yield value


def _site_path(folder: str, url: str) -> str | None:
    """The site path a relative URL of a file in folder points at; None for absolute and remote URLs."""
    url = url.strip().split("#", 1)[0].split("?", 1)[0]
    if not url or url.startswith(("/", "data:", "blob:")) or ":" in url.split("/", 1)[0]:
        return None
    path = posixpath.normpath(posixpath.join(folder, url))
    return None if path.startswith("../") or path == ".." else path


def whole_file(data: bytes, suffix: str) -> bool:
    """Whether a cached picture or PDF is whole: its format's start and end markers are there."""
    if suffix in (".jpg", ".jpeg"):
        return data[:3] == b"\xff\xd8\xff" and data.rstrip(b"\0")[-2:] == b"\xff\xd9"
    if suffix == ".pdf":
        return data[:5] == b"%PDF-" and b"%%EOF" in data[-1024:]
    if suffix == ".png":
        return data[:8] == b"\x89PNG\r\n\x1a\n" and data[-8:-4] == b"IEND"
    return bool(data)


class MadeCache:
    """Files made in the browser, by key, in a folder of the user's cache; an unwritable cache is a warning."""

    def __init__(self, kind: str, suffix: str) -> None:
        self.folder = cache_root() / kind
        self.suffix = suffix
        self._warned = False

    def get(self, key: str) -> bytes | None:
        """The cached file of key, or None."""
        path = self.folder / f"{key}{self.suffix}"
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if not whole_file(data, self.suffix):  # truncated or damaged since: made again, never shipped
            log.info("%s is damaged; making it again", path)
            path.unlink(missing_ok=True)
            return None
        _touch(path)
        return data

    def put(self, key: str, data: bytes) -> None:
        """Keep a file for the next build."""
        try:
            write_cache_file(self.folder / f"{key}{self.suffix}", data)
        except OSError as exc:
            if not self._warned:
                log.warning("warning: cannot keep files in %s (%s); set DECKGEN_CACHE_DIR to a writable "
                            "folder", self.folder, exc.strerror or exc)
                self._warned = True

    def prune(self, *, days: int = CACHE_DAYS) -> None:
        """Remove files no build has used for days."""
        limit = time.time() - days * 86400
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            try:
                if entry.name.endswith(self.suffix) and entry.stat().st_mtime < limit:
                    os.unlink(entry.path)
            except OSError:
                continue


def _touch(path: Path) -> None:
    try:
        if path.stat().st_mtime < time.time() - 86400:
            os.utime(path)
    except OSError:
        pass
