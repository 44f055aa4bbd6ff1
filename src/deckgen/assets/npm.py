"""Fetch pinned npm packages: verified against their sha512 integrity, cached, usable offline.

A package's files are found, in order, in a local node_modules folder named by ``DECKGEN_ASSETS``, in the
user's cache, or downloaded once from the npm registry the user's npm is configured with. No registry host
name is written here: the registry URL is always discovered at run time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from deckgen.errors import AssetError

if TYPE_CHECKING:
    import tarfile

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = 30.0
"""Seconds to wait for the registry to answer, or for the next bytes of a download."""

MIN_RATE = 20_000
"""Bytes per second a download must average once SLOW_AFTER seconds have passed: a trickle is given up."""

SLOW_AFTER = 30.0

ATTEMPTS = 3
"""Downloads cut off, timed out or answered 5xx are tried this many times, a little apart."""

RETRY_PAUSE = 1.0

NPM_TIMEOUT = 10.0
"""Seconds to wait for ``npm config get registry``."""

_MARKER = ".verified"
_MANIFEST = ".files.json"  # size and sha256 of every extracted file, written once the tarball was verified
_REGISTRY_LINE = re.compile(r"^\s*registry\s*=\s*(\S.*?)\s*$")
_ENV_REFERENCE = re.compile(r"\$\{([^}]+)\}")


@dataclass(frozen=True)
class Package:
    """An exact npm package version and its npm ``sha512-<base64>`` integrity string."""

    name: str
    version: str
    integrity: str

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def basename(self) -> str:
        """Return the name without its scope: ``@scope/name`` -> ``name``."""
        return self.name.rpartition("/")[2]


# -- the registry ---------------------------------------------------------------------------------------


def registry_url(project_dir: Path | None = None) -> str:
    """Return the npm registry URL (without trailing slash) the user has configured."""
    url = (
        _registry_from_env()
        or (_registry_from_npmrc(project_dir / ".npmrc") if project_dir is not None else None)
        or _registry_from_npmrc(Path.home() / ".npmrc")
        or _npm_config_registry(str(project_dir) if project_dir is not None else None)
    )
    if not url:
        raise AssetError(
            "cannot tell which npm registry to download reveal.js, KaTeX and fonts from: "
            "DECKGEN_NPM_REGISTRY is not set, no .npmrc names a registry and npm did not answer "
            "'npm config get registry'. Set DECKGEN_NPM_REGISTRY to your npm registry's URL, or install and "
            "configure npm, or point DECKGEN_ASSETS at a node_modules folder that holds the packages."
        )
    return url.rstrip("/")


def _registry_from_env() -> str | None:
    for var in ("DECKGEN_NPM_REGISTRY", "npm_config_registry", "NPM_CONFIG_REGISTRY"):
        value = os.environ.get(var, "").strip()
        if value:
            return value
    return None


def _registry_from_npmrc(path: Path) -> str | None:
    """Return the unscoped ``registry=`` value of an .npmrc file, if any."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = None
    for line in text.splitlines():
        if line.lstrip().startswith(("#", ";")):
            continue
        match = _REGISTRY_LINE.match(line)
        if match:
            value = match.group(1).strip().strip("\"'")
            found = _ENV_REFERENCE.sub(lambda m: os.environ.get(m.group(1), ""), value).strip()
    return found or None


