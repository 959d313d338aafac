"""A saved PDF is reused, and said to be up to date, only while everything the report
shows is as it was: not the audit's revision alone (report_pdfs.inputs_key, which is
report_cache.report_key without the day). Each input that no page of this audit
changes is changed here and must make the saved PDF out of date."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import Flask

from audit_app.extensions import db
from audit_app.models import Audit, ReportPdf
from tests.visit import Visitor
from tests.web.conftest import Cast
from tests.web.test_board_pack_comparisons import cycles
from tests.web.test_questionnaires import _answer, _answer_all, _definition, _open
from tests.web.test_report_cache import _rerate
from tests.web.test_report_pdfs import _make, _pdfs, quick_pdf

__all__ = ["cycles", "quick_pdf"]  # the fixtures, used by name


def _audit(audit_id: int) -> Any:
    """What _make needs of an audit: its id."""
    return SimpleNamespace(id=audit_id)


def _out_of_date(visitor: Visitor, audit: Audit | int, pdf_id: int) -> bool:
    audit_id = audit if isinstance(audit, int) else audit.id
    page = visitor.get(f"/audits/{audit_id}/exports/pdf/{pdf_id}")
    return page.soup.select_one("#pdf-out-of-date") is not None


def test_another_areas_change_makes_the_commissioners_pdf_out_of_date(
    app: Flask, cycles: dict[str, int], as_commissioner: Visitor, quick_pdf: list[int]
) -> None:
    audit = cycles["later"]
    first, _ = _make(as_commissioner, _audit(audit))
    assert _make(as_commissioner, _audit(audit))[0] == first  # nothing changed: reused
    assert not _out_of_date(as_commissioner, audit, first)
    _rerate(app, cycles["south"], {("breaks", "dementia"): ("green", "advanced")})
    assert _out_of_date(as_commissioner, audit, first)
    second, page = _make(as_commissioner, _audit(audit))
    assert second != first and page.soup.select_one("#pdf-out-of-date") is None
    made = _pdfs(app)
    assert made[0].audit_revision == made[1].audit_revision  # this audit did not change
    assert made[0].inputs_key != made[1].inputs_key


def test_the_last_cycles_change_makes_the_pdf_out_of_date(
    app: Flask, cycles: dict[str, int], as_commissioner: Visitor, quick_pdf: list[int]
) -> None:
    first, _ = _make(as_commissioner, _audit(cycles["later"]))
    _rerate(app, cycles["earlier"], {("breaks", "dementia"): ("amber", "intermediate")})
    assert _out_of_date(as_commissioner, cycles["later"], first)


def test_a_carers_answer_makes_the_leads_pdf_out_of_date(
    app: Flask, cast: Cast, as_lead: Visitor, quick_pdf: list[int]
) -> None:
    questionnaire_id, token = _open(app, cast.dementia.id)
    first, _ = _make(as_lead, cast.dementia)
    carer = Visitor(app.test_client())
    _answer_all(carer, f"/survey/{token}", _definition(app, questionnaire_id), _answer())
    assert _out_of_date(as_lead, cast.dementia, first)
    assert _make(as_lead, cast.dementia)[0] != first


def test_a_pdf_made_before_its_inputs_were_recorded_is_never_reused(
    app: Flask, cast: Cast, as_lead: Visitor, quick_pdf: list[int]
) -> None:
    """Rows from before migration report_pdf_inputs hold no key."""
    first, _ = _make(as_lead, cast.dementia)
    assert not _out_of_date(as_lead, cast.dementia, first)
    with app.app_context():
        pdf = db.session.get(ReportPdf, first)
        assert pdf is not None
        pdf.inputs_key = None
        db.session.commit()
    assert _out_of_date(as_lead, cast.dementia, first)
    assert _make(as_lead, cast.dementia)[0] != first
