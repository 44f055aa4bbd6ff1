"""Command line: parse arguments, import the command's module only when it runs.

`deckgen --version` answers before anything else is imported (argparse, logging, pathlib and their own imports
cost about twice Python's bare start-up); tests/test_startup.py keeps it that way.
"""

from __future__ import annotations

import sys

from deckgen import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import argparse


# The example that ends each command's --help (and the top-level one).
EXAMPLES = {
    "deckgen": """examples:
  deckgen init talks              start a project in talks/: a demo deck, deckgen.yml, a Pages workflow
  deckgen new intro               write slides/intro.md from a starter deck
  deckgen serve                   preview the decks while you edit them
  deckgen build                   write the site into build/
  deckgen list                    every deck with its title and slide count""",
    "build": """examples:
  deckgen build                       the project in the current folder, into build/
  deckgen build talks -o site         the project talks/, into site/
  deckgen build slides/intro.md       the project that holds this deck
  deckgen build --profile public -q   the public variant; print nothing but warnings and errors""",
    "pdf": """examples:
  deckgen pdf intro                     slides/intro.md (or slides/intro/index.md) to intro.pdf
  deckgen pdf slides/intro.md --notes   the deck of this file, with its speaker notes
  deckgen pdf intro --paper a4 --notes  handouts: A4 sheets, each slide then its notes
  deckgen pdf talks -o pdfs             every deck of the project talks/, into pdfs/""",
    "serve": """examples:
  deckgen serve                       preview the project here on http://localhost:8000/
  deckgen serve slides/intro.md --open   the project of this deck, opened in the web browser
  deckgen serve talks --port 8080     the project talks/ on port 8080""",
    "init": """examples:
  deckgen init talks                  create talks/ with a demo deck; then: deckgen serve talks
  deckgen init                        make the current folder a project (no demo deck beside your decks)""",
    "new": """examples:
  deckgen new intro                   write slides/intro.md, titled "Intro"
  deckgen new q3-review --title "Q3 review" talks   write talks/slides/q3-review.md""",
    "list": """examples:
  deckgen list                        name, title, slide count and source of every deck
  deckgen list talks --json           the decks of talks/ as JSON, with description, author and date""",
    "deploy": """examples:
  deckgen deploy                      build and push the site to the gh-pages branch of origin
  deckgen deploy --profile public -m "Meetup slides"   the public variant, with this commit message""",
    "cache": """examples:
  deckgen cache info                  where the cache is and what it holds
  deckgen cache clear --all           empty it, the downloaded npm packages included""",
    "import": """examples:
  deckgen import talk.html            write slides/talk.md from a hand-written reveal.js page
  deckgen import old/*.html talks     every page into the project talks/""",
}


def _port(text: str) -> int:
    """--port: a TCP port, 1 to 65535."""
    import argparse

    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return port


