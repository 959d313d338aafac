"""The carers' quality-of-life scoring as data: load and check it against its questionnaire.

The file (``questionnaires/scoring/carer_quality_of_life.yaml``) names the
questionnaire it scores, the score's domains (one single-choice question each, its
three answers scored 2, 1 and 0, the most to the best), the score's maximum (the
sum of the domains' best), the other measures (a share of those answering a
question: the answers that count, and the answers that leave a person out of the
base), and the source of each fact: ``source`` for a measure's definition,
``ascof_source`` for its ASCOF number and name, each source marked ``checked`` (the
fact was seen in a copy of it) or not. :func:`parse_scoring` raises
:class:`ScoringError` naming the file, the path and what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hub_model.framework_reader import Fields, FrameworkError, Node
from hub_model.questionnaire import Questionnaire, QuestionType, read_yaml

DOMAIN_POINTS = (2, 1, 0)  # each domain's three answers, best first


class ScoringError(FrameworkError):
    """A scoring file is malformed; ``str()`` is ``"{file}: {path}: {message}"``."""


@dataclass(frozen=True)
class Source:
    code: str
    title: str
    url: str
    checked: bool  # False: the facts citing it were not seen in a copy of it


@dataclass(frozen=True)
class Domain:
    code: str
    title: str
    question: str
    points: Mapping[str, int]  # answer code -> 2, 1 or 0


@dataclass(frozen=True)
class Measure:
    """A share of the people answering ``question``: those giving one of ``counts``,
    out of those who answered, less those giving one of ``left_out``."""

    code: str
    ascof: str
    title: str
    question: str
    counts: tuple[str, ...]
    left_out: tuple[str, ...]
    source: Source
    ascof_source: Source


@dataclass(frozen=True)
class Scoring:
    id: str
    questionnaire: str
    title: str
    code: str  # the score's own measure code
    ascof: str
    score_title: str
    maximum: int
    source: Source
    ascof_source: Source
    domains: tuple[Domain, ...]
    measures: tuple[Measure, ...]
    sources: tuple[Source, ...]

    def measure_codes(self) -> tuple[str, ...]:
        """Every measure a published figure may be of: the score first."""
        return (self.code, *(measure.code for measure in self.measures))

    def title_of(self, code: str) -> str:
        if code == self.code:
            return self.score_title
        return next(m.title for m in self.measures if m.code == code)

    def ascof_of(self, code: str) -> str:
        if code == self.code:
            return self.ascof
        return next(m.ascof for m in self.measures if m.code == code)

    def is_share(self, code: str) -> bool:
        return code != self.code

    def questions(self) -> tuple[str, ...]:
        return tuple(domain.question for domain in self.domains)


def load_scoring(path: str | Path, questionnaire: Questionnaire) -> Scoring:
    path = Path(path)
    data = read_yaml(path.read_text(encoding="utf-8"), path.name)
    return parse_scoring(data, questionnaire, path.name)


def parse_scoring(data: object, questionnaire: Questionnaire, source: str) -> Scoring:
    """The scoring ``data`` describes for ``questionnaire``; ScoringError at the first problem."""
    try:
        return _read(Node(data, source), questionnaire)
    except ScoringError:
        raise
    except FrameworkError as error:
        raise ScoringError(error.file, error.path, error.message) from error


def _error(node: Node, message: str) -> ScoringError:
    return ScoringError(node.file, node.path, message)


def _read(node: Node, questionnaire: Questionnaire) -> Scoring:
    fields = node.fields(["id", "questionnaire", "title", "score", "measures", "sources"])
    if fields.text("questionnaire") != questionnaire.id:
        raise _error(
            fields["questionnaire"],
            f"scores {fields.text('questionnaire')!r}, not the questionnaire {questionnaire.id!r}",
        )
    sources = {code: _source(code, item) for code, item in fields["sources"].entries()}
    score = fields["score"].fields(
        ["code", "ascof", "ascof_source", "title", "maximum", "source", "domains"]
    )
    domains = tuple(_domain(item, questionnaire) for item in score.items("domains"))
    if not domains:
        raise _error(score["domains"], "needs at least one domain")
    _unique(score["domains"], [d.code for d in domains], "domain code")
    _unique(score["domains"], [d.question for d in domains], "domain question")
    maximum = score["maximum"].value
    best = sum(max(d.points.values()) for d in domains)
    if not isinstance(maximum, int) or isinstance(maximum, bool) or maximum != best:
        raise _error(
            score["maximum"], f"must be the sum of every domain's best ({best}), got {maximum!r}"
        )
    measures = tuple(_measure(item, questionnaire, sources) for item in fields.items("measures"))
    code = score.text("code")
    _unique(fields["measures"], [code, *(m.code for m in measures)], "measure code")
    return Scoring(
        id=fields.text("id"),
        questionnaire=questionnaire.id,
        title=fields.text("title"),
        code=code,
        ascof=str(score["ascof"].value),
        score_title=score.text("title"),
        maximum=maximum,
        source=_named(score, sources),
        ascof_source=_named(score, sources, "ascof_source"),
        domains=domains,
        measures=measures,
        sources=tuple(sources.values()),
    )


def _source(code: str, node: Node) -> Source:
    fields = node.fields(["title", "url", "checked"])
    url = fields.text("url")
    if not url.startswith(("https://", "http://")):
        raise _error(fields["url"], f"{url!r} is not a web address")
    return Source(code, fields.text("title"), url, fields.flag("checked"))


def _named(fields: Fields, sources: Mapping[str, Source], key: str = "source") -> Source:
    code = fields.text(key)
    if code not in sources:
        raise _error(fields[key], f"unknown source {code!r} (listed: {', '.join(sources)})")
    return sources[code]


def _single_choice(node: Node, questionnaire: Questionnaire) -> str:
    code = node.text()
    question = questionnaire.question(code)
    if question is None:
        raise _error(node, f"the questionnaire has no question {code!r}")
    if question.type is not QuestionType.SINGLE_CHOICE:
        raise _error(node, f"{code!r} is a {question.type.value} question, not single_choice")
    return code


def _domain(node: Node, questionnaire: Questionnaire) -> Domain:
    fields = node.fields(["code", "title", "question", "points"])
    code = _single_choice(fields["question"], questionnaire)
    question = questionnaire.question(code)
    assert question is not None
    points = {name: item.value for name, item in fields["points"].entries()}
    options = [option.code for option in question.options]
    if sorted(points) != sorted(options):
        raise _error(
            fields["points"],
            f"must score each answer of {code!r} once ({', '.join(options)}); "
            f"got {', '.join(points) or 'none'}",
        )
    scored = [value for value in points.values() if isinstance(value, int)]
    if sorted(scored, reverse=True) != list(DOMAIN_POINTS) or any(
        isinstance(value, bool) for value in points.values()
    ):
        raise _error(
            fields["points"],
            "a domain's three answers score 2, 1 and 0, one each; "
            f"got {', '.join(repr(v) for v in points.values())}",
        )
    return Domain(fields.text("code"), fields.text("title"), code, dict(points))  # type: ignore[arg-type]


def _measure(node: Node, questionnaire: Questionnaire, sources: Mapping[str, Source]) -> Measure:
    fields = node.fields(
        ["code", "ascof", "ascof_source", "title", "question", "counts", "left_out", "source"]
    )
    code = _single_choice(fields["question"], questionnaire)
    question = questionnaire.question(code)
    assert question is not None
    options = {option.code for option in question.options}
    counts = fields.texts("counts")
    left_out = fields["left_out"].texts()
    for name, chosen in (("counts", counts), ("left_out", left_out)):
        unknown = [c for c in chosen if c not in options]
        if unknown:
            raise _error(fields[name], f"{', '.join(unknown)}: not answers of {code!r}")
    if not counts:
        raise _error(fields["counts"], "must name at least one answer")
    if set(counts) & set(left_out):
        raise _error(fields["left_out"], "an answer cannot both count and be left out")
    return Measure(
        code=fields.text("code"),
        ascof=str(fields["ascof"].value),
        title=fields.text("title"),
        question=code,
        counts=tuple(counts),
        left_out=tuple(left_out),
        source=_named(fields, sources),
        ascof_source=_named(fields, sources, "ascof_source"),
    )


def _unique(node: Node, codes: list[str], what: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise _error(node, f"duplicate {what} {code!r}")
        seen.add(code)
