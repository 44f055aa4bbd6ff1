"""Load deckgen.yml (and reveal-md's and MkSlides' settings files) and validate them and every deck's front matter
against one schema."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deckgen.config import mkslides, revealmd, schema
from deckgen.config.yamlfile import YamlDoc, parse_yaml
from deckgen.errors import ConfigError, DeckgenError, Location, raise_errors

log = logging.getLogger(__name__)

# Top-level options of Reveal.initialize() in reveal.js 6.0.2 (its dist/config.d.ts); a deck may give them
# at the top of its front matter, as reveal-md allows.
REVEAL_OPTIONS = frozenset(["autoAnimate", "autoAnimateDuration", "autoAnimateEasing", "autoAnimateMatcher", "autoAnimateStyles", "autoAnimateUnmatched", "autoPlayMedia", "autoSlide", "autoSlideMethod", "autoSlideStoppable", "backgroundTransition", "center", "controls", "controlsBackArrows", "controlsLayout", "controlsTutorial", "defaultTiming", "disableLayout", "display", "embedded", "focusBodyOnPageVisibilityChange", "fragmentInURL", "fragments", "hash", "hashOneBasedIndex", "height", "help", "hideCursorTime", "hideInactiveCursor", "history", "jumpToSlide", "keyboard", "keyboardCondition", "loop", "margin", "maxScale", "minScale", "mobileViewDistance", "mouseWheel", "navigationMode", "overview", "parallaxBackgroundHorizontal", "parallaxBackgroundImage", "parallaxBackgroundPosition", "parallaxBackgroundRepeat", "parallaxBackgroundSize", "parallaxBackgroundVertical", "pause", "pdfMaxPagesPerSlide", "pdfPageHeightOffset", "pdfSeparateFragments", "postMessage", "postMessageEvents", "preloadIframes", "preventIframeAutoFocus", "previewLinks", "progress", "respondToHashChanges", "rtl", "scrollActivationWidth", "scrollLayout", "scrollProgress", "scrollSnap", "showHiddenSlides", "showNotes", "showSlideNumber", "shuffle", "slideNumber", "sortFragmentsOnSync", "touch", "transition", "transitionSpeed", "view", "viewDistance", "width"])


def _themes() -> tuple[str, ...]:
    from deckgen.assets.vendor import REVEAL_THEMES

    return REVEAL_THEMES


def _highlight_themes() -> tuple[str, ...]:
    from deckgen.assets.vendor import HIGHLIGHT_THEMES

    return HIGHLIGHT_THEMES


def _theme(value: Any) -> str:
    return schema.one_of(_themes(), or_css=True)(value)


def _highlight_theme(value: Any) -> str:
    return schema.one_of(_highlight_themes(), or_css=True)(value)


DECK_OPTIONS: tuple[schema.Option, ...] = (
    schema.Option("title", schema.string, "", "Title of the deck (page title, index card, title slide)."),
    schema.Option("subtitle", schema.string, "", "Subtitle shown on the title slide."),
    schema.Option("author", schema.string, "", "Author shown on the index card and the title slide."),
    schema.Option("date", schema.string, "", "Date shown on the index card and the title slide."),
    schema.Option("description", schema.string, "", "One-line summary for the index and the page metadata."),
    schema.Option("lang", schema.string, "en", "Language of the deck (the page's lang attribute)."),
    schema.Option("theme", _theme, "black", "A reveal.js theme name, or a .css file of the project."),
    schema.Option("highlightTheme", _highlight_theme, "monokai", "Code colour theme (highlight.js style)."),
    schema.Option("css", schema.string_list, [], "Extra stylesheets of the project for this deck."),
    schema.Option("scripts", schema.string_list, [], "Extra scripts of the project, loaded after reveal.js."),
    schema.Option("revealOptions", schema.mapping, {}, "Options passed to Reveal.initialize()."),
    schema.Option("separator", schema.regex, None, "Regex of a horizontal slide separator line."),
    schema.Option("verticalSeparator", schema.regex, None, "Regex of a vertical slide separator line."),
    schema.Option("notesSeparator", schema.regex, None, "Regex that starts the speaker notes of a slide."),
    schema.Option("titleSlide", schema.boolean, False, "Generate a title slide from title, subtitle, author."),
    schema.Option("incremental", schema.boolean, False, "Show every list item as a fragment."),
    schema.Option("background", schema.string, "", "Default slide background: a colour or an image path."),
    schema.Option("hide", schema.string_list, [], "Classes whose slides and elements are left out of the HTML."),
    schema.Option("fragments", schema.boolean, True, "false: every fragment (and code step) shows at once."),
    schema.Option("profiles", schema.mapping, {}, "Named variants: deck options applied with --profile NAME."),
)
DECK_KEYS = {o.name: o for o in DECK_OPTIONS}
# MkSlides plugins' files, kept apart from css and scripts so that no layer replaces them: key -> the option
# they are added to.
_PLUGIN_FILES = {"plugins.extra_css": "css", "plugins.extra_javascript": "scripts"}
# Keys of other tools that mean the same thing.
DECK_ALIASES = {"revealjs": "revealOptions", "reveal.js": "revealOptions", "highlight_theme": "highlightTheme"}

SITE_OPTIONS: tuple[schema.Option, ...] = (
    schema.Option("title", schema.string, "Slides", "Title of the site's index page."),
    schema.Option("description", schema.string, "", "Text under the title of the index page."),
    schema.Option("defaults", schema.mapping, {}, "Front matter defaults applied to every deck."),
    schema.Option("exclude", schema.string_list, [], "Glob patterns (relative to slides/) of files that are not decks."),
    schema.Option("profiles", schema.mapping, {}, "Named variants (public, print, ...): deck options for --profile."),
)
SITE_KEYS = {o.name: o for o in SITE_OPTIONS}


@dataclass
class DeckOptions:
    """A deck's validated options: deckgen.yml defaults overlaid with its front matter."""

    values: dict[str, Any]
    reveal: dict[str, Any] = field(default_factory=dict)
    # Where each key was set, for later errors (e.g. a css file that is missing).
    locations: dict[str, Location] = field(default_factory=dict)
    # Keys deckgen does not know (after a warning), handed to templates as deck.meta: e.g. a footer: line.
    meta: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class SiteConfig:
    """deckgen.yml, validated."""

    path: Path | None
    title: str
    description: str
    exclude: list[str]
    defaults: YamlDoc
    strict: bool = False
    project: Path | None = None  # the project folder (includes must stay inside it)
    profile: str | None = None  # the variant being built (--profile)
    profiles: YamlDoc | None = None  # deckgen.yml's profiles: name -> deck options
    cache: bool = True  # keep rendered slides between builds (--no-cache: render everything again)
    # Other tools' settings (config/revealmd.py, config/mkslides.py): every deck's lowest layers.
    inherited: list[YamlDoc] = field(default_factory=list)


