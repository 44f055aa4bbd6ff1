"""`deckgen build`: load config, find decks, parse them, plan the site, write it aside and swap it in."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.config.options import load_site_config
from deckgen.dialect.deck import Deck
from deckgen.errors import raise_errors
from deckgen.site.decks import parse_decks
from deckgen.site.output import check_output_dir, check_path, output_lock, write_site

TYPE_CHECKING = False
if TYPE_CHECKING:
    from deckgen.config.options import SiteConfig
    from deckgen.site.plan import Content, SitePlanner

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    """What a build wrote."""

    out: Path
    decks: list[Deck]
    files: dict[str, Content] = field(default_factory=dict)
    pictures_shot: int = 0  # thumbnails taken by Chromium (not found in the cache)


def build(
    project: Path,
    out: Path | None = None,
    *,
    config_file: Path | None = None,
    strict: bool = False,
    thumbnails: bool | None = False,
    pdf: bool = False,
    profile: str | None = None,
    cache: bool = True,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the whole site of a project into out (default: PROJECT/build).

    thumbnails: pictures of first slides on the index (True: required, None: when Chromium is there);
    pdf: each deck's PDF as NAME/NAME.pdf. Both are made from the planned site before anything is written.
    profile: the variant to build (deckgen.yml's profiles:), None for every slide and fragment.
    cache: take unchanged slides from the persistent render cache (False: render every slide again).
    progress: called with what the build is doing now, at each stage (the command line shows it on a terminal).
    """
    check_path(project, "project folder")
    project = project.resolve()
    # Checked before anything is built, and again under the lock, just before the site is swapped in.
    out = check_output_dir(out or project / "build", project)
    site = load_site_config(project, config_file, strict=strict, profile=profile)
    site.cache = cache
    report = progress or _silent
    report("rendering the decks")
    made: list[SitePlanner] = []  # the next stage (jinja2, the templates) loads while render workers run, if any
    decks, errors = parse_decks(project, site, meanwhile=lambda: made.append(_planner(project, site)))
    report(f"planning {_count(len(decks), 'deck')}, {_count(sum(d.slide_count for d in decks), 'slide')}")
    from deckgen.site.plan import plan_site

    planner = made[0] if made else _planner(project, site)
    files = plan_site(project, site, decks, errors, planner=planner)
    raise_errors(errors)  # every problem of every deck, reported together; nothing written
    shot = 0
    if thumbnails is not False or pdf:  # pictures and PDFs, made in Chromium from the planned site
        from deckgen.browser.session import browser_pass

        making = " and ".join((["pictures"] if thumbnails is not False else []) + (["PDFs"] if pdf else []))
        report(f"{making} of {_count(len(decks), 'deck')} in Chromium")
        made = browser_pass(files, [deck.name for deck in decks], thumbnails=thumbnails, pdf=pdf)
        files.update(made.files)
        files["index.html"] = planner.index_page(decks, pictures=made.pictures, pdfs=made.pdfs)
        shot = made.shot
    report(f"writing {out}")
    with output_lock(out):  # another build of the same output waits for this one, then writes its own site
        check_output_dir(out, project)
        write_site(files, out)
    # The command line prints the summary; -v shows it once.
    log.debug("built %d decks (%d slides) into %s", len(decks), sum(d.slide_count for d in decks), out)
    return BuildResult(out, decks, files, pictures_shot=shot)


def _planner(project: Path, site: SiteConfig) -> SitePlanner:
    from deckgen.site.plan import SitePlanner

    return SitePlanner(project, site)


def _silent(stage: str) -> None:
    pass


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
