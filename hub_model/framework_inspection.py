"""Appendix B of the paper: the inspection framework the checklist reflects.

Table 1 groups the Performance Assessment Guide's descriptors under the four
service categories; Table 2 gives grade descriptors per strategy outcome. Codes
and levels are kept exactly as printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReferenceKind(StrEnum):
    """Appendix B: the Performance Assessment Guide's outcomes (O1-O7) and domains (D8-D9)."""

    OUTCOME = "outcome"
    DOMAIN = "domain"


@dataclass(frozen=True)
class InspectionReference:
    """An outcome (O1-O7) or domain (D8-D9) of the Performance Assessment Guide."""

    code: str
    kind: ReferenceKind
    note: str | None = None


@dataclass(frozen=True)
class Descriptor:
    """Appendix B Table 1 descriptor; ``code`` as printed ("O7 PC", "D9") or None."""

    code: str | None
    text: str

    @property
    def reference(self) -> str | None:
        """The outcome or domain the code refers to: "O7" for "O7.4" or "O7 PC"."""
        return reference_of(self.code)

    @property
    def performance_characteristic(self) -> bool:
        """True if printed as a performance characteristic ("PC")."""
        return self.code is not None and self.code.endswith(" PC")


@dataclass(frozen=True)
class ServiceCategory:
    """A column of Appendix B Table 1; its code is a support pathway element (§8.6)."""

    code: str
    name: str
    carers_outcomes: tuple[Descriptor, ...]
    area_outcomes: tuple[Descriptor, ...]


@dataclass(frozen=True)
class GradeDescriptor:
    """Appendix B Table 2 descriptor with code and level as printed (either may be None)."""

    code: str | None
    level: str | None
    text: str

    @property
    def reference(self) -> str | None:
        """The outcome or domain the code refers to: "D9" for "D9.2"."""
        return reference_of(self.code)


@dataclass(frozen=True)
class OutcomeGrades:
    """Appendix B Table 2: the grade descriptors for one strategy outcome."""

    outcome: str
    heading: str
    descriptors: tuple[GradeDescriptor, ...]
    note: str | None = None


@dataclass(frozen=True)
class Inspection:
    """Appendix B: the inspection framework the checklist is meant to reflect."""

    source: str
    references: tuple[InspectionReference, ...]
    grade_levels: tuple[str, ...]
    categories: tuple[ServiceCategory, ...]
    grades: tuple[OutcomeGrades, ...]
    unlinked: tuple[GradeDescriptor, ...]

    def category(self, code: str) -> ServiceCategory:
        """The Table 1 category ``code``; KeyError if there is none."""
        for category in self.categories:
            if category.code == code:
                return category
        raise KeyError(f"no service category {code!r}")

    def grades_for(self, outcome_code: str) -> tuple[GradeDescriptor, ...]:
        """Table 2's descriptors for strategy outcome ``outcome_code`` (empty if none)."""
        for group in self.grades:
            if group.outcome == outcome_code:
                return group.descriptors
        return ()

    def references_without_descriptor(self) -> tuple[InspectionReference, ...]:
        """The outcomes/domains no descriptor in either table refers to (D8 here)."""
        used = {d.reference for c in self.categories for d in c.carers_outcomes + c.area_outcomes}
        used |= {d.reference for g in self.grades for d in g.descriptors}
        used |= {d.reference for d in self.unlinked}
        return tuple(r for r in self.references if r.code not in used)


def reference_of(code: str | None) -> str | None:
    """The O/D reference inside an Appendix B code: "O7.4" and "O7 PC" give "O7"."""
    if code is None:
        return None
    return code.removesuffix(" PC").split(".")[0]
