"""deckgen.vendor: the site's third-party files, checked against the real pinned packages."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from deckgen.assets import npm, vendor
from deckgen.assets.vendor import (
    COMMON_HLJS_LANGUAGES,
    FONTS,
    HIGHLIGHT,
    HIGHLIGHT_THEMES,
    KATEX,
    PACKAGES,
    REVEAL,
    REVEAL_THEMES,
    VendorSet,
)
from deckgen.errors import AssetError

_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""")
_FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".otf", ".eot"}


@pytest.fixture(scope="session")
def packages(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Fetch the pinned packages once (kept in pytest's cache folder between runs) or skip."""
    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    folder = cache.mkdir("deckgen-npm") if cache is not None else tmp_path_factory.mktemp("deckgen-npm")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DECKGEN_CACHE_DIR", str(folder))
        try:
            for pkg in PACKAGES:
                npm.package_dir(pkg)
        except AssetError as exc:
            if "cannot download" in str(exc) or "cannot tell which npm registry" in str(exc):
                pytest.skip(f"the pinned npm packages cannot be fetched here: {exc}")
            raise
        yield


def site_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def check_css_stays_on_site(root: Path) -> None:
    """Assert that no written CSS imports anything or points off-site, and that every url() resolves."""
    written = site_files(root)
    for css in sorted(p for p in root.rglob("*.css")):
        text = css.read_text(encoding="utf-8")
        name = css.relative_to(root).as_posix()
        assert "@import" not in text, name
        for match in _URL.finditer(text):
            ref = next(group for group in match.groups() if group is not None)
            if ref.startswith("data:"):
                continue
            assert not ref.startswith(("http:", "https:", "//", "/")), f"{name}: {ref}"
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), ref.split("?")[0]))
            assert target in written, f"{name}: url({ref}) is not a written file"


