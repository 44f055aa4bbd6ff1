"""What ships: the distribution deckgen-reveal (the name deckgen on PyPI is another project's), install lines
that name it, and the release workflow that tests, builds, checks and publishes it from a version tag."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from projects import REPO

from deckgen import __version__

DISTRIBUTION = "deckgen-reveal"
RELEASE = REPO / ".github/workflows/release.yml"
PUBLISH_ACTION = "pypa/gh-action-pypi-publish@"


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_distribution_is_ours_the_command_and_package_stay_deckgen() -> None:
    project = _pyproject()["project"]
    assert project["name"] == DISTRIBUTION
    assert project["scripts"] == {"deckgen": "deckgen.cli:run"}
    assert (REPO / "src/deckgen/__init__.py").is_file()
    # The release tools live in the workflow, never in what users install.
    runtime = {re.match(r"[A-Za-z0-9._-]+", requirement).group().lower() for requirement in project["dependencies"]}
    assert runtime.isdisjoint({"build", "twine"})


# -- no file tells anyone to install the bare name --------------------------------------------------------------

# An install command and its arguments, up to the end of the line, a closing backtick or a shell separator.
INSTALL = re.compile(r"\b(?:pipx?|pip3|uv\s+tool)\s+install\b(?P<args>[^`\n;&|#()]*)")
REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def bare_installs(line: str) -> list[str]:
    """The requirements of install commands in line that name the distribution deckgen (not deckgen-reveal)."""
    found = []
    for command in INSTALL.finditer(line):
        for word in command.group("args").split():
            requirement = word.strip("'\",")
            name = REQUIREMENT_NAME.match(requirement)
            if requirement.startswith("-") or name is None:
                continue  # an option, or a path such as . or ./dist/x.whl
            if re.sub(r"[-_.]+", "-", name.group().lower()) == "deckgen":
                found.append(requirement)
    return found


def test_bare_installs_finds_the_name_and_nothing_else() -> None:
    name = "deckgen"  # spelled apart so that this file passes its own scan
    for line in (f"pip install {name}", f"    run: pip install '{name}[pdf]'", f"1. `pip install -U {name}==0.1`",
                 f"python -m pip install \"{name}[pdf]>=0.1\" and apt-get install chromium",
                 f"pipx install {name}", f"uv pip install {name.upper()}", f"pip install . && pip install {name}"):
        assert bare_installs(line) != [], line
    for line in (f"pip install {name}-reveal", f"pip install '{name}-reveal[pdf]=={__version__}'", "pip install .",
                 "pip install -e '.[test]'", f"pip install . && {name} build", f"pip install foo  # {name}",
                 f"pip install dist/{name}_reveal-1.0-py3-none-any.whl", f"apt-get install {name}"):
        assert bare_installs(line) == [], line


def _repository_files() -> list[Path]:
    """The files git tracks, and new ones it does not ignore; every file but caches without git."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                                capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):  # an unpacked sdist, or git refuses the folder
        skip = {".git", "build", "dist", "node_modules", "__pycache__", ".venv", "venv", ".ruff_cache",
                ".pytest_cache"}
        return [path for path in REPO.rglob("*") if path.is_file()
                and not skip.intersection(path.relative_to(REPO).parts)]
    return [REPO / os.fsdecode(name) for name in listed.split(b"\0") if name]


def test_no_file_says_to_install_the_bare_name() -> None:
    files = _repository_files()
    assert REPO / "README.md" in files and RELEASE in files
    wrong = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:  # deleted in the working tree
            continue
        if b"\0" in data:
            continue  # binary
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            wrong += [f"{path.relative_to(REPO)}:{number}: {found}" for found in bare_installs(line)]
    assert wrong == [], f"install {DISTRIBUTION}, not the unrelated project deckgen: {wrong}"


def test_the_install_advice_names_the_distribution() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"pip install {DISTRIBUTION}" in readme and f"pip install '{DISTRIBUTION}[pdf]'" in readme
    from deckgen.browser.locate import INSTALL_HINT  # what a build without Chromium or Playwright says

    assert f"pip install '{DISTRIBUTION}[pdf]'" in INSTALL_HINT