@dataclass
class Problems:
    """Errors and warnings collected while validating, reported together."""

    strict: bool = False
    errors: list[DeckgenError] = field(default_factory=list)
    silent: bool = False  # for documents validated (and warned about) once already

    def error(self, message: str, location: Location) -> None:
        self.errors.append(ConfigError(message, location))

    def warn(self, message: str, location: Location) -> None:
        if self.silent:
            return
        if self.strict:
            self.error(message + " (an error under --strict)", location)
        else:
            log.warning("%s: warning: %s", location, message)

    def raise_if_any(self) -> None:
        raise_errors(self.errors)


def load_site_config(
    project: Path, config_file: Path | None = None, *, strict: bool = False, profile: str | None = None
) -> SiteConfig:
    """Read and validate deckgen.yml (optional unless named explicitly); profile: the variant to build."""
    path = config_file if config_file is not None else project / "deckgen.yml"
    problems = Problems(strict)
    revealmd_defaults, revealmd_layers, revealmd_title = revealmd.read_layers(project, problems.warn)
    mkslides_defaults, mkslides_layers, mkslides_title = mkslides.read_layers(project, problems.warn)
    # The tools' defaults under every file a user wrote.
    inherited = [*revealmd_defaults, *mkslides_defaults, *revealmd_layers, *mkslides_layers]
    index_title = mkslides_title or revealmd_title or "Slides"  # unless deckgen.yml names the index
    for layer in inherited:  # validated now, so that their errors point at their files
        _collect_deck_values(layer, problems)
    if not path.is_file():
        if config_file is not None:
            raise ConfigError(f"config file {path} does not exist")
        problems.raise_if_any()
        return SiteConfig(None, index_title, "", [], YamlDoc(path, {}, {}, 1), strict, project=project,
                          profile=profile, profiles=YamlDoc(path, {}, {}, 1), inherited=inherited)
    doc = parse_yaml(_read_text(path), path, first_line=1)
    values: dict[str, Any] = {}
    for key, value in doc.data.items():
        where = doc.location(key)
        option = SITE_KEYS.get(key)
        if option is None:
            if key in DECK_KEYS or key in REVEAL_OPTIONS:
                problems.warn(f"unknown key {key!r}; deck options go under 'defaults:'", where)
            else:
                problems.warn(f"unknown key {key!r}{schema.did_you_mean(key, list(SITE_KEYS))}", where)
            continue
        try:
            values[key] = option.validate(value)
        except schema.Invalid as exc:
            problems.error(f"key {key!r}: {exc}", where)
    defaults = doc.sub(values.get("defaults", {}), "defaults")
    # Validate the defaults and the profiles now so their errors point at deckgen.yml.
    _collect_deck_values(defaults, problems)
    profiles = doc.sub(values.get("profiles", {}), "profiles")
    for name in profiles.data:
        _collect_deck_values(_profile_doc(profiles, name, problems), problems)
    problems.raise_if_any()
    return SiteConfig(
        path=path,
        title=values.get("title", index_title),
        description=values.get("description", ""),
        exclude=values.get("exclude", []),
        defaults=defaults,
        strict=strict,
        project=project,
        profile=profile,
        profiles=profiles,
        inherited=inherited,
    )


