"""Evidence returns of one partner organisation in every status, each with words
found nowhere else (its title, its text and its file's name), linked by the lead
to a rating cell and a checklist cell: what the visibility tests look for."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from audit_app.extensions import db
from audit_app.models import Audit, User
from audit_app.services import evidence, judgements, uploads
from audit_app.services.frameworks import framework_of
from audit_app.services.scope import assessed_groups

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
INTERVENTION, SUB_OUTCOME = "breaks", "1a"
BIRDS = {evidence.DRAFT: "Kestrel", evidence.SUBMITTED: "Heron", evidence.ACCEPTED: "Osprey"}


@dataclass(frozen=True)
class Seeding:
    """The returns made in one audit, and the cells they are linked to."""

    returns: list[Seeded]
    group: str  # the carer group of both linked cells

    def by_status(self) -> dict[str, Seeded]:
        return {item.status: item for item in self.returns}

    def cell_urls(self, audit_id: int) -> list[str]:
        """The lead's cell pages (ratings, checklist) and the read-only map cells."""
        base = f"/audits/{audit_id}"
        return [
            f"{base}/ratings/{INTERVENTION}/{self.group}",
            f"{base}/checklist/{SUB_OUTCOME}/{self.group}",
            f"{base}/maps/ratings/{INTERVENTION}/{self.group}",
            f"{base}/maps/checklist/{SUB_OUTCOME}/{self.group}",
        ]


@dataclass(frozen=True)
class Seeded:
    """One return and the words only it carries."""

    id: int
    attachment_id: int
    status: str
    title: str
    text: str
    filename: str

    @property
    def markers(self) -> dict[str, str]:
        return {"title": self.title, "text": self.text, "file name": self.filename}


def seed_returns(app: Flask, audit_id: int, partner_id: int, lead_id: int, tag: str) -> Seeding:
    """A draft, a submitted and an accepted return by the partner's organisation in the
    audit (a draft audit: publish it afterwards if need be); the lead links the submitted
    and accepted ones to a rating cell and a checklist cell of the audit's first group."""
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        partner = db.session.get(User, partner_id)
        lead = db.session.get(User, lead_id)
        assert audit is not None and partner is not None and lead is not None
        seeded, records = [], []
        for status, bird in BIRDS.items():
            title = f"{bird} {status} service {tag}"
            text = f"{bird.lower()}{status}note{tag}"
            filename = f"{bird.lower()}_{status}_minutes_{tag}.pdf"
            record = evidence.create(audit, {"service_name": title, "description": text}, partner)
            attachment = evidence.add_attachment(
                audit, record, uploads.CheckedFile(filename, "application/pdf", PDF), partner
            )
            if status != evidence.DRAFT:
                evidence.submit(audit, record, record.version, partner)
            if status == evidence.ACCEPTED:
                evidence.decide(audit, record, True, None, record.version, lead)
            records.append(record)
            seeded.append(Seeded(record.id, attachment.id, status, title, text, filename))
        linked = [r for r in records if r.status != evidence.DRAFT]
        code = assessed_groups(audit, framework_of(audit))[0].code
        rating, framework, group = judgements.rating_cell(audit, INTERVENTION, code)
        judgements.save_judgement(
            audit,
            rating,
            {"rag": "red", "rationale": "Few breaks"},
            linked,
            0,
            lead,
            judgements.rating_label(framework, INTERVENTION, group),
        )
        checklist, _, group = judgements.checklist_cell(audit, SUB_OUTCOME, code)
        judgements.save_judgement(
            audit,
            checklist,
            {"status": "partly", "rationale": "Partly in place"},
            linked,
            0,
            lead,
            f"{SUB_OUTCOME} – {group.name}",
        )
        return Seeding(seeded, code)