# -- requests need no download --------------------------------------------------------------------------


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An empty cache and a registry nobody answers: any fetch fails."""
    monkeypatch.delenv("DECKGEN_ASSETS", raising=False)
    monkeypatch.setenv("DECKGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DECKGEN_NPM_REGISTRY", "http://127.0.0.1:9")


@pytest.mark.usefixtures("offline")
def test_requests_are_validated_without_downloading() -> None:
    site = VendorSet()

    assert site.reveal() == [
        "vendor/reveal.js/dist/reset.css",
        "vendor/reveal.js/dist/reveal.css",
        "vendor/reveal.js/dist/reveal.js",
    ]
    assert site.plugin("notes") == "vendor/reveal.js/dist/plugin/notes.js"
    assert site.theme("night") == "vendor/reveal.js/dist/theme/night.css"
    assert site.highlight_theme("monokai") == "vendor/reveal.js/dist/plugin/highlight/monokai.css"
    assert site.highlight_theme("base16/dracula") == "vendor/highlight.js/styles/base16/dracula.min.css"
    assert site.katex() == (
        ["vendor/katex/dist/katex.min.css"],
        ["vendor/katex/dist/katex.min.js", "vendor/katex/dist/contrib/auto-render.min.js"],
    )

    with pytest.raises(AssetError, match="cannot download"):
        site.files()


@pytest.mark.usefixtures("offline")
def test_highlight_loads_only_grammars_the_common_build_lacks() -> None:
    urls = VendorSet().highlight({"python", "RS", "ex", "Elixir", "clojure-repl", "nonsense", "", "html"})

    assert urls == [
        "vendor/highlight.js/highlight.min.js",
        "vendor/highlight.js/languages/clojure.min.js",
        "vendor/highlight.js/languages/clojure-repl.min.js",
        "vendor/highlight.js/languages/elixir.min.js",
    ]


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.theme("blak"), "unknown reveal.js theme 'blak'; did you mean 'black'? Choose one of: beige,"),
        (lambda s: s.plugin("markdown"), "unknown reveal.js plugin 'markdown'. Choose one of: notes, search, zoom."),
        (lambda s: s.highlight_theme("githib"), "unknown highlight theme 'githib'; did you mean 'github'?"),
    ],
)
def test_unknown_names_are_errors(call: object, message: str) -> None:
    with pytest.raises(AssetError) as caught:
        call(VendorSet())  # type: ignore[operator]
    assert str(caught.value).startswith(message)


def test_highlight_themes_include_reveal_and_hljs_names() -> None:
    for name in ("monokai", "zenburn", "github", "vs", "shades-of-purple", "atom-one-dark", "base16/nord"):
        assert name in HIGHLIGHT_THEMES
    assert list(HIGHLIGHT_THEMES) == sorted(set(HIGHLIGHT_THEMES))


# -- written sites, from the real packages --------------------------------------------------------------


@pytest.mark.usefixtures("packages")
def test_deck_with_code_and_math_writes_only_local_files(tmp_path: Path) -> None:
    site = VendorSet()
    requested = [
        *site.reveal(),
        site.plugin("notes"),
        site.plugin("zoom"),
        site.plugin("search"),
        site.theme("league"),
        site.highlight_theme("monokai"),
        *site.highlight({"python", "rust", "elixir"}),
        *[url for urls in site.katex() for url in urls],
    ]

    site.write(tmp_path)

    written = site_files(tmp_path)
    assert set(requested) <= written
    assert written == set(site.files())
    assert "vendor/highlight.js/languages/elixir.min.js" in written
    assert not any(name.startswith("vendor/highlight.js/languages/") and "elixir" not in name for name in written)
    check_css_stays_on_site(tmp_path)
    fonts = {name for name in written if Path(name).suffix in _FONT_SUFFIXES}
    assert fonts and all(name.endswith(".woff2") for name in fonts)
    assert len([f for f in fonts if f.startswith("vendor/katex/dist/fonts/")]) == 20
    league = (tmp_path / "vendor/reveal.js/dist/theme/league.css").read_text(encoding="utf-8")
    for weight in (400, 700):
        for style in ("normal", "italic"):
            face = f"@font-face{{font-family:'Lato';font-style:{style};font-weight:{weight};"
            assert league.count(face) == 2, (weight, style)  # latin and latin-ext
    assert "vendor/fonts/lato/lato-latin-400-normal.woff2" in written
    assert not any("-300-" in name or "-900-" in name for name in fonts)


@pytest.mark.usefixtures("packages")
def test_every_theme_and_highlight_theme_stays_on_site(tmp_path: Path) -> None:
    site = VendorSet()
    for name in REVEAL_THEMES:
        site.theme(name)
    for name in HIGHLIGHT_THEMES:
        site.highlight_theme(name)

    site.write(tmp_path)

    check_css_stays_on_site(tmp_path)
    written = site_files(tmp_path)
    for name in REVEAL_THEMES:
        assert "data:font" not in (tmp_path / f"vendor/reveal.js/dist/theme/{name}.css").read_text(encoding="utf-8")
    assert "vendor/highlight.js/styles/brown-papersq.png" in written
    sky = (tmp_path / "vendor/reveal.js/dist/theme/sky.css").read_text(encoding="utf-8")
    assert "font-family:'Quicksand';font-style:normal;font-weight:700" in sky
    assert "font-family:'Quicksand';font-style:italic" not in sky  # the font has no italics
    assert "font-family:'Open Sans';font-style:italic;font-weight:700" in sky


@pytest.mark.usefixtures("packages")
@pytest.mark.parametrize(
    ("theme", "family", "variants"),
    [
        ("black", "Source Sans Pro", [(400, "normal"), (400, "italic"), (600, "normal"), (600, "italic")]),
        ("white", "Source Sans Pro", [(400, "normal"), (400, "italic"), (600, "normal"), (600, "italic")]),
        ("league", "League Gothic", [(400, "normal")]),
    ],
)
def test_embedded_theme_fonts_become_local_woff2_files(
    tmp_path: Path, theme: str, family: str, variants: list[tuple[int, str]]
) -> None:
    site = VendorSet()
    url = site.theme(theme)

    site.write(tmp_path)

    css_file = tmp_path / url
    css = css_file.read_text(encoding="utf-8")
    assert "data:font" not in css
    assert "data:application/font" not in css
    assert css_file.stat().st_size < 100_000  # reveal.js's own copy of black.css is 575 KB
    check_css_stays_on_site(tmp_path)
    refs = [next(g for g in m.groups() if g is not None) for m in _URL.finditer(css)]
    fonts = {posixpath.normpath(posixpath.join(posixpath.dirname(url), ref)) for ref in refs}
    assert all(name.startswith("vendor/fonts/") and name.endswith(".woff2") for name in fonts)
    assert {name for name in site_files(tmp_path) if Path(name).suffix in _FONT_SUFFIXES} == fonts
    prefix = f"vendor/fonts/{FONTS[family].basename}/{FONTS[family].basename}"
    for weight, style in variants:
        face = f"@font-face{{font-family:'{family}';font-style:{style};font-weight:{weight};font-display:swap;"
        assert css.count(face) >= 2, (weight, style)  # one per subset: latin, latin-ext…
        assert f"{prefix}-latin-{weight}-{style}.woff2" in fonts
        assert f"{prefix}-latin-ext-{weight}-{style}.woff2" in fonts
    assert css.count("@font-face") == css.count("unicode-range:")
    assert re.search(rf'--r-(main|heading)-font:"?{family}"?,', css)  # the theme's rules still name the family


@pytest.mark.usefixtures("packages")
def test_only_font_data_urls_are_replaced() -> None:
    embedded = "d09GRgABAAAAAb6U"
    css = (
        f'@font-face{{font-family:Source Sans Pro;src:url(data:font/woff;base64,{embedded})format("woff");'
        "font-weight:600;font-style:italic}"
        f"@font-face{{font-family:'Unknown Face';src:url(data:font/woff;base64,{embedded})format(\"woff\")}}"
        "@font-face{font-family:Local;src:url(local.woff2)}"
        ".reveal{background:url(data:image/png;base64,iVBORw0KGgo=)}"
    )

    result, fonts = VendorSet()._unembed_fonts("vendor/reveal.js/dist/theme/x.css", "x", css)

    assert "font-family:'Source Sans Pro';font-style:italic;font-weight:600;font-display:swap;" in result
    assert "url(../../../fonts/source-sans-pro/source-sans-pro-latin-600-italic.woff2) format('woff2')" in result
    assert result.count(embedded) == 1  # the unknown family keeps its embedded copy
    assert "@font-face{font-family:Local;src:url(local.woff2)}" in result
    assert ".reveal{background:url(data:image/png;base64,iVBORw0KGgo=)}" in result
    assert {url for url, _ in fonts} == {
        f"vendor/fonts/source-sans-pro/source-sans-pro-{subset}-600-italic.woff2"
        for subset in ("latin", "latin-ext", "vietnamese")
    }


@pytest.mark.usefixtures("packages")
def test_write_is_idempotent_and_deterministic(tmp_path: Path) -> None:
    def build(out: Path) -> dict[str, bytes]:
        site = VendorSet()
        site.theme("simple")
        site.katex()
        site.write(out)
        site.write(out)
        return {name: (out / name).read_bytes() for name in site_files(out)}

    assert build(tmp_path / "a") == build(tmp_path / "b")


@pytest.mark.usefixtures("packages")
def test_only_requested_packages_are_fetched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fetched: list[str] = []
    real = npm.package_dir

    def spy(pkg: npm.Package, *, project_dir: Path | None = None) -> Path:
        fetched.append(pkg.name)
        return real(pkg, project_dir=project_dir)

    monkeypatch.setattr(npm, "package_dir", spy)
    site = VendorSet()
    site.reveal()
    site.theme("black")
    site.write(tmp_path)

    assert fetched == [REVEAL.name, FONTS["Source Sans Pro"].name]


@pytest.mark.usefixtures("packages")
def test_literals_match_the_pinned_packages() -> None:
    reveal = npm.package_dir(REVEAL)
    hljs = npm.package_dir(HIGHLIGHT)
    assert tuple(sorted(p.stem for p in (reveal / "dist/theme").glob("*.css"))) == REVEAL_THEMES
    styles = {
        p.relative_to(hljs / "styles").as_posix()[: -len(".min.css")] for p in hljs.glob("styles/**/*.min.css")
    }
    reveal_styles = {p.stem for p in (reveal / "dist/plugin/highlight").glob("*.css")}
    assert set(HIGHLIGHT_THEMES) == styles | reveal_styles

    grammars = {p.name[: -len(".min.js")] for p in (hljs / "languages").glob("*.min.js")}
    assert grammars >= vendor._HLJS_LANGUAGES
    assert not vendor._HLJS_LANGUAGES & COMMON_HLJS_LANGUAGES
    assert grammars - vendor._HLJS_LANGUAGES <= COMMON_HLJS_LANGUAGES
    core = (hljs / "highlight.min.js").read_text(encoding="utf-8")
    for name in grammars - vendor._HLJS_LANGUAGES:
        assert f"grmr_{name.replace('-', '_')}" in core, name
    for alias, name in vendor._HLJS_ALIASES.items():
        assert f'"{alias}"' in (hljs / f"languages/{name}.min.js").read_text(encoding="utf-8"), alias
    assert (npm.package_dir(KATEX) / "dist/katex.min.css").is_file()
