"""Read YAML (or JSON) text into plain data while remembering the line of every mapping.

Error messages about rule files must name the file, the rule and the line.  PyYAML's
safe loader knows each node's line; this loader keeps it on the mappings it builds
(``LineDict.line``) so that later validation can point at the exact spot.  Only the safe
subset of YAML is accepted: no tags, no Python objects, nothing is ever executed.
"""

from __future__ import annotations

import yaml

from expert.facts.shown import shown


class LineDict(dict):
    """A dict that knows the 1-based line it started on in its source file."""

    line: int = 0


# libyaml's parser when PyYAML was built with it (about 7x faster: it decides the CLI's
# cold start); the pure-Python safe loader otherwise.  Both report node lines.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, f"unsupported key {shown(key)}", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {shown(key)}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


MAX_NUMBER_CHARS = 40  # a number written with more characters is no figure a profile or rule needs


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> int:
    """An integer of at most MAX_NUMBER_CHARS characters: a 5,000-digit one would be refused
    by Python's own int() with a bare ValueError (3.11 caps conversions at 4,300 digits)."""
    if len(node.value) > MAX_NUMBER_CHARS:
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {len(node.value):,} characters; at most {MAX_NUMBER_CHARS} are accepted",
            node.start_mark)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


def _construct_object(loader: _LineLoader, node: yaml.Node, deep: bool = False) -> object:
    """Build a node, refusing aliases: a node built a second time is one an alias points to.
    An alias "bomb" of a few hundred bytes expands into billions of nodes for any code
    that walks the result (the parse cache, a validator); profiles and knowledge need none."""
    if node in loader.constructed_objects:
        raise yaml.constructor.ConstructorError(
            None, None, "anchors and aliases (& and *) are not accepted", node.start_mark)
    return yaml.constructor.BaseConstructor.construct_object(loader, node, deep)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_LineLoader.construct_object = _construct_object


def load_yaml_text(text: str) -> object:
    """Parse one YAML (or JSON, a subset of YAML) document with line-aware mappings.

    No aliases, no number longer than MAX_NUMBER_CHARS, and nesting too deep for Python's
    recursion is a YAML error like any other (never a RecursionError)."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise yaml.YAMLError("nested too deep (a few dozen levels at most are expected)") from None


def line_of(node: object) -> int:
    return getattr(node, "line", 0)


MAX_PROFILE_DEPTH = 32  # a real profile nests about 5 levels


class UnsafeDocumentError(ValueError):
    """A document uses anchors/aliases or nests too deep to be a profile; ``zh`` in Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.zh = zh


def check_plain_document(text: str) -> None:
    """Refuse anchors, aliases and deep nesting before building anything.

    A profile of a few hundred bytes can use aliases to expand into billions of nodes
    (a "billion laughs" document), and very deep nesting exhausts Python's recursion;
    profiles need neither.  This scans libyaml's event stream, which costs little.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_SafeBase):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1
            raise UnsafeDocumentError(f"line {line}: anchors and aliases (& and *) are not accepted in a profile",
                                      f"第 {line} 行：资料中不接受锚点和别名（& 与 *）")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_PROFILE_DEPTH:
                line = event.start_mark.line + 1
                raise UnsafeDocumentError(f"line {line}: nested more than {MAX_PROFILE_DEPTH} levels deep",
                                          f"第 {line} 行：嵌套超过 {MAX_PROFILE_DEPTH} 层")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
