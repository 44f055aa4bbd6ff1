"""Write the site aside, then swap it in: after any error the previous build/ is exactly as it was.

Which folders deckgen replaces: an output folder that does not exist yet, an empty one, or one deckgen wrote.
deckgen recognises its own output by its structure, not by a marker inside it (a marker would be published
with the site: GitHub Pages' artifact, rsync, the gh-pages branch): every site deckgen writes holds an empty
`.nojekyll`, an `index.html` and deckgen's own `static/deckgen/index.css` (copied whatever the project's
templates and static/ hold), and never a `deckgen.yml` (the file that marks a project). `SIGNATURE` lists them;
`deckgen deploy` applies the same rule to the tree of the branch it writes. Sites written by deckgen 0.1.0
carry a `.deckgen-build` file instead (`LEGACY_MARKER`): they are still recognised, and the next build leaves
the file out. No other file is written next to the site and nothing is kept in the user's cache, so a project
that is moved, copied or built on another machine keeps its build/ replaceable.

Permissions: the new site is a folder made with `os.mkdir` and files made with `open`, so they get the usual
0777/0666 less the umask (0755/0644 with the common umask 022), as `mkdir` and a shell redirection would; a
web server running as another user, `rsync -a` and the Pages artifact can read them.

Two builds of one output at the same time: the write-and-swap runs under a lock, `.NAME.deckgen-lock` next to
the output folder (`flock`, released by the system if the process dies, the file removed when the write is
done). A second build waits up to `LOCK_WAIT` seconds for the first to finish writing, then writes its own
site; after that it stops with "another deckgen build is writing ...". Whatever is left of an interrupted
build (`.NAME.new-*`, `.NAME.old-*`) is removed by the next one, under the lock.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from deckgen.errors import DeckgenError

# Files every site deckgen writes holds (site path -> True for a file that must be empty).
SIGNATURE = {".nojekyll": True, "index.html": False, "static/deckgen/index.css": False}
NOT_A_SITE = "deckgen.yml"  # a folder holding this is a project, never a site
LEGACY_MARKER = ".deckgen-build"  # written into build/ by deckgen 0.1.0
LOCK_WAIT = 20.0  # seconds a build waits for another one writing the same output folder
COMPARED_BYTES = 1 << 20  # a copied file up to this size is compared byte for byte before it is left in place


def is_deckgen_output(folder: Path) -> bool:
    """Whether folder is a site deckgen wrote (by its structure, or the marker of deckgen 0.1.0)."""
    try:
        if not folder.is_dir():
            return False
        if (folder / LEGACY_MARKER).is_file():
            return True
        if (folder / NOT_A_SITE).exists():
            return False
        for site_path, empty in SIGNATURE.items():
            info = (folder / site_path).lstat()
            if not stat.S_ISREG(info.st_mode) or (empty and info.st_size):
                return False
        return True
    except (OSError, ValueError):
        return False


def check_path(path: Path, what: str) -> None:
    """Refuse a path the system cannot take (a NUL byte) with a clear error rather than a ValueError."""
    if "\0" in os.fspath(path):
        raise DeckgenError(f"{what} {str(path)!r} contains a NUL byte: no file can be named so")


def check_output_dir(out: Path, project: Path) -> Path:
    """Refuse an output folder that would overwrite what the user wrote, or that cannot be written; return it
    resolved."""
    check_path(out, "output folder")
    check_path(project, "project folder")
    try:
        out_r, project_r = out.resolve(), project.resolve()
    except (OSError, RuntimeError) as exc:
        raise DeckgenError(f"output folder {out}: {_reason(exc)}") from None
    if out_r == project_r or project_r.is_relative_to(out_r):
        raise DeckgenError(f"output folder {out} would replace the project itself; choose another -o")
    for folder in ("slides", "templates", "static"):
        if out_r.is_relative_to(project_r / folder):
            raise DeckgenError(f"output folder {out} is inside the project's {folder}/; choose another -o")
    try:
        exists = out_r.exists() or out_r.is_symlink()
        if exists and (not out_r.is_dir() or (any(out_r.iterdir()) and not is_deckgen_output(out_r))):
            raise DeckgenError(
                f"output folder {out} exists and was not written by deckgen; deckgen will not overwrite it: "
                "choose another -o or remove it yourself"
            )
        # The folder the new site is made in (and the old one renamed in): it, or the folder it is made under.
        where = out_r.parent
        while not (where.exists() or where.is_symlink()) and where != where.parent:
            where = where.parent
        if not where.is_dir():
            raise DeckgenError(f"cannot write the output folder {out}: {where} is a file, not a folder; "
                               "choose another -o")
        if not os.access(where, os.W_OK | os.X_OK):
            raise DeckgenError(f"cannot write the output folder {out}: {where} is not writable; "
                               "choose another -o")
    except OSError as exc:
        raise DeckgenError(f"cannot use the output folder {out}: {_reason(exc)}") from None
    return out_r


def write_site(files: dict[str, bytes | str | Path], out: Path) -> None:
    """Write every file (site path -> content or source file) into a new folder, then swap it in for out.

    Call it under output_lock(out). Any failure leaves out as it was and raises a DeckgenError. When out already
    holds exactly these files, nothing is written (a build with nothing changed leaves build/ and its times alone).
    """
    if holds_exactly(out, files):
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = _new_dir(out.parent, f".{out.name}.new-")
    except OSError as exc:
        raise DeckgenError(f"cannot write the output folder {out}: {_reason(exc)}") from None
    try:
        made: set[Path] = {stage}
        for site_path, content in sorted(files.items()):
            target = stage / site_path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if isinstance(content, Path):
                # The copy keeps the source's time, as it was before the copy began: holds_exactly compares them,
                # and a source saved again while it is copied then has a newer time than its copy.
                source = content.stat()
                shutil.copyfile(content, target)
                os.utime(target, ns=(source.st_atime_ns, source.st_mtime_ns))
            elif isinstance(content, str):
                target.write_text(content, encoding="utf-8")
            else:
                target.write_bytes(content)
        _swap(stage, out)
    except BaseException as exc:
        shutil.rmtree(stage, ignore_errors=True)
        if isinstance(exc, OSError):
            raise DeckgenError(f"cannot write the output folder {out}: {_reason(exc)}; the previous site was "
                               "left as it was") from None
        raise


def holds_exactly(out: Path, files: dict[str, bytes | str | Path]) -> bool:
    """Whether out holds these files and nothing else: the same text or bytes, and for a copied file the size and
    time of its source (and its bytes, up to COMPARED_BYTES: a file system with coarse times may miss an edit)."""
    try:
        listing = _listing(out)
        if listing is None:
            return False
        present, folders = listing
        if present != files.keys() or folders != {parent for name in files for parent in _parents(name)}:
            return False
        for site_path, content in files.items():
            target = out / site_path
            if isinstance(content, Path):
                source, copy = content.stat(), target.stat()
                if (source.st_size, source.st_mtime_ns) != (copy.st_size, copy.st_mtime_ns):
                    return False
                if source.st_size <= COMPARED_BYTES and content.read_bytes() != target.read_bytes():
                    return False
            else:
                data = content.encode("utf-8") if isinstance(content, str) else content
                if target.stat().st_size != len(data) or target.read_bytes() != data:
                    return False
    except OSError:
        return False
    return True


def _listing(out: Path) -> tuple[set[str], set[str]] | None:
    """The files and folders under out (relative POSIX paths), or None if it holds anything else (a link)."""
    files: set[str] = set()
    folders: set[str] = set()
    pending = [("", str(out))]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(name)
                    pending.append((name + "/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    files.add(name)
                else:
                    return None
    return files, folders


def _parents(site_path: str) -> Iterator[str]:
    parts = site_path.split("/")[:-1]
    for end in range(1, len(parts) + 1):
        yield "/".join(parts[:end])


@contextlib.contextmanager
def output_lock(out: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the lock of the output folder out (waiting up to wait seconds, LOCK_WAIT by default, for another
    build to release it)."""
    lock = lock_file(out)
    wait = LOCK_WAIT if wait is None else wait
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = _acquire(lock, out, wait)
    except OSError as exc:
        raise DeckgenError(f"cannot write the output folder {out}: {_reason(exc)}") from None
    try:
        _remove_leftovers(out)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)  # while still locked: a build waiting on this file will notice and open a new one
        os.close(fd)


