"""A database that stops answering, for tests: the driver's own OperationalError on
the statements chosen, raised where the driver would raise it (SQLAlchemy wraps it
as it would a real one)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITES = ("INSERT", "UPDATE", "DELETE")


def writes(statement: str) -> bool:
    return statement.lstrip().upper().startswith(WRITES)


def everything(statement: str) -> bool:
    return True


@contextmanager
def refused(which: Callable[[str], bool] = writes) -> Iterator[list[str]]:
    """While open, every statement ``which`` picks fails as if the database had gone;
    yields the statements refused."""
    seen: list[str] = []

    def refuse(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if which(statement):
            seen.append(statement)
            raise conn.dialect.dbapi.OperationalError("the database did not respond (test)")

    event.listen(Engine, "before_cursor_execute", refuse)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", refuse)