@functools.cache
def _npm_config_registry(cwd: str | None) -> str | None:
    """Ask npm for its registry; None when npm is missing, fails or is too slow. Cached for the process."""
    import subprocess

    try:
        result = subprocess.run(
            ["npm", "config", "get", "registry"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.debug("npm config get registry failed: %s", exc)
        return None
    value = result.stdout.strip()
    if result.returncode != 0 or not value.startswith(("http://", "https://")):
        log.debug("npm config get registry answered %r (exit %d)", value, result.returncode)
        return None
    return value


# -- where a package's files are ------------------------------------------------------------------------


def cache_root() -> Path:
    """Return the cache folder: DECKGEN_CACHE_DIR, else $XDG_CACHE_HOME/deckgen, else ~/.cache/deckgen."""
    explicit = os.environ.get("DECKGEN_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "deckgen"
    return Path.home() / ".cache" / "deckgen"


def write_cache_file(path: Path, data: bytes) -> None:
    """Replace a file of the cache in one step (a temporary file beside it, then a rename), so that builds running
    at once never read half a file; an OSError is the caller's to report."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".new-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def cache_entry(pkg: Package) -> Path:
    """Return the cache folder of one package version (its files are in ``package/`` inside)."""
    return cache_root() / "npm" / f"{pkg.name.replace('/', '+')}@{pkg.version}"


def package_dir(pkg: Package, *, project_dir: Path | None = None) -> Path:
    """Return the folder holding the package's files, downloading and verifying it once if needed."""
    local = _from_assets(pkg)
    if local is not None:
        return local
    entry = cache_entry(pkg)
    if _is_verified(entry, pkg):
        return entry / "package"
    data = _download(pkg, registry_url(project_dir))
    _verify(pkg, data)
    _install(pkg, data, entry)
    return entry / "package"


def _from_assets(pkg: Package) -> Path | None:
    """Return ``$DECKGEN_ASSETS/<name>`` when it holds the pinned version; None when it lacks the package."""
    assets = os.environ.get("DECKGEN_ASSETS")
    if not assets:
        return None
    folder = Path(assets).expanduser() / pkg.name
    manifest = folder / "package.json"
    if not manifest.is_file():
        log.debug("%s not found in DECKGEN_ASSETS=%s", pkg, assets)
        return None
    try:
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError) as exc:
        raise AssetError(
            f"cannot read {manifest} ({exc}). Reinstall it (npm install {pkg}) in the node_modules folder "
            "that DECKGEN_ASSETS names, or unset DECKGEN_ASSETS."
        ) from exc
    if version != pkg.version:
        raise AssetError(
            f"DECKGEN_ASSETS holds {pkg.name}@{version} in {folder}, but deckgen needs {pkg}. Install the "
            f"pinned version there (npm install {pkg}), or unset DECKGEN_ASSETS so deckgen downloads it."
        )
    return folder


def _is_verified(entry: Path, pkg: Package) -> bool:
    try:
        marked = (entry / _MARKER).read_text(encoding="utf-8").strip() == pkg.integrity
        return marked and (entry / _MANIFEST).is_file()
    except OSError:
        return False


def _manifest(folder: Path) -> dict[str, list[int | str]]:
    """Size and sha256 of every file under folder, by relative POSIX path."""
    return {
        path.relative_to(folder).as_posix(): [path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest()]
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


_CHECKED: dict[tuple[str, int, int], bool] = {}


def checked_file(pkg: Package, folder: Path, relative: str) -> Path:
    """A file of a package folder, checked against the sizes and hashes recorded when the package was verified.

    A cached file changed or damaged since (a disk error, an edit, tampering) is an error, never shipped. Files of
    a DECKGEN_ASSETS folder (the user's own node_modules) have no record and are used as they are.
    """
    path = folder.joinpath(*relative.split("/"))
    manifest_file = folder.parent / _MANIFEST
    if folder.name != "package" or not manifest_file.is_file():
        return path
    try:
        stat = path.stat()
    except OSError:
        return path  # missing: the caller names it
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _CHECKED:
        try:
            record = json.loads(manifest_file.read_text(encoding="utf-8")).get(relative)
            ok = record is not None and record[0] == stat.st_size and (
                record[1] == hashlib.sha256(path.read_bytes()).hexdigest())
        except (OSError, ValueError, TypeError, IndexError):
            ok = False
        if not ok:
            raise AssetError(
                f"the cached file {relative} of {pkg} ({path}) was changed or damaged since deckgen verified the "
                f"package; delete {folder.parent} so deckgen downloads it again"
            )
        _CHECKED[key] = True
    return path


# -- download, verify, extract --------------------------------------------------------------------------


def tarball_url(pkg: Package, registry: str) -> str:
    """Return the tarball URL of a package on a registry."""
    return f"{registry.rstrip('/')}/{pkg.name}/-/{pkg.basename}-{pkg.version}.tgz"


class _Stalled(OSError):
    """A download that trickles slower than MIN_RATE."""


def _download(pkg: Package, registry: str) -> bytes:
    """Fetch the tarball, trying again when the registry cuts off, stalls or fails for a moment."""
    import http.client
    import time
    import urllib.error

    url = tarball_url(pkg, registry)
    for attempt in range(1, ATTEMPTS + 1):
        log.info("downloading %s from %s", pkg, registry)
        try:
            return _fetch(url)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code >= 500 and attempt < ATTEMPTS:
                time.sleep(RETRY_PAUSE * attempt)
                continue
            raise AssetError(
                f"cannot download {pkg} from {registry}: the registry answered HTTP {exc.code} for {url}. Check "
                "that DECKGEN_NPM_REGISTRY (or your npm registry setting) names an npm registry that serves "
                f"{pkg}, or point DECKGEN_ASSETS at a node_modules folder holding {pkg} (npm install {pkg})."
            ) from exc
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", None) or exc or type(exc).__name__
            if attempt < ATTEMPTS and not isinstance(exc, ValueError):
                log.info("download of %s failed (%s); trying again", pkg, reason)
                time.sleep(RETRY_PAUSE * attempt)
                continue
            tries = f" (tried {ATTEMPTS} times)" if attempt > 1 else ""
            raise AssetError(
                f"cannot download {pkg} from {registry} ({reason}){tries}; deckgen needs it once, then works "
                f"offline. Connect once and run the command again, or point DECKGEN_ASSETS at a node_modules "
                f"folder holding {pkg} (npm install {pkg}), or set DECKGEN_NPM_REGISTRY to a registry you can "
                "reach."
            ) from exc
    raise AssertionError("unreachable")


def _fetch(url: str) -> bytes:
    import time
    import urllib.request

    started = time.monotonic()
    chunks: list[bytes] = []
    received = 0
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
        expected = response.length
        while True:
            chunk = response.read(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            received += len(chunk)
            elapsed = time.monotonic() - started
            if elapsed > SLOW_AFTER and received < MIN_RATE * elapsed:
                raise _Stalled(f"the download trickled: {received:,} bytes in {elapsed:.0f} s")
    if expected is not None and received < expected:
        raise _Stalled(f"the download was cut off after {received:,} of {expected:,} bytes")
    return b"".join(chunks)


def sri(data: bytes) -> str:
    """Return the npm ``sha512-<base64>`` integrity string of some bytes."""
    import base64
    import hashlib

    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def _verify(pkg: Package, data: bytes) -> None:
    actual = sri(data)
    expected = [token for token in pkg.integrity.split() if token.startswith("sha512-")]
    if actual not in expected:
        raise AssetError(
            f"the download of {pkg} does not match its pinned integrity: expected {pkg.integrity}, got "
            f"{actual}. The registry or a proxy served other content, so deckgen did not use it. Set "
            f"DECKGEN_NPM_REGISTRY to a registry you trust, or point DECKGEN_ASSETS at a node_modules "
            f"folder holding {pkg} (npm install {pkg})."
        )


def _install(pkg: Package, data: bytes, entry: Path) -> None:
    """Extract into a temporary folder beside ``entry``, mark it verified, then rename it into place."""
    import tempfile

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{entry.name}.", dir=entry.parent))
    except OSError as exc:
        raise _cache_error(pkg, entry, exc) from exc
    try:
        extract_tarball(pkg, data, tmp / "package")
        (tmp / _MANIFEST).write_text(json.dumps(_manifest(tmp / "package")), encoding="utf-8")
        (tmp / _MARKER).write_text(pkg.integrity + "\n", encoding="utf-8")
        _move_into_place(pkg, tmp, entry)
    except OSError as exc:
        raise _cache_error(pkg, entry, exc) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _move_into_place(pkg: Package, tmp: Path, entry: Path) -> None:
    """Rename ``tmp`` to ``entry``; if another process got there first, keep its verified copy."""
    for attempt in range(3):
        try:
            os.rename(tmp, entry)
            return
        except OSError:
            if _is_verified(entry, pkg):
                return
            if attempt == 2:
                raise
        stale = entry.with_name(f".{entry.name}.stale-{os.getpid()}-{attempt}")
        try:
            os.rename(entry, stale)  # an unverified leftover, e.g. from an older deckgen or a full disk
        except FileNotFoundError:
            continue
        shutil.rmtree(stale, ignore_errors=True)


def _cache_error(pkg: Package, entry: Path, exc: OSError) -> AssetError:
    return AssetError(
        f"cannot store {pkg} in the cache folder {entry.parent} ({exc}). Make that folder writable, or set "
        f"DECKGEN_CACHE_DIR to a writable folder, or point DECKGEN_ASSETS at a node_modules folder holding "
        f"{pkg} (npm install {pkg})."
    )


def extract_tarball(pkg: Package, data: bytes, dest: Path) -> None:
    """Extract an npm tarball's files into ``dest``, dropping its top folder; refuse unsafe members."""
    import gzip
    import io
    import tarfile
    import zlib

    dest.mkdir(parents=True)
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive.getmembers():
                _extract_member(pkg, archive, member, dest)
    except (tarfile.TarError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise AssetError(
            f"cannot read the tarball of {pkg} ({exc}), although it passed its integrity check, so the "
            "pinned package itself is malformed. Report this to deckgen's maintainers, or point "
            f"DECKGEN_ASSETS at a node_modules folder holding {pkg} (npm install {pkg})."
        ) from exc


def _extract_member(pkg: Package, archive: tarfile.TarFile, member: tarfile.TarInfo, dest: Path) -> None:
    relative = _safe_relative(pkg, member.name)
    if relative is None:
        return
    target = dest.joinpath(*relative.parts)
    if member.isdir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if member.isfile():
        source = archive.extractfile(member)
        assert source is not None
        with source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)
        target.chmod(0o755 if member.mode & 0o111 else 0o644)
    elif member.issym() or member.islnk():
        _extract_link(pkg, member, relative, dest, target)
    else:
        raise _unsafe(pkg, member.name, "is neither a file, a folder nor a link")


def _safe_relative(pkg: Package, name: str) -> PurePosixPath | None:
    """Return a member's path below the tarball's top folder; None for the top folder itself."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or re.match(r"^[A-Za-z]:", name):
        raise _unsafe(pkg, name, "has an absolute path")
    parts = [part for part in path.parts if part not in ("", ".")]
    if ".." in parts:
        raise _unsafe(pkg, name, "climbs out of the package with '..'")
    if len(parts) < 2:
        return None
    return PurePosixPath(*parts[1:])


def _extract_link(
    pkg: Package, member: tarfile.TarInfo, relative: PurePosixPath, dest: Path, target: Path
) -> None:
    if member.issym():
        pointed = PurePosixPath(os.path.normpath((relative.parent / member.linkname).as_posix()))
    else:
        pointed = _safe_relative(pkg, member.linkname) or PurePosixPath("..")
    if pointed.is_absolute() or member.linkname.startswith("/") or ".." in pointed.parts:
        raise _unsafe(pkg, member.name, f"links to {member.linkname!r}, outside the package")
    source = dest.joinpath(*pointed.parts)
    if not source.is_file():
        raise _unsafe(pkg, member.name, f"links to {member.linkname!r}, which is not a file of the package")
    shutil.copyfile(source, target)


def _unsafe(pkg: Package, name: str, why: str) -> AssetError:
    return AssetError(
        f"refusing to extract {pkg}: its tarball member {name!r} {why}. The download passed its integrity "
        "check, so the pinned package itself is malformed; report this to deckgen's maintainers, or point "
        f"DECKGEN_ASSETS at a node_modules folder holding {pkg} (npm install {pkg})."
    )
