"""The Alembic migrations build the schema the models describe, from empty, on
SQLite and (when TEST_DATABASE_URL is set) PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect

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
