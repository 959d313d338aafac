"""Command-line tasks: flask --app wsgi create-user | demo-data | backup | restore."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from audit_app.extensions import db


def register_commands(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option(
        "--role",
        type=click.Choice(["administrator", "carers_lead", "partner", "commissioner"]),
        required=True,
    )
    @click.option("--organisation", default=None, help="Name of an existing organisation")
    @click.password_option()
    def create_user(
        email: str, name: str, role: str, organisation: str | None, password: str
    ) -> None:
        """Add an account."""
        from sqlalchemy import select

        from audit_app.models import Organisation
        from audit_app.services import accounts

        if accounts.find_user(email):
            raise click.ClickException(f"an account for {email} already exists")
        org = None
        if organisation:
            org = db.session.scalar(select(Organisation).where(Organisation.name == organisation))
            if org is None:
                raise click.ClickException(f"no organisation called {organisation!r}")
        accounts.create_user(email, name, role, password, org)
        db.session.commit()
        click.echo(f"Created {role} {email}")

    @app.cli.command("demo-data")
    def demo_data() -> None:
        """Load the demo area, accounts and audits (does nothing if already loaded)."""
        from audit_app.demo import load_demo

        created = load_demo()
        click.echo(
            "Demo data loaded." if created else "Demo data already present; nothing changed."
        )

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path: Path) -> None:
        """Write every row of the database and every uploaded file to PATH (a zip)."""
        from audit_app.backup import backup

        summary = backup(path)
        click.echo(f"Backed up {summary.describe()} to {path}")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def restore_command(path: Path) -> None:
        """Load a backup from PATH into an empty database at the same revision, and its
        uploaded files into the upload folder."""
        from audit_app.backup import RestoreError, restore

        try:
            summary = restore(path)
        except RestoreError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Restored {summary.describe()} from {path}")