def deck_options(front_matter: YamlDoc, site: SiteConfig) -> DeckOptions:
    """Validate a deck's front matter and overlay it on the site's defaults; then, when a profile is built, the
    profile's options of deckgen.yml and of the deck's own profiles: on top."""
    problems = Problems(site.strict)
    validated = Problems(silent=True)  # the site's layers: load_site_config warned about them once
    merged = DeckOptions({o.name: _copy(o.default) for o in DECK_OPTIONS})
    own = mkslides.translate(front_matter, problems.warn)  # a MkSlides deck's slides:, revealjs:, plugins:
    layers = [(doc, validated) for doc in [*site.inherited, site.defaults]] + [(own, problems)]
    if site.profile is not None:
        if site.profiles is not None and site.profile in site.profiles.data:
            layers.append((_profile_doc(site.profiles, site.profile, validated), validated))
        deck_profiles = front_matter.sub(front_matter.data.get("profiles") or {}, "profiles")
        if isinstance(deck_profiles.data, dict) and site.profile in deck_profiles.data:
            layers.append((_profile_doc(deck_profiles, site.profile, problems), problems))
    for doc, told in layers:
        values, reveal, locations, meta = _collect_deck_values(doc, told)
        merged.meta.update(meta)
        # reveal.js options merge key by key: the deck's (revealOptions or top level) win over deckgen.yml's.
        merged.reveal.update({**values.pop("revealOptions", {}), **reveal})
        merged.values.update(values)
        merged.locations.update(locations)
    problems.raise_if_any()
    merged.values["revealOptions"] = merged.reveal
    for key, target in _PLUGIN_FILES.items():  # loaded after the deck's own css and scripts, whoever set those
        files, where = merged.values.pop(key, []), merged.locations.pop(key, None)
        merged.values[target] = [*merged.values[target], *(f for f in files if f not in merged.values[target])]
        if files and where is not None:
            merged.locations.setdefault(target, where)
    return merged


