"""Backup then restore into an empty, upgraded database reproduces every row and file."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Table, text

from audit_app.backup import RestoreError, backup, deferred_columns, restore
from audit_app.extensions import db
from tests.web import round_trip
from tests.web.conftest import Cast


@pytest.fixture(scope="module")
def target_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A second database, empty and upgraded to head, with its own upload folder."""
    folder = tmp_path_factory.mktemp("restore_target")
    url = round_trip.empty_database_url(database_url, folder)
    yield from round_trip.upgraded_app(url, folder / "uploads")
    round_trip.drop_schema(database_url)


@pytest.fixture
def target(target_app: Flask) -> Flask:
    """The second database as a freshly upgraded one: no rows, sequences from 1, no files."""
    import shutil

    with target_app.app_context():
        tables = db.metadata.sorted_tables
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{table.name}"' for table in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(tables):
                    connection.execute(table.delete())
    shutil.rmtree(target_app.config["UPLOAD_FOLDER"], ignore_errors=True)
    return target_app


@pytest.fixture
def demo(app: Flask) -> Flask:
    """The demo data, plus a row in every table it leaves empty and an uploaded file."""
    from audit_app.demo import load_demo

    with app.app_context():
        load_demo()
        round_trip.fill_what_the_demo_leaves_empty()
    return app


def test_round_trip_into_an_empty_upgraded_database_keeps_every_row_and_file(
    demo: Flask, target: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "backup.zip"
    with demo.app_context():
        before = round_trip.snapshot()
        empty = [name for name, rows in before.items() if not rows]
        assert not empty, f"give these tables test data: {empty}"
        files_before = round_trip.files_under(Path(demo.config["UPLOAD_FOLDER"]))
        assert files_before
        made = backup(path)
    with target.app_context():
        restored = restore(path)
        assert restored == made
        assert round_trip.snapshot() == before
        assert round_trip.files_under(Path(target.config["UPLOAD_FOLDER"])) == files_before
        dialect = db.engine.dialect.name
    title = f"Backup round trip on {dialect}: rows restored per table"
    round_trip.log_counts(title, restored.rows, restored.files)


def test_a_restored_database_takes_new_rows(demo: Flask, target: Flask, tmp_path: Path) -> None:
    from tests import factories as make

    path = tmp_path / "backup.zip"
    with demo.app_context():
        backup(path)
    with target.app_context():
        restore(path)
        if db.engine.dialect.name == "postgresql":
            behind = {
                name: ids for name, ids in round_trip.next_ids().items() if ids[0] <= (ids[1] or 0)
            }
            assert not behind, f"id sequences not moved past the restored ids: {behind}"
        area = make.organisation("A new area", "area")
        lead = make.user("new.lead@example.org", "carers_lead", area)
        make.audit(lead, area, "A new audit after the restore")


def test_foreign_keys_restored_in_a_second_pass_may_be_empty() -> None:
    """A row may point at one restored after it only through a column that can start empty."""
    for table in db.metadata.sorted_tables:
        assert isinstance(table, Table)
        for column in deferred_columns(table):
            assert column.nullable, f"{table.name}.{column.name} cannot be restored in two passes"


def test_the_self_reference_of_an_audit_is_restored_in_a_second_pass() -> None:
    audit = db.metadata.tables["audit"]
    assert audit.c.previous_audit_id in deferred_columns(audit)  # type: ignore[arg-type]


def test_restore_refuses_a_database_that_is_not_empty(
    app: Flask, cast: Cast, tmp_path: Path
) -> None:
    path = tmp_path / "backup.zip"
    with app.app_context():
        backup(path)
        with pytest.raises(RestoreError, match="is not empty"):
            restore(path)


def test_restore_refuses_a_backup_from_another_migration_revision(
    app: Flask, cast: Cast, target: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "backup.zip"
    with app.app_context():
        backup(path)
    older = tmp_path / "older.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(older, "w") as copy:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "rows.json":
                document = json.loads(content)
                document["alembic_revision"] = "0003"
                content = json.dumps(document).encode()
            copy.writestr(member, content)
    with target.app_context(), pytest.raises(RestoreError, match="revision 0003, this database"):
        restore(older)
    with target.app_context():
        assert not any(round_trip.snapshot().values())


def test_restore_refuses_a_file_that_would_replace_another(
    demo: Flask, target: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "backup.zip"
    with demo.app_context():
        backup(path)
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.startswith("uploads/"))
    clash = Path(target.config["UPLOAD_FOLDER"]) / name.removeprefix("uploads/")
    clash.parent.mkdir(parents=True)
    clash.write_bytes(b"someone else's file")
    with target.app_context():
        with pytest.raises(RestoreError, match="already exists with other contents"):
            restore(path)
        assert not any(round_trip.snapshot().values())  # and no rows either
    assert clash.read_bytes() == b"someone else's file"


def test_restore_refuses_an_archive_entry_outside_the_upload_folder(
    app: Flask, cast: Cast, target: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "backup.zip"
    with app.app_context():
        backup(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("uploads/../../escaped.txt", b"x")
    with target.app_context(), pytest.raises(RestoreError, match="unexpected entry"):
        restore(path)
    assert not (Path(target.config["UPLOAD_FOLDER"]).parent.parent / "escaped.txt").exists()


def test_a_json_backup_from_before_uploads_were_included_still_restores(
    app: Flask, cast: Cast, target: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "backup.zip"
    with app.app_context():
        before = round_trip.snapshot()
        backup(path)
    old = tmp_path / "backup.json"
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("rows.json"))
    document["format"] = "carers-hub-backup/1"
    old.write_text(json.dumps(document))
    with target.app_context():
        assert restore(old).files == 0
        assert round_trip.snapshot() == before


def test_restore_refuses_a_file_that_is_not_a_backup(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "nonsense.json"
    path.write_text('{"hello": 1}')
    with app.app_context(), pytest.raises(RestoreError, match="not a Carers' Hub backup"):
        restore(path)


def test_backup_and_restore_commands(  # type: ignore[no-untyped-def]
    app: Flask, runner, demo: Flask, target: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "cli.zip"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "uploaded file" in result.output
    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code != 0 and "not empty" in refused.output
    result = target.test_cli_runner().invoke(args=["restore", str(path)])
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and "uploaded file" in result.output


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