# -- the release workflow ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def release() -> dict:
    data = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_release_runs_on_version_tags_with_least_privilege(release: dict) -> None:
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {"contents": "read"}
    assert set(release["jobs"]) == {"test", "build", "publish"}
    for name, job in release["jobs"].items():
        if name != "publish":
            assert "permissions" not in job and "environment" not in job, name
        for step in job["steps"]:
            assert step.get("name", "").strip(), f"{name}: a step without a name: {step}"
            assert ("uses" in step) != ("run" in step), step


def test_release_tests_like_ci(release: dict) -> None:
    test = release["jobs"]["test"]
    assert test["env"] == {"DECKGEN_REQUIRE_BROWSER": "1"}  # browser tests must run, as in .ci/run
    runs = _runs(test)
    assert "apt-get install" in runs and re.search(r"\bchromium\b", runs)
    assert "pip install -q '.[test]'" in runs
    assert "ruff check src tests benchmarks" in runs
    assert re.search(r"^python -m pytest\b", runs, re.M)
    assert test["container"]["image"].endswith("-bookworm")  # Debian, for Debian's Chromium


def test_release_builds_and_checks_the_distributions(release: dict) -> None:
    build = release["jobs"]["build"]
    runs = _runs(build)
    names = [step["name"] for step in build["steps"]]
    tag_check = next(i for i, step in enumerate(build["steps"]) if "ref_name" in str(step.get("env", "")))
    built = next(i for i, step in enumerate(build["steps"]) if step.get("run", "").strip() == "python -m build")
    assert tag_check < built, names
    assert "twine check --strict dist/*" in runs
    assert 'python -m venv "$RUNNER_TEMP/venv"' in runs
    assert re.search(r'"\$RUNNER_TEMP/venv/bin/deckgen" build "\$GITHUB_WORKSPACE"', runs)
    assert "deckgen_reveal-$VERSION-py3-none-any.whl" in runs and "deckgen_reveal-$VERSION.tar.gz" in runs
    upload = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-artifact@"))
    publish = release["jobs"]["publish"]
    download = next(step for step in publish["steps"] if step.get("uses", "").startswith("actions/download-artifact@"))
    assert upload["with"]["name"] == download["with"]["name"]
    assert upload["with"]["path"] == download["with"]["path"] == "dist/"


def test_release_publishes_with_trusted_publishing_after_everything_else(release: dict) -> None:
    publish = release["jobs"]["publish"]
    assert sorted(publish["needs"]) == sorted(set(release["jobs"]) - {"publish"})
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"] == {"name": "pypi"}
    uses = [step["uses"] for step in publish["steps"] if "uses" in step]
    assert uses[-1] == f"{PUBLISH_ACTION}release/v1"
    assert "with" not in publish["steps"][-1]  # no password, no token: trusted publishing
    assert sum(PUBLISH_ACTION in str(job) for job in release["jobs"].values()) == 1


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize(("tag", "passes"), [(f"v{__version__}", True), (f"v{__version__}.1", False),
                                             (__version__, False), ("v0.0.0-not-it", False)])
def test_release_tag_check_step(release: dict, tag: str, passes: bool, tmp_path: Path) -> None:
    step = next(step for step in release["jobs"]["build"]["steps"] if "ref_name" in str(step.get("env", "")))
    assert step["env"] == {"TAG": "${{ github.ref_name }}"}  # through the environment, never pasted into code
    github_env = tmp_path / "github_env"
    env = {**os.environ, "TAG": tag, "GITHUB_ENV": str(github_env),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)
    run = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=60)
    if passes:
        assert run.returncode == 0, run.stdout + run.stderr
        assert github_env.read_text() == f"VERSION={__version__}\n"
    else:
        assert run.returncode != 0
        assert f"::error::the tag {tag} is not v{__version__}" in run.stdout
        assert not github_env.exists()