def settings_files(project: Path) -> list[Path]:
    """Other tools' settings files deckgen reads from the project folder (reveal-md's, MkSlides'), existing or
    not: serve rebuilds every deck when one changes."""
    return [*revealmd.settings_files(project), *mkslides.settings_files(project)]


def _profile_doc(profiles: YamlDoc, name: str, problems: Problems) -> YamlDoc:
    """One profile's options, as a document located in its file."""
    value = profiles.data[name]
    if value is None:
        value = {}
    if not isinstance(value, dict):
        problems.error(f"profile {name!r}: expected a mapping of deck options, got {schema.type_name(value)}",
                       profiles.location(name))
        value = {}
    doc = profiles.sub(value, name)
    if "profiles" in doc.data:
        problems.error(f"profile {name!r}: a profile cannot hold profiles", doc.location("profiles"))
        doc = YamlDoc(doc.path, {k: v for k, v in doc.data.items() if k != "profiles"}, doc.lines, doc.first_line)
    return doc


def check_profile(site: SiteConfig, decks_profiles: list[set[str]]) -> None:
    """An unknown --profile is an error listing the profiles deckgen.yml and the decks define."""
    if site.profile is None:
        return
    known = set(site.profiles.data if site.profiles is not None else ()) | set().union(*decks_profiles)
    if site.profile in known:
        return
    listed = ", ".join(sorted(known)) or "none (define them under profiles: in deckgen.yml)"
    hint = schema.did_you_mean(site.profile, sorted(known))
    raise ConfigError(f"unknown profile {site.profile!r}{hint}; the profiles defined: {listed}",
                      Location(site.path) if site.path else None)


def _collect_deck_values(
    doc: YamlDoc, problems: Problems
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Location], dict[str, Any]]:
    meta: dict[str, Any] = {}
    values: dict[str, Any] = {}
    reveal: dict[str, Any] = {}
    locations: dict[str, Location] = {}
    for key, value in doc.data.items():
        where = doc.location(key)
        name = DECK_ALIASES.get(key, key)
        option = DECK_KEYS.get(name)
        if name in _PLUGIN_FILES:  # a MkSlides deck's plugins' files (config/mkslides.py)
            values[name], locations[name] = schema.string_list(value), where
        elif option is not None:
            try:
                values[name] = option.validate(value)
                locations[name] = where
            except schema.Invalid as exc:
                problems.error(f"key {key!r}: {exc}", where)
        elif key in REVEAL_OPTIONS:
            reveal[key] = value
        else:
            known = list(DECK_KEYS) + sorted(REVEAL_OPTIONS)
            problems.warn(f"unknown key {key!r}{schema.did_you_mean(key, known)}", where)
            meta[key] = value
    if "revealOptions" in values:
        # A mapping value is a plugin's configuration (menu, chalkboard, ...): reveal.js passes it through.
        options = values["revealOptions"]
        unknown = [k for k, v in options.items() if k not in REVEAL_OPTIONS and not isinstance(v, dict)]
        written = doc.sub(options, next(k for k in doc.data if DECK_ALIASES.get(k, k) == "revealOptions"))
        for key in unknown:
            hint = schema.did_you_mean(key, sorted(REVEAL_OPTIONS))
            problems.warn(f"revealOptions: {key!r} is not a reveal.js option{hint}", written.location(key))
    return values, reveal, locations, meta


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value


def _read_text(path: Path) -> str:
    from deckgen.config.textfile import read_source

    return read_source(path)
