"""Parse YAML (deckgen.yml, front matter) keeping the line of every top-level key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from deckgen.errors import ConfigError, Location

# Values a page can hold as JSON (reveal.js options): no dates (2024-02-30 would not even parse), sets or bytes.
# A date stays the text the author wrote.
_MAX_VALUES = 10_000  # after aliases are expanded: a few hundred bytes of aliases can expand to millions


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader, limited to what JSON holds."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _not_json(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None, None, f"the tag {node.tag} is not supported: use plain strings, numbers, lists and mappings",
        node.start_mark,
    )


for _tag in ("binary", "set", "omap", "pairs", "timestamp"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _not_json)


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
        if node is not None:
            _check_size(node, path, first_line)
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
    except RecursionError:
        raise ConfigError("YAML nested too deeply (hundreds of levels); flatten it", Location(path, first_line)) from None
    if data is None:
        return YamlDoc(path, {}, {}, first_line)
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise ConfigError("expected a mapping of keys to values", Location(path, first_line))
    try:
        return YamlDoc(path, {str(k): v for k, v in data.items()}, _key_lines(node, first_line), first_line)
    except RecursionError:
        raise ConfigError("YAML nested too deeply (hundreds of levels); flatten it", Location(path, first_line)) from None


def _key_lines(node: yaml.MappingNode, first_line: int) -> dict[str, Any]:
    lines: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        lines[key] = first_line + key_node.start_mark.line
        if isinstance(value_node, yaml.MappingNode):
            lines[f"{key}.__children__"] = _key_lines(value_node, first_line)
    return lines


def _check_size(root: yaml.Node, path: Path, first_line: int) -> None:
    """Refuse a recursive alias, and aliases that expand to more than _MAX_VALUES values."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise ConfigError("YAML alias refers to itself (a recursive structure): write the values out",
                              Location(path, first_line + node.start_mark.line))
        open_nodes.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        total = 1 + sum(size(child) for child in children)
        open_nodes.discard(key)
        if total > _MAX_VALUES:
            raise ConfigError(f"YAML aliases expand to more than {_MAX_VALUES:,} values here; write the values out",
                              Location(path, first_line + node.start_mark.line))
        sizes[key] = total
        return total

    size(root)
