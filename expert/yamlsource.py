"""Read YAML (or JSON) text into plain data while remembering the line of every mapping.

Error messages about rule files must name the file, the rule and the line.  PyYAML's
safe loader knows each node's line; this loader keeps it on the mappings it builds
(``LineDict.line``) so that later validation can point at the exact spot.  Only the safe
subset of YAML is accepted: no tags, no Python objects, nothing is ever executed.
"""

from __future__ import annotations

import yaml


class LineDict(dict):
    """A dict that knows the 1-based line it started on in its source file."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, f"unsupported key {key!r}", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_text(text: str) -> object:
    """Parse one YAML (or JSON, a subset of YAML) document with line-aware mappings."""
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass


def line_of(node: object) -> int:
    return getattr(node, "line", 0)
