"""Backup then restore into an empty database reproduces every row."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.backup import RestoreError, backup, restore
from audit_app.extensions import db
from tests.conftest import clear_tables
from tests.web.conftest import Cast


def _snapshot() -> dict[str, list[tuple[object, ...]]]:
    rows = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            ordered = select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in connection.execute(ordered)]
    return rows


def test_backup_then_restore_into_an_empty_database_reproduces_every_row(
    app: Flask, cast: Cast, tmp_path: Path
) -> None:
    path = tmp_path / "backup.json"
    with app.app_context():
        before = _snapshot()
        counts = backup(path)
        assert counts["audit"] == 4 and counts["user_account"] == 6
        clear_tables()
        assert all(not rows for rows in _snapshot().values())
        restore(path)
        assert _snapshot() == before


def test_restored_database_takes_new_rows(app: Flask, cast: Cast, tmp_path: Path) -> None:
    from tests import factories as make

    path = tmp_path / "backup.json"
    with app.app_context():
        backup(path)
        clear_tables()
        restore(path)
        make.organisation("A new partner", "voluntary_sector")  # ids continue after restore


def test_restore_refuses_a_database_that_is_not_empty(
    app: Flask, cast: Cast, tmp_path: Path
) -> None:
    path = tmp_path / "backup.json"
    with app.app_context():
        backup(path)
        with pytest.raises(RestoreError, match="is not empty"):
            restore(path)


def test_restore_refuses_a_file_that_is_not_a_backup(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "nonsense.json"
    path.write_text('{"hello": 1}')
    with app.app_context(), pytest.raises(RestoreError, match="not a Carers' Hub backup"):
        restore(path)


def test_backup_and_restore_commands(app: Flask, runner, cast: Cast, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cli.json"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code != 0 and "not empty" in refused.output
    with app.app_context():
        clear_tables()
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 0, result.output


def test_demo_data_command_is_idempotent(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    first = runner.invoke(args=["demo-data"])
    assert "Demo data loaded." in first.output
    second = runner.invoke(args=["demo-data"])
    assert "already present" in second.output
    from audit_app.models import Audit, User

    with app.app_context():
        assert db.session.query(User).count() == 6
        assert db.session.query(Audit).count() == 4


def test_create_user_command(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "New@Example.org",
            "--name",
            "New Lead",
            "--role",
            "carers_lead",
            "--password",
            "a-long-password",
        ]
    )
    assert result.exit_code == 0, result.output
    again = runner.invoke(
        args=[
            "create-user",
            "--email",
            "new@example.org",
            "--name",
            "X",
            "--role",
            "partner",
            "--password",
            "a-long-password",
        ]
    )
    assert again.exit_code != 0 and "already exists" in again.output
