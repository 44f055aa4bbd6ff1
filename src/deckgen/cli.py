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
        prog="deckgen", description="Build Markdown slide decks into an offline reveal.js site."
    )
    parser.add_argument("--version", action="version", version=f"deckgen {__version__}")
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

    pdf = commands.add_parser("pdf", help="print a deck to NAME.pdf with reveal.js's print view (needs Chromium)")
    pdf.add_argument("deck", nargs="?", metavar="DECK",
                     help="the deck's name or source file (default: every deck, each to NAME.pdf)")
    pdf.add_argument("project", nargs="?", type=Path, default=Path("."), metavar="PROJECT_DIR",
                     help="the project folder (default: the current folder)")
    pdf.add_argument("-o", "--output", type=Path, metavar="FILE",
                     help="the PDF to write (default: NAME.pdf here; a folder when printing several decks)")
    pdf.add_argument("--notes", action="store_true", help="add each slide's speaker notes on a page of their own")
    pdf.add_argument("--fragments", action=argparse.BooleanOptionalAction, default=None,
                     help="one page per fragment step (default: yes, unless the deck sets pdfSeparateFragments)")
    _project_options(pdf)

    serve = commands.add_parser("serve", help="preview the decks live: every save shows at once")
    serve.add_argument("project", nargs="?", type=Path, default=Path("."), metavar="PROJECT_DIR",
                       help="the project folder (default: the current folder)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000, or the next free one)")
    serve.add_argument("--open", action="store_true", help="open the site in the web browser")
    serve.add_argument("--poll", action="store_true", help="poll for changes (network and container mounts)")
    _project_options(serve, strict=False)

    init = commands.add_parser("init", help="create a starter project: deckgen.yml, a deck, a GitHub Pages workflow")
    init.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR",
                      help="the project folder, created if missing (default: the current folder)")
    init.add_argument("--force", action="store_true", help="overwrite files that exist")
    init.add_argument("-v", "--verbose", action="store_true", help="log progress and show tracebacks")

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
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run deckgen; return the exit status."""
    if (sys.argv[1:] if argv is None else list(argv)) == ["--version"]:
        # The fast path: what argparse's version action prints, without importing argparse.
        print(f"deckgen {__version__}")
        return 0
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    import logging

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s",
                        stream=sys.stderr)
    from deckgen.errors import DeckgenError

    try:
        if args.command == "build":
            from deckgen.commands.build import build

            result = build(args.project, args.output, config_file=args.config, strict=args.strict,
                           thumbnails=args.thumbnails, pdf=args.pdf, profile=args.profile, cache=args.cache)
            count = len(result.decks)
            print(f"built {count} deck{'s' if count != 1 else ''} into {result.out}")
        elif args.command == "pdf":
            from deckgen.browser.printing import PdfOptions
            from deckgen.commands.pdf import export_pdf

            options = PdfOptions(notes=args.notes, fragments=args.fragments)
            for path, pages in export_pdf(args.project, args.deck, args.output, config_file=args.config,
                                          strict=args.strict, options=options, profile=args.profile):
                print(f"wrote {path} ({pages} page{'s' if pages != 1 else ''})")
        elif args.command == "serve":
            from deckgen.commands.serve import serve

            return serve(args.project, host=args.host, port=args.port, open_browser=args.open, poll=args.poll,
                         config_file=args.config)
        elif args.command == "init":
            from deckgen.commands.init import init_project

            print(init_project(args.dir, force=args.force).summary())
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


if __name__ == "__main__":
    sys.exit(main())
