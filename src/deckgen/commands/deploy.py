"""`deckgen deploy`: build the site, commit it to a branch (gh-pages) and push that branch.

The commit is written by ghp-import (a small, long-maintained library that MkDocs uses for the same job): it feeds
the site to `git fast-import`, so the working tree, the index and the current branch are never touched.

What deckgen deploy never does (every check runs before the build; a refused deploy pushes and changes nothing):
- drop commits: the local branch must not hold commits the remote's branch lacks, and the push is a plain
  (fast-forward) push, so a remote that moved meanwhile rejects it;
- write over anything but a site: the tip of the branch, local and remote, must be empty or hold a site deckgen
  wrote, recognised as output folders are (deckgen.site.output: `.nojekyll`, `index.html` and
  `static/deckgen/index.css`, no `deckgen.yml`; or the `.deckgen-build` file that deckgen 0.1.0 published);
- move a branch that a worktree of the repository has checked out;
- publish a folder deckgen did not build (`--no-build -o DIR`), the repository's `.git`, a symbolic link or
  anything else than regular files.
The commit is made on a temporary branch whose parent is the remote's tip (ghp-import's own "rebase", which
resets the local branch to the remote's, is never reached), pushed, and only then is the local branch moved to it
(compare-and-swap): a failed push leaves the local branch as it was.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from deckgen import __version__
from deckgen.errors import DeckgenError
from deckgen.site.output import LEGACY_MARKER, NOT_A_SITE, SIGNATURE, check_path, is_deckgen_output

log = logging.getLogger(__name__)


class DeployError(DeckgenError):
    """The site cannot be committed to the branch or pushed."""


@dataclass
class DeployResult:
    """What deckgen deploy pushed."""

    site: Path
    remote: str
    branch: str
    commit: str
    decks: int | None  # None with --no-build

    def summary(self) -> str:
        """Return the line to show."""
        what = "the site" if self.decks is None else f"{self.decks} deck{'s' if self.decks != 1 else ''}"
        return f"deployed {what} from {self.site} to {self.remote}/{self.branch} (commit {self.commit[:7]})"


def deploy(
    project: Path,
    out: Path | None = None,
    *,
    remote: str = "origin",
    branch: str = "gh-pages",
    message: str | None = None,
    build_site: bool = True,
    config_file: Path | None = None,
    strict: bool = False,
    profile: str | None = None,
) -> DeployResult:
    """Build the project (unless build_site is false), commit out to branch and push it to remote."""
    check_path(project, "project folder")
    if out is not None:
        check_path(out, "output folder")
    project = project.resolve()
    if not project.is_dir():
        raise DeployError(f"{project} is not a folder: give deckgen deploy the project folder")
    git = _Git(project)
    git.check_repository()
    git.check_remote(remote)
    git.check_branch(branch)
    git.check_identity()
    remote_tip = git.fetch(remote, branch)  # the new commit goes on top of what the remote holds
    local_tip = git.rev(branch)
    git.check_history(remote, branch, local_tip, remote_tip)
    decks = None
    if build_site:
        from deckgen.commands.build import build

        # Pictures of the first slides when Chromium is there, as `deckgen build` does; a failed build raises.
        result = build(project, out, config_file=config_file, strict=strict, thumbnails=None, profile=profile)
        site, decks = result.out, len(result.decks)
    else:
        site = (out or project / "build").resolve()
        git.check_built_site(site)
    _check_files(site)
    commit = git.commit_site(site, branch, remote_tip, message or git.default_message(profile))
    git.push(remote, branch, commit)
    git.move_branch(branch, commit, local_tip)
    return DeployResult(site, remote, branch, commit, decks)


def _check_files(site: Path) -> None:
    """Refuse a site holding anything but folders and regular files (ghp-import would follow a link)."""
    for folder, dirs, files in os.walk(site):
        for name in dirs + files:
            path = Path(folder, name)
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                raise DeployError(f"{path} is a symbolic link: deckgen deploy publishes only the files of the site "
                                  "itself; nothing was deployed")
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                raise DeployError(f"{path} is not a regular file: deckgen deploy publishes only files; nothing "
                                  "was deployed")


class _Git:
    """git, run in the project folder; every failure becomes a DeployError."""

    def __init__(self, project: Path) -> None:
        self.project = project

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        try:
            done = subprocess.run(["git", *args], cwd=self.project, capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise DeployError("git is not installed (or not on PATH): deckgen deploy needs it") from None
        if check and done.returncode != 0:
            raise DeployError(f"git {' '.join(args)} failed: {_git_message(done)}")
        return done

    def check_repository(self) -> None:
        done = self.run("rev-parse", "--is-inside-work-tree", check=False)
        if done.returncode != 0 or done.stdout.strip() != "true":
            raise DeployError(f"{self.project} is not inside a git repository: deckgen deploy commits the site to "
                              "a branch of the project's repository. Run git init and git remote add origin URL "
                              "there first")

    def check_remote(self, remote: str) -> None:
        if remote not in self.run("remote").stdout.split():
            raise DeployError(f"no git remote {remote!r}: add one with git remote add {remote} URL, or pass --remote")

    def check_branch(self, branch: str) -> None:
        if self.run("check-ref-format", "--branch", branch, check=False).returncode != 0:
            raise DeployError(f"{branch!r} is not a valid git branch name")
        current = self.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False).stdout.strip()
        if current == branch:
            raise DeployError(f"the current branch is {branch!r}, the branch deckgen deploy writes the site to: "
                              "switch to the branch of your sources first, or pass --branch")
        worktree = None
        for line in self.run("worktree", "list", "--porcelain").stdout.splitlines():
            if line.startswith("worktree "):
                worktree = line.removeprefix("worktree ")
            elif line == f"branch refs/heads/{branch}":
                raise DeployError(f"the branch {branch!r} is checked out in the worktree {worktree}: deckgen deploy "
                                  "would move it under that checkout. Check out another branch there, or pass "
                                  "another --branch; nothing was deployed")

    def check_identity(self) -> None:
        # ghp-import signs the commit with GIT_COMMITTER_NAME/EMAIL, else user.name/user.email, never a guess.
        for env, key in (("GIT_COMMITTER_NAME", "user.name"), ("GIT_COMMITTER_EMAIL", "user.email")):
            if not (os.environ.get(env) or self.run("config", key, check=False).stdout.strip()):
                raise DeployError(f"git does not know who commits the site: set {key} (git config {key} ...) "
                                  f"or {env}")

    def fetch(self, remote: str, branch: str) -> str | None:
        """Fetch remote's branch into remote/branch; return its commit, None when the remote lacks the branch."""
        done = self.run("ls-remote", "--exit-code", "--heads", remote, f"refs/heads/{branch}", check=False)
        if done.returncode == 2:
            return None  # the first deployment: the branch starts with this one (a stale remote/branch is ignored)
        if done.returncode != 0:
            raise DeployError(f"cannot reach git remote {remote!r}: {_git_message(done)}")
        self.run("fetch", "--quiet", "--no-tags", remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}")
        return self.run("rev-parse", "--verify", "--quiet", f"refs/remotes/{remote}/{branch}^{{commit}}").stdout.strip()

    def rev(self, ref: str) -> str | None:
        done = self.run("rev-parse", "--verify", "--quiet", f"refs/heads/{ref}^{{commit}}", check=False)
        return done.stdout.strip() if done.returncode == 0 else None

    def check_history(self, remote: str, branch: str, local: str | None, remote_tip: str | None) -> None:
        """Refuse when the local branch is ahead of (or apart from) the remote's, or either holds no site."""
        if local is not None and local != remote_tip:
            ahead = (remote_tip is None
                     or self.run("merge-base", "--is-ancestor", local, remote_tip, check=False).returncode != 0)
            if ahead:
                span = local if remote_tip is None else f"{remote_tip}..{local}"
                count = int(self.run("rev-list", "--count", span).stdout.strip() or 0)
                where = (f"{remote} has no branch {branch!r}" if remote_tip is None
                         else f"{remote}/{branch} lacks {'it' if count == 1 else 'them'}")
                raise DeployError(
                    f"the local branch {branch!r} has {count} commit{'s' if count != 1 else ''} that the remote does "
                    f"not ({where}): deckgen deploy would drop {'it' if count == 1 else 'them'}. Push or remove "
                    f"the branch yourself (git push {remote} {branch}, or git branch -D {branch}), or pass another "
                    "--branch; nothing was deployed")
        for name, tip in ((f"the local branch {branch!r}", local), (f"{remote}/{branch}", remote_tip)):
            if tip is not None and not self.holds_site(tip):
                raise DeployError(
                    f"{name} holds something else than a site deckgen deployed (its last commit "
                    f"{tip[:7]} has no .nojekyll, index.html and static/deckgen/index.css, or has a deckgen.yml): "
                    f"deckgen deploy replaces the whole content of the branch, so it writes only to a new branch or "
                    "one it deployed before. Pass another --branch (the default is gh-pages); nothing was deployed")

    def holds_site(self, commit: str) -> bool:
        """Whether the tree of commit is empty or a site deckgen wrote (the rule of deckgen.site.output)."""
        paths = [*SIGNATURE, NOT_A_SITE, LEGACY_MARKER]
        listing = self.run("ls-tree", "-z", "--long", "--full-tree", commit, "--", *paths).stdout
        entries = {}
        for entry in filter(None, listing.split("\0")):
            info, _, path = entry.partition("\t")
            mode, kind, _obj, size = info.split()
            entries[path] = (mode, kind, size)
        if LEGACY_MARKER in entries and entries[LEGACY_MARKER][1] == "blob":
            return True
        if NOT_A_SITE in entries:
            return False
        if all(entries.get(path, ("", "", ""))[1] == "blob" and entries[path][0] in ("100644", "100755")
               and (not empty or entries[path][2] == "0") for path, empty in SIGNATURE.items()):
            return True
        return self.run("ls-tree", "--full-tree", commit).stdout.strip() == ""  # an empty branch

    def check_built_site(self, site: Path) -> None:
        """--no-build: the folder must be a site deckgen built, and not the repository's own git folder."""
        for key in ("--absolute-git-dir", "--git-common-dir"):
            found = self.run("rev-parse", key, check=False).stdout.strip()
            if found:
                git_dir = (self.project / found).resolve()
                if site == git_dir or site.is_relative_to(git_dir) or git_dir.is_relative_to(site):
                    raise DeployError(f"{site} is (or holds) the repository's git folder {git_dir}: deckgen deploy "
                                      "publishes only a site deckgen built; nothing was deployed")
        if not site.is_dir() or not any(site.iterdir()):
            raise DeployError(f"nothing to deploy: {site} holds no built site. Run deckgen build first, or leave "
                              "out --no-build")
        if not is_deckgen_output(site):
            raise DeployError(f"{site} was not built by deckgen: deckgen deploy --no-build publishes only a folder "
                              "that deckgen build wrote. Build it with deckgen build -o, or leave out --no-build; "
                              "nothing was deployed")

    def default_message(self, profile: str | None = None) -> str:
        head = self.run("rev-parse", "--short", "HEAD", check=False).stdout.strip()
        variant = f" (profile {profile})" if profile else ""
        source = f" {head}" if head else ""
        return f"Deploy{source}{variant} with deckgen {__version__}"

    def commit_site(self, site: Path, branch: str, parent: str | None, message: str) -> str:
        """Commit every file of site, as the whole content, on top of parent; return the commit.

        ghp-import writes it to a temporary branch made for it (so that its own handling of the branch, which
        resets a local branch to the remote's, never applies to a branch of the user's) that is removed after.
        """
        import ghp_import

        temp = f"deckgen-deploy-{os.getpid()}-{secrets.token_hex(4)}"
        ref = f"refs/heads/{temp}"
        if parent is not None:
            self.run("update-ref", "--no-deref", ref, parent, "")  # "": only if the ref does not exist
        log.info("committing %s for %s", site, branch)
        try:
            with contextlib.chdir(self.project):  # ghp-import runs git in the current folder
                ghp_import.ghp_import(str(site), mesg=message, branch=temp, remote=f"refs/deckgen-none-{temp}",
                                      push=False, nojekyll=True)
            commit = self.rev(temp)
        except ghp_import.GhpError as exc:
            raise DeployError(f"cannot commit the site for {branch!r}: {exc.message}") from None
        except TypeError:
            # ghp-import 2.1 reports a failed git fast-import by writing bytes to the text stdout.
            commit = None
        finally:
            self.run("update-ref", "-d", ref, check=False)
        if commit is None or commit == parent:
            raise DeployError(f"git fast-import did not commit the site for {branch!r} (see git's message above); "
                              "nothing was deployed")
        return commit

    def push(self, remote: str, branch: str, commit: str) -> None:
        # A plain push: the remote takes it only as a fast-forward of what it holds.
        log.info("pushing %s to %s/%s", commit[:7], remote, branch)
        done = self.run("push", "--quiet", remote, f"{commit}:refs/heads/{branch}", check=False)
        if done.returncode != 0:
            raise DeployError(f"git push {remote} {branch} failed: {_git_message(done)}. Nothing was deployed, and "
                              f"the local branch {branch!r} was left as it was")

    def move_branch(self, branch: str, commit: str, before: str | None) -> None:
        """Point the local branch at the pushed commit, unless it moved meanwhile."""
        done = self.run("update-ref", "--no-deref", "-m", "deckgen deploy", f"refs/heads/{branch}", commit,
                        before or "", check=False)
        if done.returncode != 0:
            log.warning("warning: the site was pushed, but the local branch %r changed meanwhile and was left as "
                        "it is (%s)", branch, _git_message(done))


def _git_message(done: subprocess.CompletedProcess[str]) -> str:
    """git's own message in one line, without its hints."""
    lines = [line.strip() for line in (done.stderr or done.stdout).splitlines()]
    lines = [line.removeprefix("fatal: ").removeprefix("error: ") for line in lines if line and not
             line.startswith(("hint:", "To "))]
    return " ".join(lines).rstrip(".") or f"exit status {done.returncode}"
