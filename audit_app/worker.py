"""The RQ worker of the app, which builds the app once, before it forks.

RQ's worker forks a process for each job. A bare ``rq worker`` holds nothing of
the app, so each job's process imported the app, built it, and on its first PDF
imported WeasyPrint and matplotlib and compiled the report's templates: about
3 s of each PDF job. :class:`AppWorker` does that once, in the worker process,
so each job's process starts from it (services.jobs.job_app)::

    rq worker -w audit_app.worker.AppWorker imports reports emails --with-scheduler --url "$REDIS_URL"

The app is built from the environment, as a job's own app would be. Nothing here
opens a database connection or a Redis connection that a job's process would share.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from rq import Worker


class AppWorker(Worker):
    """An RQ worker whose jobs run in the app it built before forking."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from audit_app import create_app
        from audit_app.services import jobs

        self.app = create_app()
        warm(self.app)
        jobs.use_app(self.app)


def warm(app: Flask) -> None:
    """Import what the jobs import on first use and compile every template, so that no
    job's process does it again."""
    import weasyprint  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401

    from audit_app.services import print_charts, report  # noqa: F401

    for name in app.jinja_env.list_templates(extensions=("html", "txt")):
        app.jinja_env.get_template(name)