def lock_file(out: Path) -> Path:
    """The lock file of the output folder out: `.NAME.deckgen-lock` next to it."""
    return out.parent / f".{out.name}.deckgen-lock"


def _acquire(lock: Path, out: Path, wait: float) -> int:
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            locked = _try_lock(fd)
            if locked:
                # The build before us removes the file as it finishes: hold the lock only of the file still there.
                try:
                    if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                        return fd
                except FileNotFoundError:
                    pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        if not locked:
            if time.monotonic() >= deadline:
                raise DeckgenError(f"another deckgen build is writing {out} (it holds {lock}): wait for it to "
                                   "finish, then run deckgen build again")
            time.sleep(0.05)


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _remove_leftovers(out: Path) -> None:
    """Remove the folders a build that was killed while writing out left next to it."""
    with contextlib.suppress(OSError):
        for path in out.parent.iterdir():
            if path.name.startswith((f".{out.name}.new-", f".{out.name}.old-")) and path.is_dir() \
                    and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


def _new_dir(parent: Path, prefix: str) -> Path:
    """A new folder with a random name, made as mkdir makes one (mode 0777 less the umask, unlike mkdtemp)."""
    for _ in range(100):
        path = parent / f"{prefix}{os.urandom(4).hex()}"
        try:
            os.mkdir(path, 0o777)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"no free name for a new folder in {parent}")


def _swap(stage: Path, out: Path) -> None:
    if not (out.exists() or out.is_symlink()):
        os.rename(stage, out)
        return
    old = _free_name(out.parent, f".{out.name}.old-")
    os.rename(out, old)
    try:
        os.rename(stage, out)
    except BaseException:
        os.rename(old, out)
        raise
    if old.is_symlink():
        old.unlink()
    else:
        shutil.rmtree(old, ignore_errors=True)


def _free_name(parent: Path, prefix: str) -> Path:
    for _ in range(100):
        path = parent / f"{prefix}{os.urandom(4).hex()}"
        if not (path.exists() or path.is_symlink()):
            return path
    raise FileExistsError(f"no free name in {parent}")


def _reason(exc: BaseException) -> str:
    """An OSError in a few words: the file and the system's message."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc)
