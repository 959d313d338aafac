"""Pictures of the wheel, twin wheel and maps for the demo audits, saved to look at.

Saved under tests/browser/screenshots/maps/ (git-ignored)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from audit_app.demo import load_demo
from audit_app.extensions import db
from audit_app.models import Audit
from audit_app.services import maps

OUT = Path(__file__).resolve().parents[1] / "browser" / "screenshots" / "maps"


def test_demo_audits_pictures_are_saved(app: Flask) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with app.test_request_context():
        assert load_demo()
        audits = db.session.scalars(select(Audit).order_by(Audit.id)).all()
        assert len(audits) == 4  # Northshire's two, its earlier dementia cycle, Southshire's
        for audit in audits:
            slug = re.sub(r"[^a-z0-9]+", "-", f"{audit.title}".lower()).strip("-")
            pictures = {
                f"{slug}-wheel-rag.png": maps.wheel_chart(audit, "rag", "png"),
                f"{slug}-wheel-maturity.png": maps.wheel_chart(audit, "maturity", "png"),
                f"{slug}-map-rag.png": maps.map_chart(audit, "rag"),
                f"{slug}-map-maturity.png": maps.map_chart(audit, "maturity"),
                f"{slug}-map-checklist.png": maps.map_chart(audit, "checklist"),
            }
            for name, body in pictures.items():
                assert body[:8] == b"\x89PNG\r\n\x1a\n", name
                (OUT / name).write_bytes(body)
