"""Read JavaScript object literals (the argument of Reveal.initialize) into Python values, without running them.

Values that are not literals (functions, expressions, variables) are kept as Code, plugin names as Name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Name:
    """An identifier or a dotted name: RevealNotes, RevealMath.KaTeX."""

    text: str


@dataclass(frozen=True)
class Code:
    """Any other expression, as written."""

    text: str


_SPACE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)
_NUMBER = re.compile(r"-?(?:0x[0-9a-fA-F]+|\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)")
_NAME = re.compile(r"[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*")
_KEYWORDS = {"true": True, "false": False, "null": None, "undefined": None}


class JsReader:
    """A cursor over JavaScript source."""

    def __init__(self, text: str, pos: int = 0) -> None:
        self.text, self.pos = text, pos

    def _space(self) -> None:
        self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def _peek(self) -> str:
        self._space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def value(self) -> Any:
        """Read one value; anything that is not a literal becomes Code up to the next , } or ]."""
        start = self.pos
        char = self._peek()
        result: Any
        if char == "{":
            result = self._object()
        elif char == "[":
            result = self._array()
        elif char in "'\"`":
            result = self._string()
        elif number := _NUMBER.match(self.text, self.pos):
            self.pos = number.end()
            text = number.group(0)
            result = int(text, 16) if "x" in text else float(text) if any(c in text for c in ".eE") else int(text)
        elif name := _NAME.match(self.text, self.pos):
            self.pos = name.end()
            word = re.sub(r"\s+", "", name.group(0))
            result = _KEYWORDS[word] if word in _KEYWORDS else Name(word)
        else:
            result = None
        if self._peek() not in (",", "}", "]", ")", ""):
            self.pos = start
            self._skip_expression()
            return Code(self.text[start : self.pos].strip())
        return result

    def _object(self) -> dict[str, Any]:
        self.pos += 1
        result: dict[str, Any] = {}
        while self._peek() not in ("}", ""):
            if self._peek() in "'\"":
                key = self._string()
            else:
                match = re.compile(r"[\w$]+").match(self.text, self.pos)
                if not match:
                    self._skip_expression()
                    self.pos += self._peek() == ","
                    continue
                key = match.group(0)
                self.pos = match.end()
            if self._peek() == ":":
                self.pos += 1
                result[key] = self.value()
            elif self._peek() == "(":  # a method: key() { ... }
                start = self.pos
                self._skip_expression()
                result[key] = Code(self.text[start : self.pos])
            else:
                result[key] = Name(key)  # shorthand property
            if self._peek() == ",":
                self.pos += 1
        self.pos += 1
        return result

    def _array(self) -> list[Any]:
        self.pos += 1
        items: list[Any] = []
        while self._peek() not in ("]", ""):
            items.append(self.value())
            if self._peek() == ",":
                self.pos += 1
        self.pos += 1
        return items

    def _string(self) -> str:
        quote = self.text[self.pos]
        out, pos = [], self.pos + 1
        while pos < len(self.text) and self.text[pos] != quote:
            if self.text[pos] == "\\" and pos + 1 < len(self.text):
                nxt = self.text[pos + 1]
                out.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
                pos += 2
            else:
                out.append(self.text[pos])
                pos += 1
        self.pos = pos + 1
        return "".join(out)

    def _skip_expression(self) -> None:
        """Move past an expression: up to a , } ] or ) at depth 0."""
        depth = 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in "'\"`":
                self._string()
                continue
            if self.text.startswith(("//", "/*"), self.pos):
                self._space()
                continue
            if char in "([{":
                depth += 1
            elif char in ")]}":
                if depth == 0:
                    return
                depth -= 1
            elif char == "," and depth == 0:
                return
            self.pos += 1


def call_arguments(text: str, pattern: re.Pattern[str]) -> list[tuple[int, Any]]:
    """Each call matched by pattern (which ends at its opening parenthesis): (offset, first argument)."""
    found = []
    for match in pattern.finditer(text):
        reader = JsReader(text, match.end())
        if reader._peek() == ")":
            found.append((match.start(), {}))
        else:
            found.append((match.start(), reader.value()))
    return found
