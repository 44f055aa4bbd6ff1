"""Parse YAML (deckgen.yml, front matter) keeping the line of every top-level key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from deckgen.errors import ConfigError, Location

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlDoc:
    """A YAML mapping with the source line of each key."""

    path: Path
    data: dict[str, Any]
    lines: dict[str, int]
    first_line: int

    def location(self, key: str) -> Location:
        """Where key is written."""
        return Location(self.path, self.lines.get(key, self.first_line))

    def sub(self, data: dict[str, Any], key: str) -> YamlDoc:
        """A nested mapping (e.g. 'defaults:'), located at its parent key's lines."""
        nested = self.lines.get(f"{key}.__children__")
        lines = dict(nested) if isinstance(nested, dict) else {}
        return YamlDoc(self.path, data, lines, self.lines.get(key, self.first_line))


def parse_yaml(text: str, path: Path, *, first_line: int) -> YamlDoc:
    """Parse a YAML mapping; first_line is the file line of the text's first line."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        column = mark.column + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem:
            started = exc.context_mark
            problem += f" ({exc.context} at line {first_line + started.line}, column {started.column + 1})"
        raise ConfigError(f"YAML syntax error: {problem}", Location(path, line, column)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"YAML error: {exc}", Location(path, first_line)) from None
    if data is None:
        return YamlDoc(path, {}, {}, first_line)
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise ConfigError("expected a mapping of keys to values", Location(path, first_line))
    return YamlDoc(path, {str(k): v for k, v in data.items()}, _key_lines(node, first_line), first_line)


def _key_lines(node: yaml.MappingNode, first_line: int) -> dict[str, Any]:
    lines: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        lines[key] = first_line + key_node.start_mark.line
        if isinstance(value_node, yaml.MappingNode):
            lines[f"{key}.__children__"] = _key_lines(value_node, first_line)
    return lines