def _close(word: str, choices: list[str]) -> str | None:
    """The choice closest to a mistyped word, if one is close enough."""
    from difflib import get_close_matches

    matches = get_close_matches(word, choices, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _check_command(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    """A first word that is no command: say which command was meant (argparse would list them all)."""
    commands: dict[str, argparse.ArgumentParser] = parser.commands  # type: ignore[attr-defined]
    word = next((arg for arg in argv if not arg.startswith("-")), None)
    if word is None or word in commands or "--" in argv[: argv.index(word)]:
        return
    close = _close(word, list(commands))
    if close:
        parser.error(f"unknown command {word!r}; did you mean {close!r}?")
    from pathlib import Path

    if "\0" not in word and Path(word).exists():
        parser.error(f"unknown command {word!r}: the command comes first, e.g. `deckgen serve {word}` or "
                     f"`deckgen build {word}`")
    parser.error(f"unknown command {word!r}; the commands are {', '.join(commands)}")


def _unrecognized(parser: argparse.ArgumentParser, command: str | None, extras: list[str]) -> None:
    """Arguments no parser took: report the first with the command's own usage, and a did-you-mean."""
    sub = parser.commands[command] if command else parser  # type: ignore[attr-defined]
    where = f"deckgen {command}" if command else "deckgen"
    options = [arg for arg in extras if arg.startswith("-") and arg != "-"]
    if not options:
        sub.error(f"unexpected argument {extras[0]!r}; see `{where} --help`")
    option = options[0].split("=", 1)[0]
    known = list(sub._option_string_actions)
    if option in known:  # an option of the command, given before it
        sub.error(f"option {option!r} goes after the command: {where} {option} ...")
    # Compared without their dashes: every long option shares "--", which would make anything look close.
    names = {name.lstrip("-"): name for name in known if name.startswith("--") == option.startswith("--")}
    close = _close(option.lstrip("-"), list(names))
    hint = f"did you mean {names[close]!r}?" if close else f"see `{where} --help`"
    sub.error(f"unknown option {option!r}; {hint}")


def _find_project(args: argparse.Namespace, command: argparse.ArgumentParser) -> None:
    """Check PROJECT_DIR (it exists, it is a folder with slides/) or take the project of a deck given instead.

    Sets args.deck for serve: the deck named by the path given (None for a project folder).
    """
    from pathlib import Path

    from deckgen.commands.locate import ProjectPathError, is_project, locate, project_of, require_slides

    name = args.command
    if name not in ("build", "serve", "pdf", "deploy", "list", "new"):
        return
    if name == "pdf" and args.deck is not None and args.project == Path(".") and "\0" not in args.deck:
        given = Path(args.deck)
        if given.is_dir() and is_project(given):  # `deckgen pdf DIR`: every deck of the project DIR
            args.project, args.deck = given, None
        elif given.exists():  # `deckgen pdf slides/talk.md` from anywhere: the project of that deck
            args.project = project_of(given) or args.project
    try:
        target = locate(args.project)
    except ProjectPathError as exc:
        command.error(str(exc))
    args.project = target.project
    if name == "serve":
        args.deck = target.deck
    if name != "new" and not (name == "deploy" and not args.build):
        require_slides(args.project)


def _project_options(parser: argparse.ArgumentParser, *, strict: bool = True) -> None:
    """The options every command on a project shares: --config, --profile, --strict, --verbose."""
    from pathlib import Path

    parser.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: deckgen.yml)")
    parser.add_argument("--profile", metavar="NAME",
                        help="build a variant defined under profiles: (e.g. public: hidden slides left out)")
    if strict:
        parser.add_argument("--strict", action="store_true", help="treat warnings (unknown keys) as errors")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and show tracebacks")


def _parser() -> argparse.ArgumentParser:
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(
        prog="deckgen", description="Build Markdown slide decks into an offline reveal.js site.\n"
        "`deckgen COMMAND --help` shows a command's options.",
        epilog=EXAMPLES["deckgen"], formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"deckgen {__version__}")
    parser.add_argument("-v", "--verbose", dest="verbose_first", action="store_true",
                        help="log progress and show tracebacks (also accepted after the command)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", help="build every deck and the index page into build/")
    build.add_argument("project", nargs="?", type=Path, default=Path("."), metavar="PROJECT_DIR",
                       help="the project folder (default: the current folder)")
    build.add_argument("-o", "--output", type=Path, metavar="OUT", help="output folder (default: PROJECT_DIR/build)")
    build.add_argument("--pdf", action="store_true", help="also print each deck to OUT/NAME/NAME.pdf (needs Chromium)")
    pictures = build.add_mutually_exclusive_group()
    pictures.add_argument("--thumbnails", dest="thumbnails", action="store_true",
                          help="require a picture of each deck's first slide on the index (default: when Chromium "
                               "is there)")
    pictures.add_argument("--no-thumbnails", dest="thumbnails", action="store_false",
                          help="index cards without pictures")
    build.set_defaults(thumbnails=None)
    build.add_argument("--no-cache", dest="cache", action="store_false",
                       help="render every slide again instead of taking unchanged ones from the cache")
    _project_options(build)
    build.add_argument("-q", "--quiet", action="store_true",
                       help="no summary line and no progress: print nothing but warnings and errors")

    pdf = commands.add_parser("pdf", help="print a deck to NAME.pdf with reveal.js's print view (needs Chromium)")
    pdf.add_argument("deck", nargs="?", metavar="DECK",
                     help="the deck's name or source file (default: every deck, each to NAME.pdf)")
    pdf.add_argument("project", nargs="?", type=Path, default=Path("."), metavar="PROJECT_DIR",
                     help="the project folder (default: the current folder)")
    pdf.add_argument("-o", "--output", type=Path, metavar="FILE",
                     help="the PDF to write (default: NAME.pdf here; a folder when printing several decks)")
    pdf.add_argument("--notes", action="store_true",
                     help="after each slide's last page, a page with its number, title and speaker notes")
    pdf.add_argument("--fragments", action=argparse.BooleanOptionalAction, default=None,
                     help="one page per fragment step (default: yes, unless the deck sets pdfSeparateFragments)")
    pdf.add_argument("--paper", choices=("a4", "letter"),
                     help="print on landscape A4 or US Letter sheets, each slide scaled to fill one (handouts)")
    _project_options(pdf)

    serve = commands.add_parser("serve", help="preview the decks live: every save shows at once")
    serve.add_argument("project", nargs="?", type=Path, default=Path("."), metavar="PROJECT_DIR",
                       help="the project folder (default: the current folder)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000,
                       help="port, 1 to 65535 (default: 8000, or the next free one)")
    serve.add_argument("--open", action="store_true", help="open the site in the web browser")
    serve.add_argument("--poll", action="store_true", help="poll for changes (network and container mounts)")
    _project_options(serve, strict=False)

    init = commands.add_parser("init", help="create a starter project: deckgen.yml, a deck, a GitHub Pages workflow")
    init.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR",
                      help="the project folder, created if missing (default: the current folder)")
    init.add_argument("--force", action="store_true", help="overwrite files that exist")
    init.add_argument("-v", "--verbose", action="store_true", help="log progress and show tracebacks")

    new = commands.add_parser("new", help="write a new deck, slides/NAME.md, from a starter deck")
    new.add_argument("name", metavar="NAME", help="the deck's name: slides/NAME.md, built into NAME/index.html")
    new.add_argument("project", nargs="?", type=Path, default=Path("."), metavar="PROJECT_DIR",
                     help="the project folder (default: the current folder); slides/ is created if missing")
    new.add_argument("--title", help="the deck's title (default: made from NAME, my-talk: My talk)")
    new.add_argument("-v", "--verbose", action="store_true", help="show tracebacks")

    listing = commands.add_parser("list", help="list the decks: name, title, slide count, source")
    listing.add_argument("project", nargs="?", type=Path, default=Path("."), metavar="PROJECT_DIR",
                         help="the project folder (default: the current folder)")
    listing.add_argument("--json", action="store_true",
                         help="a JSON list of {name, title, slides, path, description, author, date}; path is "
                              "the source's, relative to the project")
    listing.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: deckgen.yml)")
    listing.add_argument("--strict", action="store_true", help="treat warnings (unknown keys) as errors")
    listing.add_argument("-v", "--verbose", action="store_true", help="log progress and show tracebacks")

    deploy = commands.add_parser("deploy", help="build, commit the site to the gh-pages branch and push it")
    deploy.add_argument("project", nargs="?", type=Path, default=Path("."), metavar="PROJECT_DIR",
                        help="the project folder, inside a git repository (default: the current folder)")
    deploy.add_argument("--remote", default="origin", help="git remote to push to (default: origin)")
    deploy.add_argument("--branch", default="gh-pages", help="branch that holds the site (default: gh-pages)")
    deploy.add_argument("-m", "--message", metavar="M", help="commit message (default: names the source commit)")
    deploy.add_argument("--no-build", dest="build", action="store_false", help="deploy OUT as it is, unbuilt")
    deploy.add_argument("-o", "--output", type=Path, metavar="OUT", help="output folder (default: PROJECT_DIR/build)")
    _project_options(deploy)

    cache = commands.add_parser("cache", help="show or clear deckgen's cache (rendered slides, pictures, PDFs)")
    cache.add_argument("action", choices=["info", "clear"], help="info: where it is and its size; clear: empty it")
    cache.add_argument("--all", action="store_true", help="with clear: also the downloaded npm packages")
    cache.add_argument("-v", "--verbose", action="store_true", help="log progress and show tracebacks")

    imports = commands.add_parser("import", help="turn hand-written reveal.js HTML decks into slides/NAME.md")
    imports.add_argument("paths", nargs="+", type=Path, metavar="FILE.html... [PROJECT_DIR]",
                         help="the reveal.js pages, then the project folder (default: the current folder)")
    imports.add_argument("--force", action="store_true", help="overwrite decks that exist")
    imports.add_argument("-v", "--verbose", action="store_true", help="list every translation; show tracebacks")
    for name, command in commands.choices.items():  # each --help ends with examples
        command.epilog = EXAMPLES.get(name, command.epilog)
        command.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.commands = commands.choices  # type: ignore[attr-defined]
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run deckgen; return the exit status."""
    if (sys.argv[1:] if argv is None else list(argv)) == ["--version"]:
        # The fast path: what argparse's version action prints, without importing argparse.
        print(f"deckgen {__version__}")
        return 0
    parser = _parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    _check_command(parser, argv)
    args, extras = parser.parse_known_args(argv)
    if extras:
        _unrecognized(parser, args.command, extras)
    if args.command is None:
        parser.print_help()
        return 2
    args.verbose = args.verbose or args.verbose_first  # -v before or after the command
    import logging

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s",
                        stream=sys.stderr)
    from deckgen.errors import DeckgenError

    try:
        _find_project(args, parser.commands[args.command])  # type: ignore[attr-defined]
        if args.command == "build":
            from deckgen.commands.build import build
            from deckgen.commands.progress import terminal_progress

            with terminal_progress(quiet=args.quiet) as progress:
                result = build(args.project, args.output, config_file=args.config, strict=args.strict,
                               thumbnails=args.thumbnails, pdf=args.pdf, profile=args.profile, cache=args.cache,
                               progress=progress)
            count, slides = len(result.decks), sum(deck.slide_count for deck in result.decks)
            if not count:
                print(f"warning: no decks in {args.project / 'slides'}/ yet: `deckgen new NAME` writes one "
                      "(decks are slides/NAME.md and slides/NAME/index.md)", file=sys.stderr)
            if not args.quiet:
                print(f"built {count} deck{'s' if count != 1 else ''} into {result.out} "
                      f"({slides} slide{'s' if slides != 1 else ''})")
        elif args.command == "pdf":
            from deckgen.browser.printing import PdfOptions
            from deckgen.commands.pdf import export_pdf

            options = PdfOptions(notes=args.notes, fragments=args.fragments, paper=args.paper)
            for path, pages in export_pdf(args.project, args.deck, args.output, config_file=args.config,
                                          strict=args.strict, options=options, profile=args.profile):
                print(f"wrote {path} ({pages} page{'s' if pages != 1 else ''})")
        elif args.command == "serve":
            from deckgen.commands.serve import serve

            # `deckgen serve slides/talk.md`: the project of that deck, at that deck's page.
            return serve(args.project, host=args.host, port=args.port, open_browser=args.open, poll=args.poll,
                         config_file=args.config, profile=args.profile, only_deck=args.deck)
        elif args.command == "init":
            from deckgen.commands.init import init_project

            print(init_project(args.dir, force=args.force).summary())
        elif args.command == "new":
            from pathlib import Path

            from deckgen.commands.new import new_deck

            made = new_deck(args.project, args.name, title=args.title)
            print(made.summary(None if args.project == Path(".") else str(args.project)))
        elif args.command == "list":
            from deckgen.commands.list_decks import as_json, as_table, list_decks

            entries, errors = list_decks(args.project, config_file=args.config, strict=args.strict)
            if args.json:
                print(as_json(entries))
            elif entries:
                print(as_table(entries, args.project))
            elif not errors:
                print(f"no decks in {args.project / 'slides'}/ yet: `deckgen new NAME` writes one", file=sys.stderr)
            for error in errors:
                print(str(error) if error.location else f"error: {error}", file=sys.stderr)
            return 1 if errors else 0
        elif args.command == "cache":
            from deckgen.commands.cache import cache_command

            print(cache_command(args.action, everything=args.all))
        elif args.command == "deploy":
            from deckgen.commands.deploy import deploy

            print(deploy(args.project, args.output, remote=args.remote, branch=args.branch, message=args.message,
                         build_site=args.build, config_file=args.config, strict=args.strict,
                         profile=args.profile).summary())
        elif args.command == "import":
            from pathlib import Path

            from deckgen.commands.import_deck import import_decks

            pages, project = args.paths, Path(".")
            if len(pages) > 1 and pages[-1].is_dir():
                pages, project = pages[:-1], pages[-1]
            result = import_decks(pages, project, force=args.force)
            print(result.summary(verbose=args.verbose))
            for error in result.errors:
                print(str(error) if error.location else f"error: {error}", file=sys.stderr)
            return 1 if result.errors else 0
    except DeckgenError as exc:
        if args.verbose:
            raise
        errors = getattr(exc, "errors", [exc])
        for error in errors:
            print(str(error) if error.location else f"error: {error}", file=sys.stderr)
        if len(errors) > 1:
            print(f"{len(errors)} errors; nothing was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def run() -> None:
    """The `deckgen` command: main(), then an exit without the interpreter's clean-up.

    Freeing a big build's objects one by one takes Python about 20 ms at exit (a 2000-slide deck). Every file is
    written and closed when main() returns, so logging and the output streams are flushed and the process ends.
    An exception leaves the usual way, with its traceback.
    """
    status = main()
    logging = sys.modules.get("logging")
    if logging is not None:
        logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`deckgen list | head`): Python itself exits with 120
            status = status or 120
    import os

    os._exit(status)


if __name__ == "__main__":
    run()
