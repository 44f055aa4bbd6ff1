"""Show an original reveal.js deck (with its own reveal.js version) and its import built by deckgen in Chromium,
and compare them slide by slide: text, fragments, images, code blocks, notes, slide count and nesting.

The originals refer to reveal.js by relative paths (css/, js/, lib/, plugin/ for reveal.js 3; dist/, plugin/ for 4
and 5): they are served from a temporary copy of their corpus folder in which those folders are links into the
reveal.js package installed with npm (tests/importer/npm, pinned by its package-lock.json) into
~/.cache/deckgen-tests. Local files the corpus does not hold (images) get a small placeholder in both copies.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
NPM = HERE / "npm"
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
_LOCAL = re.compile(r"""(?:\s(?:src|data-src|poster|data-background(?:-image|-video)?)\s*=\s*["']|\]\()"""
                    r"""(?P<url>[^"')\s#?]+\.(?:png|jpe?g|gif|svg|webp|mp4|webm|ogg|mp3|wav))""", re.I)
# The folders of a reveal.js checkout that pages of each major version refer to.
REVEAL_FOLDERS = {3: ("css", "js", "lib", "plugin"), 4: ("dist", "plugin"), 5: ("dist", "plugin")}


def node_or_skip() -> str:
    """npm's path; skip (or fail under DECKGEN_REQUIRE_NODE=1) without node and npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        return npm
    reason = "node and npm are needed to install the reveal.js versions the original decks were written for"
    if os.environ.get("DECKGEN_REQUIRE_NODE", "") not in ("", "0"):
        pytest.fail(reason + " (DECKGEN_REQUIRE_NODE=1)", pytrace=False)
    pytest.skip(reason + " (set DECKGEN_REQUIRE_NODE=1 to make this a failure)")


def reveal_packages() -> Path:
    """node_modules holding reveal3, reveal4 and reveal5, installed once per lockfile into the test cache."""
    npm = node_or_skip()
    manifest = [NPM / "package.json", NPM / "package-lock.json"]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in manifest)).hexdigest()[:16]
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "deckgen-tests"
    target = root / f"import-originals-{digest}"
    done = target / "node_modules" / ".deckgen-installed"
    if done.exists():
        return target / "node_modules"
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists():
            return target / "node_modules"
        staging = root / f".staging-import-{digest}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        for path in manifest:
            shutil.copy2(path, staging / path.name)
        result = subprocess.run([npm, "ci", "--prefix", str(staging), "--ignore-scripts", "--no-audit", "--no-fund",
                                 "--loglevel=error"], capture_output=True, text=True, timeout=600, check=False)
        if result.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            pytest.fail(f"npm ci of tests/importer/npm failed:\n{result.stdout}\n{result.stderr}")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        done.write_text("ok\n")
    return target / "node_modules"


def with_placeholders(corpus_folder: Path, into: Path) -> Path:
    """Copy a corpus folder into `into`, with a placeholder at each local media path its decks name but lack."""
    shutil.copytree(corpus_folder, into, ignore=shutil.ignore_patterns("SOURCE.txt", "LICENSE"))
    for page in [*into.rglob("*.html"), *into.rglob("*.md")]:
        for match in _LOCAL.finditer(page.read_text(encoding="utf-8", errors="replace")):
            target = Path(os.path.normpath(page.parent / match["url"]))
            if target.is_relative_to(into) and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(PNG_1X1)
    return into


def lay_out_original(corpus_folder: Path, version: int, modules: Path, into: Path) -> Path:
    """Copy a corpus folder into `into` with reveal.js's folders linked at its root; placeholders for its media."""
    with_placeholders(corpus_folder, into)
    package = modules / f"reveal{version}"
    for name in REVEAL_FOLDERS[version]:
        for folder, _dirs, files in os.walk(package / name):
            here = into / Path(folder).relative_to(package)
            here.mkdir(parents=True, exist_ok=True)
            for file in files:  # the corpus's own files (a theme in dist/theme/) win
                if not (here / file).exists():
                    (here / file).symlink_to(Path(folder) / file)
    return into


# Runs in the page: the deck as a list of stacks of slide descriptions.
DESCRIBE = r"""
() => {
  const norm = (t) => (t || '').replace(/\s+/g, ' ').trim();
  const math = (root) => {
    root.querySelectorAll('.katex').forEach((k) => {
      const tex = k.querySelector('annotation[encoding="application/x-tex"]');
      k.replaceWith(document.createTextNode(' ' + (tex ? tex.textContent : k.textContent) + ' '));
    });
    root.querySelectorAll('script[type^="math/tex"]').forEach((s) => s.replaceWith(document.createTextNode(' ' + s.textContent + ' ')));
    root.querySelectorAll('.MathJax_Preview, .MathJax, mjx-container, script, style, .hljs-ln-numbers').forEach((e) => e.remove());
  };
  const plain = (t) => norm(t.replace(/\\\(|\\\)|\\\[|\\\]|\$\$|\$/g, ' '));
  const base = (u) => (u || '').split('?')[0].split('#')[0].split('/').pop();
  const describe = (section) => {
    const clone = section.cloneNode(true);
    clone.querySelectorAll(':scope section').forEach((s) => s.remove());
    const notesEls = Array.from(clone.querySelectorAll('aside.notes'));
    const notes = plain(notesEls.map((n) => n.textContent).join(' '));
    notesEls.forEach((n) => n.remove());
    const code = Array.from(clone.querySelectorAll('pre code')).map((c) => norm(c.textContent));
    math(clone);
    const fragments = Array.from(clone.querySelectorAll('.fragment'));
    return {
      text: plain(clone.textContent),
      fragments: fragments.length,
      indices: fragments.map((f) => f.getAttribute('data-fragment-index')).filter((i) => i !== null).sort(),
      images: Array.from(clone.querySelectorAll('img')).map((i) => base(i.getAttribute('src') || i.getAttribute('data-src'))),
      code: code,
      notes: notes || norm(section.getAttribute('data-notes')),
    };
  };
  return Array.from(document.querySelectorAll('.reveal .slides > section')).map((h) => {
    const vs = Array.from(h.querySelectorAll(':scope > section'));
    return (vs.length ? vs : [h]).map(describe);
  });
}
"""


@dataclass(frozen=True)
class Difference:
    """How one slide of the import differs from the original."""

    where: str  # "h.v" (0-based, as reveal.js counts)
    what: str  # text, fragments, images, code, notes, missing, extra

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def describe_page(page, url: str) -> list[list[dict]]:
    """Open url and describe its slides once reveal.js is ready (markdown and plugins done)."""
    page.goto(url)
    page.wait_for_selector(".reveal.ready", state="attached", timeout=30_000)
    page.wait_for_timeout(300)
    return page.evaluate(DESCRIBE)


def _squeezed(value: object) -> object:
    """Text without whitespace: line-numbered code is a table whose rows join without newlines."""
    if isinstance(value, str):
        return re.sub(r"\s+", "", value)
    if isinstance(value, list):
        return [_squeezed(v) for v in value]
    return value


def compare(original: list[list[dict]], imported: list[list[dict]]) -> tuple[int, int, list[Difference]]:
    """Slides matched, slides of the original, and every difference (nesting included)."""
    differences: list[Difference] = []
    total = sum(len(stack) for stack in original)
    matched = 0
    for h in range(max(len(original), len(imported))):
        mine = imported[h] if h < len(imported) else []
        theirs = original[h] if h < len(original) else []
        for v in range(max(len(mine), len(theirs))):
            where = f"{h}.{v}"
            if v >= len(mine):
                differences.append(Difference(where, "missing in the import"))
                continue
            if v >= len(theirs):
                differences.append(Difference(where, "extra in the import"))
                continue
            wrong = [key for key in ("text", "fragments", "indices", "images", "code", "notes")
                     if _squeezed(theirs[v][key]) != _squeezed(mine[v][key])]
            differences += [Difference(where, f"{key}: {theirs[v][key]!r} != {mine[v][key]!r}") for key in wrong]
            matched += not wrong
    return matched, total, differences
