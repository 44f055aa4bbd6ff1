"""The declarative option schema: each key with its type, default and a one-line doc."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Validator = Callable[[Any], Any]


class Invalid(ValueError):
    """A value does not fit its option; the message completes "key 'x': ..."."""


@dataclass(frozen=True)
class Option:
    """One configuration key."""

    name: str
    validate: Validator
    default: Any
    doc: str


def string(value: Any) -> str:
    """Accept text; YAML dates and numbers are turned into text."""
    if isinstance(value, bool) or value is None:
        raise Invalid(f"expected text, got {type_name(value)}")
    if isinstance(value, _dt.date | int | float):
        return str(value)
    if not isinstance(value, str):
        raise Invalid(f"expected text, got {type_name(value)}")
    return value


def boolean(value: Any) -> bool:
    """Accept true or false."""
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, got {type_name(value)}")
    return value


def string_list(value: Any) -> list[str]:
    """Accept one text or a list of texts."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid(f"expected a text or a list of texts, got {type_name(value)}")
    return list(value)


def mapping(value: Any) -> dict[str, Any]:
    """Accept a mapping with text keys."""
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise Invalid(f"expected a mapping, got {type_name(value)}")
    return dict(value)


def regex(value: Any) -> re.Pattern[str]:
    """Accept a regular expression (reveal-md's separator syntax)."""
    text = string(value)
    try:
        return re.compile(text, re.MULTILINE)
    except re.error as exc:
        raise Invalid(f"regular expression {text!r} does not compile: {exc}") from None


def anything(value: Any) -> Any:
    """Accept any value (reveal.js checks its own options)."""
    return value


def one_of(choices: tuple[str, ...], *, or_css: bool = False) -> Validator:
    """Accept one of the names, or (with or_css) a path ending in .css."""

    def validate(value: Any) -> str:
        text = string(value)
        if text in choices or (or_css and text.endswith(".css")):
            return text
        hint = did_you_mean(text, choices)
        extra = " or a .css file of the project" if or_css else ""
        raise Invalid(f"expected one of {', '.join(choices)}{extra}; got {text!r}{hint}")

    return validate


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    """Return "; did you mean 'x'?" for the closest choice, or ""."""
    import difflib  # only when a name is wrong

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    if not close:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"; did you mean {close[0]!r}?" if close else ""


def type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)
