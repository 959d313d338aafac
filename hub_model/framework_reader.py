"""Reading a parsed YAML document with typed accessors that know where they are.

Every accessor either returns a value of the promised type or raises
:class:`FrameworkError` naming the file, the path (``interventions[3].name``) and
what is wrong, so a person editing a framework file can find the mistake.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)

ROOT = "(top level)"


class FrameworkError(ValueError):
    """A framework document is malformed; ``str()`` is ``"{file}: {path}: {message}"``."""

    def __init__(self, file: str, path: str, message: str) -> None:
        self.file = file
        self.path = path or ROOT
        self.message = message
        super().__init__(f"{file}: {self.path}: {message}")


def describe(value: object) -> str:
    """Plain words for the kind of a YAML value, for error messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


@dataclass(frozen=True)
class Node:
    """A value in the document and the path that leads to it."""

    value: object
    file: str
    path: str = ""

    def error(self, message: str) -> FrameworkError:
        """An error located at this node (raise it)."""
        return FrameworkError(self.file, self.path, message)

    def key(self, name: str, value: object) -> Node:
        """The node for ``value`` found under key ``name`` of this mapping."""
        return Node(value, self.file, f"{self.path}.{name}" if self.path else name)

    def fields(self, required: Sequence[str], optional: Sequence[str] = ()) -> Fields:
        """This node as a mapping with exactly these keys (optional ones may be absent)."""
        if not isinstance(self.value, dict):
            raise self.error(f"expected a mapping, got {describe(self.value)}")
        for name in self.value:
            if not isinstance(name, str):
                raise self.error(f"keys must be text, got {describe(name)}")
        for name in required:
            if name not in self.value:
                raise self.error(f"missing required key {name!r}")
        allowed = [*required, *optional]
        for name in self.value:
            if name not in allowed:
                raise self.key(name, None).error(_unknown("key", name, allowed))
        return Fields(self, self.value)

    def items(self) -> list[Node]:
        """This node as a list, one node per entry."""
        if not isinstance(self.value, list):
            raise self.error(f"expected a list, got {describe(self.value)}")
        return [Node(v, self.file, f"{self.path}[{i}]") for i, v in enumerate(self.value)]

    def entries(self) -> list[tuple[str, Node]]:
        """This node as a mapping of any text keys, in document order."""
        if not isinstance(self.value, dict):
            raise self.error(f"expected a mapping, got {describe(self.value)}")
        out = []
        for name, value in self.value.items():
            if not isinstance(name, str):
                raise self.error(f"keys must be text, got {describe(name)}")
            out.append((name, self.key(name, value)))
        return out

    def text(self) -> str:
        """This node as non-blank text."""
        if not isinstance(self.value, str):
            raise self.error(f"expected text, got {describe(self.value)}")
        if not self.value.strip():
            raise self.error("must not be blank")
        return self.value

    def texts(self) -> tuple[str, ...]:
        """This node as a list of non-blank texts."""
        return tuple(item.text() for item in self.items())

    def flag(self) -> bool:
        """This node as true or false."""
        if not isinstance(self.value, bool):
            raise self.error(f"expected true or false, got {describe(self.value)}")
        return self.value

    def choice(self, enum: type[E]) -> E:
        """This node as one of ``enum``'s values."""
        allowed = [m.value for m in enum]
        if isinstance(self.value, bool) and not self.value and "no" in allowed:
            raise self.error('expected text, got false: write "no" in quotes')
        if not isinstance(self.value, str):
            raise self.error(f"expected one of {', '.join(allowed)}; got {describe(self.value)}")
        if self.value not in allowed:
            raise self.error(_unknown("value", self.value, allowed))
        return enum(self.value)


@dataclass(frozen=True)
class Fields:
    """A checked mapping node: typed access to its keys."""

    node: Node
    data: dict[str, object]

    def __getitem__(self, name: str) -> Node:
        return self.node.key(name, self.data.get(name))

    def has(self, name: str) -> bool:
        """True if ``name`` is present and not null."""
        return self.data.get(name) is not None

    def text(self, name: str) -> str:
        """Key ``name`` as non-blank text."""
        return self[name].text()

    def optional_text(self, name: str) -> str | None:
        """Key ``name`` as non-blank text, or None if absent or null."""
        return self[name].text() if self.has(name) else None

    def texts(self, name: str) -> tuple[str, ...]:
        """Key ``name`` as a list of non-blank texts."""
        return self[name].texts()

    def items(self, name: str) -> list[Node]:
        """Key ``name`` as a list of nodes."""
        return self[name].items()

    def flag(self, name: str, default: bool | None = None) -> bool:
        """Key ``name`` as true/false; ``default`` if absent and a default is given."""
        if default is not None and name not in self.data:
            return default
        return self[name].flag()

    def choice(self, name: str, enum: type[E]) -> E:
        """Key ``name`` as one of ``enum``'s values."""
        return self[name].choice(enum)


def _unknown(what: str, name: object, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    close = difflib.get_close_matches(str(name), allowed, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(allowed)}"
    return f"unknown {what} {name!r} ({hint})"
