"""Reading exercise specs: YAML text -> plain data plus a map from every value to its position.

YAML is composed with PyYAML's safe loader into a node tree, so each key and scalar keeps its
line and column; the tree is turned into dicts, lists and scalars here, refusing merge keys
(`<<`), duplicate keys and very large or deep documents.
"""

from __future__ import annotations

import bisect

import yaml
from msgspec import Struct, field

from derive.errors import DeriveError, Span, SpecError, SpecErrors
from derive.spec.model import SourceSpot

Key = str | int
DataPath = tuple[Key, ...]

MAX_NODES = 20_000
"""Most YAML values a spec may expand to, aliases included; stops alias bombs."""

MAX_DEPTH = 32
"""Deepest nesting of mappings and lists accepted."""

MAX_CHARACTERS = 2_000_000
"""Most characters the spec's values may add up to, aliases written out at each use."""

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (ten times faster than the pure one);
both give nodes with the same marks and build no objects from tags."""

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class SourceMap(Struct):
    """The spec text and the YAML node behind every value, for placing diagnostics."""

    file: str
    text: str
    values: dict[DataPath, yaml.Node] = field(default_factory=dict)
    keys: dict[DataPath, yaml.Node] = field(default_factory=dict)
    _line_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._line_starts = [0] + [i + 1 for i, char in enumerate(self.text) if char == "\n"]

    def line_text(self, line: int) -> str:
        """The 1-based source line `line`, without its line break."""
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)].rstrip("\r")

    def point(self, index: int) -> tuple[int, int]:
        """The 1-based line and column of a character index in the text."""
        line = bisect.bisect_right(self._line_starts, index)
        return line, index - self._line_starts[line - 1] + 1

    def span_at(self, start: int, end: int | None = None) -> Span:
        """A span from character index `start` to `end`, cut at the end of the first line."""
        line, col = self.point(start)
        end_col = col + 1
        if end is not None and end > start:
            end_line, last_col = self.point(end)
            end_col = last_col if end_line == line else len(self.line_text(line)) + 1
        return Span(col, max(end_col, col + 1), line, self.file)

    def node_span(self, node: yaml.Node) -> Span:
        """The span of a whole node (a key or a value)."""
        start = node.start_mark.index if node.start_mark else 0
        end = node.end_mark.index if node.end_mark else None
        return self.span_at(start, end)

    def error(self, message: str, node: yaml.Node | None, *, hint: str | None = None) -> SpecError:
        """A SpecError pointing at `node`, or at the start of the file."""
        span = self.node_span(node) if node is not None else self.span_at(0)
        return SpecError(message, span=span, hint=hint, source=self.line_text(span.line or 1))

    def scalar_index(self, node: yaml.ScalarNode, offset: int) -> int:
        """The text index of character `offset` of a scalar's value.

        Quotes, escapes, block headers and folded line breaks only change punctuation and
        whitespace, so the value's other characters appear in the source in the same order.
        """
        start, end = node.start_mark.index, node.end_mark.index
        if node.style in ("|", ">"):
            header_end = self.text.find("\n", start, end)
            start = header_end + 1 if header_end >= 0 else start
        elif node.style in ("'", '"'):
            start += 1
        position = start
        value: str = node.value
        for index, char in enumerate(value[: offset + 1]):
            if char.isspace():
                continue
            found = self.text.find(char, position, end)
            if found < 0:
                return start
            if index == offset:
                return found
            position = found + 1
        return position

    def spot(self, node: yaml.ScalarNode, offset: int = 0) -> SourceSpot:
        """Where character `offset` of a scalar's value is, as a `SourceSpot`."""
        index = self.scalar_index(node, offset)
        span = self.span_at(index, node.end_mark.index)
        return SourceSpot(span, self.line_text(span.line or 1))

    def place(self, error: DeriveError, node: yaml.ScalarNode, lead: int = 0) -> DeriveError:
        """Move an error with a span inside a scalar's (stripped) value into the file."""
        offset = lead + (error.span.col - 1 if error.span else 0)
        line, col = self.point(self.scalar_index(node, offset))
        col_offset = col - 1 - (error.span.col - 1 if error.span else 0)
        return error.placed(self.file, line, col_offset, self.line_text(line))


