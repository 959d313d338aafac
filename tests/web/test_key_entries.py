"""Keys read as lists (access.key_entry, key_entries): the other areas' and earlier
cycles' audits a kept page names (indicator_peers.others_column,
cycle_comparison.earlier_column) are joined by the database in an order SQL leaves
open; read back, the list is the same whatever that order and whatever text its
entries hold (an area's name may hold ``|`` and ``:``), so a key is found again and
a PDF's key compared later is equal for the same inputs."""

from __future__ import annotations

import random

from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import String, func, literal, select, union_all

from audit_app.extensions import db
from audit_app.services.access import key_entries, key_entry

TEXTS = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


def _joined(entries: list[str]) -> str:
    """As the database writes an aggregate of key_entry: length, ':', entry, '|' between."""
    return "|".join(f"{len(entry)}:{entry}" for entry in entries)


@given(st.lists(TEXTS, max_size=8), st.randoms(use_true_random=False))
def test_a_list_reads_back_the_same_in_any_order(entries: list[str], rng: random.Random) -> None:
    shuffled = list(entries)
    rng.shuffle(shuffled)
    assert key_entries(_joined(shuffled)) == key_entries(_joined(entries)) == tuple(sorted(entries))


@given(st.lists(TEXTS, max_size=6), st.lists(TEXTS, max_size=6))
def test_two_lists_read_alike_only_when_they_hold_the_same_entries(
    one: list[str], other: list[str]
) -> None:
    same = sorted(one) == sorted(other)
    assert (key_entries(_joined(one)) == key_entries(_joined(other))) == same


def test_nothing_reads_as_no_entries() -> None:
    assert key_entries(None) == key_entries("") == ()


# Texts that would break a list split on its separators, or counted in bytes.
AWKWARD = ["Ynys Môn", "a|b", "3:x|", ":", "|", "", "Ceredigion ❤ carers", "12:34:56"]


def test_the_database_writes_what_key_entries_reads(app: Flask) -> None:
    """Each database's own length (in characters, as Python counts them) and string
    aggregate: the entries come back as they went in, two parts joined by ':'."""
    rows = [
        select(literal(text, String).label("first"), literal(str(n), String).label("second"))
        for n, text in enumerate(AWKWARD)
    ]
    listed = union_all(*rows).subquery()
    query = select(func.aggregate_strings(key_entry(listed.c.first, listed.c.second), "|"))
    with app.app_context():
        value = db.session.scalar(query)
    assert key_entries(value) == tuple(sorted(f"{text}:{n}" for n, text in enumerate(AWKWARD)))
