"""A file over the size limit gets a message on its form, with everything else
that was typed kept (the GOV.UK file upload pattern), rather than the 413 page
that loses it all; only a request far beyond any file is refused outright."""

from __future__ import annotations

import io
import json

import pytest
from flask import Flask
from sqlalchemy import func, select

from audit_app.extensions import db
from audit_app.models import Audit, EvidenceReturn
from tests.visit import Visitor
from tests.web.conftest import Cast
from tests.web.test_evidence import MULTIPART, PDF, _form, _url
from tests.web.test_questionnaires import _open

MB = 1024 * 1024


def _too_big(content: bytes, size: int = 15 * MB) -> io.BytesIO:
    return io.BytesIO(content + b"0" * (size - len(content)))


def test_an_evidence_file_over_the_limit_keeps_everything_typed(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    # The file comes first, so the parser must read past it to reach the rest.
    typed = _form()
    page = as_partner.post(
        _url(cast.draft.id, "new"),
        {"attachment": (_too_big(PDF), "annual-report.pdf"), **typed},
        status=200,
        **MULTIPART,
    )
    message = "The selected file ‘annual-report.pdf’ must be smaller than 10 MB"
    assert page.error_summary() == [message]
    assert page.field_error("attachment") == message
    for field in ("service_name", "description", "numbers_reached", "unit_cost", "satisfaction"):
        assert page.value(field) == typed[field], field
    assert page.value("evidence_date") == "31"
    assert page.value("pathway_element") == "support"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EvidenceReturn)) == 0


def test_an_import_file_over_the_limit_keeps_the_title_and_area(
    as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.post(
        "/audits/import",
        {
            "file": (_too_big(json.dumps({"format": "x"}).encode()), "audit.json"),
            "area_id": str(cast.draft.area_id),
            "title": "Copy of last year's audit",
        },
        status=200,
    )
    assert page.field_error("file") == "The file must be smaller than 5 MB"
    assert page.value("title") == "Copy of last year's audit"
    assert page.value("area_id") == str(cast.draft.area_id)


def test_a_questionnaire_csv_over_the_limit_gets_a_message_on_the_form(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id)
    page = as_lead.post(
        f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}/import",
        {"csv_file": (_too_big(b"cares_for,age_band\n"), "answers.csv")},
        status=200,
    )
    assert page.error_summary() == ["The selected file must be smaller than 10 MB"]
    assert page.field_error("csv_file") == "The selected file must be smaller than 10 MB"


def test_a_request_beyond_the_upload_ceiling_gets_the_413_page(
    app: Flask, as_partner: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MAX_UPLOAD_REQUEST_BYTES", 12 * MB)
    page = as_partner.post(
        _url(cast.draft.id, "new"),
        _form(attachment=(_too_big(PDF, 13 * MB), "huge.pdf")),
        status=413,
        **MULTIPART,
    )
    assert page.h1 == "The file is too large"


def test_without_signing_in_a_large_upload_is_refused_unread(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    response = visitor.client.post(
        "/audits/import",
        data={"file": (_too_big(b"{}", 11 * MB), "audit.json"), "title": "x"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Audit)) == 4


def test_an_upload_keeps_only_what_can_be_checked() -> None:
    """However large the upload, no more than one byte over the limit is kept, on
    disk or in memory; its true size is still known."""
    from audit_app.request_body import CappedFile

    kept = CappedFile(keep=11)
    for _ in range(1000):
        kept.write(b"0123456789")
    kept.seek(0)
    assert kept.read() == b"01234567890"
    assert kept.received == 10_000
