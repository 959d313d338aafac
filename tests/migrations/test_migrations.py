"""The Alembic migrations build the schema the models describe, from empty, on
SQLite and (when TEST_DATABASE_URL is set) PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect, text

from audit_app.extensions import db


def test_empty_database_upgrades_to_head(app: Flask) -> None:
    # The session-wide app fixture ran `flask db upgrade` on an empty database.
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert {table.name for table in db.metadata.sorted_tables} <= tables
        assert "alembic_version" in tables


def test_migrations_match_the_models(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, db.metadata)
        assert differences == [], differences


def test_downgrade_to_base_and_back(app: Flask) -> None:
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "audit" in inspect(db.engine).get_table_names()


def test_one_audit_per_start_names_the_twins_it_cannot_keep(app: Flask) -> None:
    """0009 refuses to upgrade over two audits started from one for the same cycle
    (possible before it), saying which, and upgrades once one is gone."""
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        downgrade(revision="report_pdfs")
        with db.engine.begin() as connection:
            area = connection.execute(
                text(
                    "INSERT INTO organisation (name, kind, created_at)"
                    " VALUES ('Twinshire', 'council', '2026-11-23 10:00:00') RETURNING id"
                )
            ).scalar_one()
            insert = text(
                "INSERT INTO audit (area_id, title, scope, cycle, period_start, period_end,"
                " framework_id, framework_version, framework, status, revision,"
                " previous_audit_id, created_at, updated_at) VALUES"
                " (:area, 'Twin', '[]', '2026/27', '2026-04-01', '2027-03-31', 'hub', '1', '{}',"
                " 'draft', 0, :previous, '2026-11-23 10:00:00', '2026-11-23 10:00:00')"
                " RETURNING id"
            )
            source = connection.execute(insert, {"area": area, "previous": None}).scalar_one()
            twins = [
                connection.execute(insert, {"area": area, "previous": source}).scalar_one()
                for _ in range(2)
            ]
        try:
            # Alembic itself: Flask-Migrate would log the error and exit.
            config = app.extensions["migrate"].migrate.get_config()
            with pytest.raises(RuntimeError, match=f"audit {source}, cycle 2026/27: 2 audits"):
                command.upgrade(config, "head")
            with db.engine.begin() as connection:
                connection.execute(text("DELETE FROM audit WHERE id = :id"), {"id": twins[1]})
            upgrade()
            assert "uq_audit_previous_audit_id" in {
                found["name"] for found in inspect(db.engine).get_unique_constraints("audit")
            }
        finally:
            with db.engine.begin() as connection:
                connection.execute(text("DELETE FROM audit WHERE area_id = :area"), {"area": area})
                connection.execute(text("DELETE FROM organisation WHERE id = :id"), {"id": area})
            upgrade()


def test_proposals_answered_by_a_later_save_stop_waiting(app: Flask) -> None:
    """0013: a proposal made before the lead last saved its cell is answered then;
    one made after it, or for a cell never rated, still waits."""
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        downgrade(revision="import_queued_at")
        with db.engine.begin() as connection:
            area = connection.execute(
                text(
                    "INSERT INTO organisation (name, kind, created_at)"
                    " VALUES ('Proposeshire', 'council', '2026-11-23 10:00:00') RETURNING id"
                )
            ).scalar_one()
            user = connection.execute(
                text(
                    "INSERT INTO user_account (email, name, role, active, created_at,"
                    " session_version) VALUES ('p@example.org', 'P', 'partner', true,"
                    " '2026-11-23 10:00:00', 0) RETURNING id"
                )
            ).scalar_one()
            audit = connection.execute(
                text(
                    "INSERT INTO audit (area_id, title, scope, cycle, period_start, period_end,"
                    " framework_id, framework_version, framework, status, revision,"
                    " created_at, updated_at) VALUES (:area, 'P', '[]', '2026/27',"
                    " '2026-04-01', '2027-03-31', 'hub', '1', '{}', 'draft', 0,"
                    " '2026-11-23 10:00:00', '2026-11-23 10:00:00') RETURNING id"
                ),
                {"area": area},
            ).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO rating (audit_id, intervention, group_code, rag, maturity,"
                    " needs_confirmation, version, updated_at) VALUES (:audit, 'breaks',"
                    " 'dementia', 'red', 'early', false, 1, '2026-11-23 12:00:00')"
                ),
                {"audit": audit},
            )
            propose = text(
                "INSERT INTO rating_proposal (audit_id, intervention, group_code, rag,"
                " maturity, proposed_by_id, proposed_at) VALUES (:audit, :code, 'dementia',"
                " 'green', 'early', :user, :at)"
            )
            for code, at in [
                ("breaks", "2026-11-23 11:00:00"),  # before the save: answered
                ("breaks", "2026-11-23 13:00:00"),  # after it: waits
                ("brokerage", "2026-11-23 11:00:00"),  # never rated: waits
            ]:
                connection.execute(propose, {"audit": audit, "code": code, "user": user, "at": at})
        try:
            upgrade()
            with db.engine.connect() as connection:
                answered = connection.execute(
                    text(
                        "SELECT intervention, answered_at IS NOT NULL FROM rating_proposal"
                        " WHERE audit_id = :audit ORDER BY id"
                    ),
                    {"audit": audit},
                ).all()
            assert [tuple(row) for row in answered] == [
                ("breaks", True),
                ("breaks", False),
                ("brokerage", False),
            ]
        finally:
            with db.engine.begin() as connection:
                connection.execute(
                    text("DELETE FROM rating_proposal WHERE audit_id = :id"), {"id": audit}
                )
                connection.execute(text("DELETE FROM audit WHERE id = :id"), {"id": audit})
                connection.execute(text("DELETE FROM user_account WHERE id = :id"), {"id": user})
                connection.execute(text("DELETE FROM organisation WHERE id = :id"), {"id": area})
            upgrade()
