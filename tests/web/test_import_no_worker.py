"""A CSV import queued with no worker to run it: after a while its status page says
nothing is processing it and offers to run it now or queue it again, rather than
"Waiting to start" for ever. The rule is the one the PDF of the report uses
(services.jobs)."""

from __future__ import annotations

from datetime import timedelta

import fakeredis
import pytest
import redis
from flask import Flask
from rq import Queue, SimpleWorker, Worker
from sqlalchemy import func, select

from audit_app.extensions import db
from audit_app.models import QuestionnaireImport, QuestionnaireResponse
from audit_app.models.types import utcnow
from audit_app.services import jobs
from audit_app.services import questionnaire_import as importing
from tests.visit import Page, Visitor
from tests.web.conftest import Cast
from tests.web.test_questionnaires import _answer, _definition, _open, _start_import

ANSWERS = [_answer(), _answer(cares_for=["stroke"], age_band="age_25_64")]


@pytest.fixture
def fake_redis(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> fakeredis.FakeRedis:
    """REDIS_URL set, every Redis connection a fake one, and the job's own app (built
    from the environment, as a worker's is) on the test database."""
    fake = fakeredis.FakeRedis()
    monkeypatch.setattr(redis.Redis, "from_url", lambda url, **kwargs: fake)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/13")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.delenv("REDIS_URL", raising=False)
    return fake


def _started(app: Flask, cast: Cast) -> tuple[int, int]:
    """A CSV of two good responses, uploaded: (questionnaire id, import id)."""
    questionnaire_id, _ = _open(app, cast.draft.id)
    text = importing.responses_csv(_definition(app, questionnaire_id), ANSWERS)
    return questionnaire_id, _start_import(app, questionnaire_id, text)


def _queued(app: Flask, cast: Cast) -> tuple[int, str]:
    """An import queued on the (fake) Redis; returns its id and status page."""
    questionnaire_id, import_id = _started(app, cast)
    with app.app_context():
        started = db.session.get(QuestionnaireImport, import_id)
        assert started is not None
        importing.queue(started, started.mapping)  # as guessed: the template's own columns
    base = f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}"
    return import_id, f"{base}/imports/{import_id}"


def _waited(app: Flask, import_id: int, waited: timedelta) -> None:
    with app.app_context():
        started = db.session.get(QuestionnaireImport, import_id)
        assert started is not None
        started.queued_at = utcnow() - waited
        db.session.commit()


def _state(app: Flask, import_id: int) -> tuple[str, int]:
    with app.app_context():
        started = db.session.get(QuestionnaireImport, import_id)
        assert started is not None
        saved = db.session.scalar(
            select(func.count()).where(QuestionnaireResponse.import_id == import_id)
        )
        return started.status, saved or 0


def _says_nothing_is_processing_it(page: Page) -> bool:
    return page.h1 == "Nothing is processing this import"


def test_an_import_queued_with_no_worker_says_so_after_two_minutes(
    app: Flask, cast: Cast, as_lead: Visitor, fake_redis: fakeredis.FakeRedis
) -> None:
    import_id, url = _queued(app, cast)
    page = as_lead.get(url)
    assert page.h1 == "Waiting to start"  # just queued: a worker may yet take it
    _waited(app, import_id, jobs.NO_WORKER_AFTER + timedelta(seconds=5))
    page = as_lead.get(url)
    assert _says_nothing_is_processing_it(page)
    assert "no worker is running to import it" in page.text
    assert page.soup.select_one("#import-job")["data-poll"] == "off"  # type: ignore[index]
    assert page.soup.select_one("#run_now") and page.soup.select_one("#queue_again")


def test_a_queued_import_with_a_worker_listening_waits_until_it_is_stuck(
    app: Flask, cast: Cast, as_lead: Visitor, fake_redis: fakeredis.FakeRedis
) -> None:
    import_id, url = _queued(app, cast)
    worker = Worker([Queue(importing.QUEUE, connection=fake_redis)], connection=fake_redis)
    worker.register_birth()  # busy elsewhere, but listening
    try:
        _waited(app, import_id, jobs.NO_WORKER_AFTER + timedelta(minutes=1))
        assert as_lead.get(url).h1 == "Waiting to start"
        _waited(app, import_id, jobs.STUCK_AFTER + timedelta(seconds=5))
        assert _says_nothing_is_processing_it(as_lead.get(url))
    finally:
        worker.register_death()


def test_run_it_now_imports_it_in_the_request_and_the_old_job_then_does_nothing(
    app: Flask, cast: Cast, as_lead: Visitor, fake_redis: fakeredis.FakeRedis
) -> None:
    import_id, url = _queued(app, cast)
    _waited(app, import_id, jobs.NO_WORKER_AFTER + timedelta(seconds=5))
    page = as_lead.post(
        f"{url}/restart", {"run_now": "Run the import now"}, status=200, follow=True
    )
    assert page.h1 == "Imported"
    assert _state(app, import_id) == ("done", 2)
    # The job queued first is picked up at last: it finds the import done.
    imports = Queue(importing.QUEUE, connection=fake_redis)
    assert SimpleWorker([imports], connection=fake_redis).work(burst=True)
    assert _state(app, import_id) == ("done", 2)


def test_queue_it_again_queues_a_job_a_worker_then_runs(
    app: Flask, cast: Cast, as_lead: Visitor, fake_redis: fakeredis.FakeRedis
) -> None:
    import_id, url = _queued(app, cast)
    imports = Queue(importing.QUEUE, connection=fake_redis)
    for lost in imports.get_jobs():  # the first job was lost (Redis restarted unsaved, say)
        lost.delete()
    _waited(app, import_id, jobs.NO_WORKER_AFTER + timedelta(seconds=5))
    page = as_lead.post(
        f"{url}/restart", {"queue_again": "Queue it again"}, status=200, follow=True
    )
    assert page.h1 == "Waiting to start"
    assert [job.args for job in imports.get_jobs()] == [(import_id,)]
    assert SimpleWorker([imports], connection=fake_redis).work(burst=True)
    assert _state(app, import_id) == ("done", 2)


def test_an_import_being_processed_is_not_restarted(
    app: Flask, cast: Cast, as_lead: Visitor, fake_redis: fakeredis.FakeRedis
) -> None:
    import_id, url = _queued(app, cast)
    page = as_lead.post(
        f"{url}/restart", {"run_now": "Run the import now"}, status=200, follow=True
    )
    assert "already being processed, or has finished" in page.text
    assert _state(app, import_id) == ("queued", 0)


def test_a_run_of_an_import_queued_again_since_does_not_save_it(app: Flask, cast: Cast) -> None:
    """A worker that stalled mid-check and woke after the import was queued again
    must not save it as well: only the run claimed last may."""
    _, import_id = _started(app, cast)
    with app.app_context():
        started = db.session.get(QuestionnaireImport, import_id)
        assert started is not None
        started.status, started.queued_at = importing.QUEUED, utcnow()
        db.session.commit()
        first = started.queued_at
        assert importing._move(import_id, first, importing.QUEUED, importing.CHECKING)
        # Meanwhile the import is queued again (and claimed by a new run).
        started.status, started.queued_at = importing.CHECKING, utcnow() + timedelta(seconds=1)
        db.session.commit()
        assert not importing._move(import_id, first, importing.CHECKING, importing.SAVING)
