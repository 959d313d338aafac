"""Background jobs (PDFs of the report, CSV imports): queued on RQ when REDIS_URL is
set, and how a status page tells that nothing is working on one.

A job is given up on (its page offers to try again) when it has waited
:data:`NO_WORKER_AFTER` with no worker listening on its queue, or has not
finished :data:`STUCK_AFTER` after it was queued (a worker killed mid-job, or
the job timed out).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app

from audit_app.models.types import utcnow

log = logging.getLogger(__name__)

NO_WORKER_AFTER = timedelta(minutes=2)
STUCK_AFTER = timedelta(minutes=10)


_worker_app: Flask | None = None


def use_app(app: Flask) -> None:
    """Run every job of this process in ``app``: the worker's (audit_app.worker),
    built once before it forks a process for each job."""
    global _worker_app  # noqa: PLW0603 (one app per worker process)
    _worker_app = app


def job_app() -> Flask:
    """The app a job runs in: the worker's, when it built one (:func:`use_app`), else
    a new one from the environment (a bare ``rq worker``, a SimpleWorker, the bench).
    A new app in each job costs its first PDF's imports and templates: about 3 s."""
    if _worker_app is not None:
        return _worker_app
    from audit_app import create_app

    return create_app()


class QueueUnreachable(Exception):
    """REDIS_URL is set but Redis did not answer; nothing was queued."""


def uses_queue() -> bool:
    return bool(current_app.config.get("REDIS_URL"))


def _connection() -> Any:
    from redis import Redis

    return Redis.from_url(current_app.config["REDIS_URL"])


def enqueue(queue: str, job: Callable[..., None], *args: Any, **options: Any) -> None:
    """Queue ``job(*args)`` on the RQ queue ``queue``; raises QueueUnreachable."""
    from redis.exceptions import RedisError
    from rq import Queue

    try:
        Queue(queue, connection=_connection()).enqueue(job, *args, **options)
    except RedisError as error:
        log.exception("could not queue %s on %s", job.__name__, queue)
        raise QueueUnreachable(str(error)) from error


def has_worker(queue: str) -> bool:
    """Whether an RQ worker is listening on ``queue`` now (False without Redis)."""
    if not uses_queue():
        return False  # jobs run inline: one left waiting has nothing to pick it up
    from redis.exceptions import RedisError
    from rq import Queue, Worker

    connection = _connection()
    try:
        return Worker.count(connection=connection, queue=Queue(queue, connection=connection)) > 0
    except RedisError:
        log.warning("could not ask Redis for the workers on %s", queue, exc_info=True)
        return False


def is_stuck(queued_at: datetime | None, waiting: bool, queue: str) -> bool:
    """Whether an unfinished job queued at ``queued_at`` will not finish by itself:
    still ``waiting`` to start with no worker on ``queue`` after NO_WORKER_AFTER, or
    unfinished after STUCK_AFTER."""
    if queued_at is None:
        return False
    age = utcnow() - queued_at
    if age > STUCK_AFTER:
        return True
    return waiting and age > NO_WORKER_AFTER and not has_worker(queue)