def read_yaml(text: str, filename: str) -> tuple[object, SourceMap, list[DeriveError]]:
    """Compose YAML into plain data and its `SourceMap`.

    Returns:
        The data, the source map, and the structural errors found (duplicate keys, ...).

    Raises:
        SpecErrors: the text is not YAML.
    """
    source = SourceMap(filename, text)
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as error:
        raise SpecErrors([_yaml_error(error, source)]) from None
    except RecursionError:
        raise SpecErrors([SpecError(
            f"the spec is too large: it nests deeper than YAML can be read here (the limit is "
            f"{MAX_DEPTH} levels)", span=source.span_at(0), source=source.line_text(1),
            hint="write exercises out plainly; no list or mapping needs that much nesting",
        )]) from None
    except yaml.reader.ReaderError as error:
        span = source.span_at(error.position)
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise SpecErrors(
            [
                SpecError(
                    f"invalid YAML: character {code:#x} is not allowed",
                    span=span,
                    source=source.line_text(span.line or 1),
                    hint="remove control characters from the file",
                )
            ]
        ) from None
    if root is None:
        return None, source, []
    converter = _Converter(source)
    data = converter.convert(root, (), 0)
    return data, source, converter.errors


def _compose(text: str) -> yaml.Node | None:
    """The node tree of `text`; a text libyaml refuses is read again by the pure Python loader,
    whose messages are clearer (it names the character), so that it raises the diagnostic."""
    try:
        return yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)


def _yaml_error(error: yaml.MarkedYAMLError, source: SourceMap) -> SpecError:
    mark = error.problem_mark or error.context_mark
    problem = (error.problem or error.context or "unreadable YAML").rstrip(".")
    hint = "check the indentation and the quoting near the caret"
    if "\\t" in problem or "'\\t'" in problem:
        hint = "indent with spaces, not tabs"
    elif "mapping values are not allowed" in problem:
        hint = "quote values that contain ': ', as in 'prompt: \"Let y: ...\"'"
    elif "expected a single document" in str(error.context):
        problem = "the file holds more than one YAML document"
        hint = "remove the '---' separators; one file holds one problem set"
    index = mark.index if mark is not None else 0
    span = source.span_at(index)
    return SpecError(
        f"invalid YAML: {problem}",
        span=span,
        source=source.line_text(span.line or 1),
        hint=hint,
    )


class _Converter:
    """Node tree -> dicts, lists and scalars, recording each value's node by its path."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.errors: list[DeriveError] = []
        self.count = 0
        self.characters = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node, path: DataPath, depth: int) -> object:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise SpecErrors(
                [
                    self.source.error(
                        f"the spec is too large: more than {MAX_NODES} values or "
                        f"{MAX_DEPTH} levels of nesting",
                        node,
                        hint="aliases (*name) count once per use; write exercises out plainly",
                    )
                ]
            )
        self.source.values.setdefault(path, node)
        if isinstance(node, yaml.ScalarNode):
            self.characters += len(node.value)
            if self.characters > MAX_CHARACTERS:
                raise SpecErrors([self.source.error(
                    f"the spec is too large: its values, aliases written out, are over "
                    f"{MAX_CHARACTERS} characters", node,
                    hint="aliases (*name) count once per use; write exercises out plainly",
                )])
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [
                self.convert(item, (*path, index), depth + 1)
                for index, item in enumerate(node.value)
            ]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag == _STR_TAG:
            return str(node.value)
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as error:
            message = (error.problem or "cannot read this value").rstrip(".")
        except Exception:  # noqa: BLE001 - PyYAML's constructors raise anything on bad scalars
            message = f"'{str(node.value)[:40]}' is not a valid {node.tag.rsplit(':', 1)[-1]}"
        self.errors.append(self.source.error(f"invalid YAML value: {message}", node))
        return None

    def mapping(self, node: yaml.MappingNode, path: DataPath, depth: int) -> dict[str, object]:
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.errors.append(
                    self.source.error(
                        "merge keys '<<' are not supported",
                        key_node,
                        hint="write the keys out, or alias a whole value with &name and *name",
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.errors.append(
                    self.source.error(
                        "found a list or mapping used as a key; expected a name",
                        key_node,
                        hint="keys are plain names such as 'expr' or 'x'",
                    )
                )
                continue
            key = str(key_node.value)
            if key in result:
                first = self.source.keys[(*path, key)].start_mark.line + 1
                self.errors.append(
                    self.source.error(
                        f"duplicate key '{key}'",
                        key_node,
                        hint=f"'{key}' is already given on line {first}; remove one of them",
                    )
                )
                continue
            self.source.keys[(*path, key)] = key_node
            result[key] = self.convert(value_node, (*path, key), depth + 1)
        return result
