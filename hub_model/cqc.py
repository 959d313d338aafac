"""CQC's assessment of local authorities as data, and the cross-walk from the audit to it.

Two files in ``frameworks/cqc/``: ``cqc_la_2023.yaml`` (themes, the nine quality
statements, evidence categories, the 1 to 4 score and the source of each fact) and
``cqc_crosswalk.yaml`` (which statements each Appendix A sub-outcome, intervention,
indicator, quality-of-life measure and questionnaire informs, each link with its
reason). Both are read with :mod:`hub_model.framework_reader`, so every error names
the file, the path (``interventions[3].statements[0].statement``) and what is wrong.

The suggested score from that evidence is in :mod:`hub_model.cqc_score`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml

from hub_model.framework_reader import FrameworkError, Node

CQC_DIR = Path(__file__).parent / "frameworks" / "cqc"
FRAMEWORK_FILE = "cqc_la_2023.yaml"
CROSSWALK_FILE = "cqc_crosswalk.yaml"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Category(StrEnum):
    """CQC's evidence categories used here, in CQC's order."""

    PEOPLE_EXPERIENCE = "people_experience"
    STAFF_LEADERS = "staff_leaders"
    PARTNERS = "partners"
    PROCESSES = "processes"
    OUTCOMES = "outcomes"


class LinkKind(StrEnum):
    """The kinds of audit evidence the cross-walk links from."""

    SUB_OUTCOME = "sub_outcomes"
    INTERVENTION = "interventions"
    INDICATOR = "indicators"
    MEASURE = "measures"
    QUESTIONNAIRE = "questionnaires"


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str
    checked: bool  # False: the fact was not seen in a copy of the source


@dataclass(frozen=True)
class Theme:
    code: str
    name: str
    source: str


@dataclass(frozen=True)
class Statement:
    code: str
    number: int
    theme: str
    name: str
    we_statement: str
    source: str
    we_statement_source: str


@dataclass(frozen=True)
class EvidenceCategory:
    code: Category
    name: str
    description: str
    source: str
    note: str | None = None


@dataclass(frozen=True)
class ScoreWords:
    score: int
    words: str
    source: str


@dataclass(frozen=True)
class CqcFramework:
    id: str
    title: str
    sources: tuple[Source, ...]
    themes: tuple[Theme, ...]
    statements: tuple[Statement, ...]
    categories: tuple[EvidenceCategory, ...]
    scores: tuple[ScoreWords, ...]

    def statement(self, code: str) -> Statement:
        return next(s for s in self.statements if s.code == code)

    def theme(self, code: str) -> Theme:
        return next(t for t in self.themes if t.code == code)

    def category(self, code: Category) -> EvidenceCategory:
        return next(c for c in self.categories if c.code == code)

    def source(self, key: str) -> Source:
        return next(s for s in self.sources if s.key == key)

    def words(self, score: int) -> str:
        return next(s.words for s in self.scores if s.score == score)


@dataclass(frozen=True)
class Link:
    statement: str
    reason: str


@dataclass(frozen=True)
class Crosswalk:
    """Links from each kind of audit evidence, by its code, to quality statements.
    ``categories`` gives each questionnaire's evidence category."""

    links: Mapping[LinkKind, Mapping[str, tuple[Link, ...]]]
    categories: Mapping[str, Category]

    def statements_of(self, kind: LinkKind, code: str) -> tuple[str, ...]:
        return tuple(link.statement for link in self.links[kind].get(code, ()))

    def reason(self, kind: LinkKind, code: str, statement: str) -> str:
        return next(
            link.reason for link in self.links[kind].get(code, ()) if link.statement == statement
        )


@dataclass(frozen=True)
class Known:
    """The codes the cross-walk may link from (the audit's framework, scoring and
    questionnaires), by kind."""

    codes: Mapping[LinkKind, frozenset[str]]


# Reading the framework.


def parse_cqc(data: object, file: str = FRAMEWORK_FILE) -> CqcFramework:
    """The CQC framework ``data`` describes; FrameworkError at the first problem."""
    root = Node(data, file).fields(
        ["id", "title", "sources", "themes", "statements", "evidence_categories", "scores"]
    )
    sources = tuple(_source(key, node) for key, node in root["sources"].entries())
    keys = {s.key for s in sources}
    themes = tuple(_theme(node, keys) for node in root.items("themes"))
    _unique(root["themes"], [t.code for t in themes], "theme")
    statements = tuple(
        _statement(node, keys, {t.code for t in themes}) for node in root.items("statements")
    )
    _unique(root["statements"], [s.code for s in statements], "statement")
    _unique(root["statements"], [str(s.number) for s in statements], "statement number")
    categories = tuple(_category(node, keys) for node in root.items("evidence_categories"))
    codes = [c.code for c in categories]
    _unique(root["evidence_categories"], codes, "evidence category")
    if set(codes) != set(Category):
        missing = ", ".join(c.value for c in Category if c not in codes)
        raise root["evidence_categories"].error(f"missing evidence categories: {missing}")
    scores = tuple(_score(node, keys) for node in root.items("scores"))
    if sorted(s.score for s in scores) != [1, 2, 3, 4]:
        raise root["scores"].error("must give the words of scores 1, 2, 3 and 4, once each")
    return CqcFramework(
        root.text("id"), root.text("title"), sources, themes, statements, categories, scores
    )


def _source(key: str, node: Node) -> Source:
    fields = node.fields(["title", "url", "checked"])
    url = fields.text("url")
    if not url.startswith(("https://", "http://")):
        raise fields["url"].error(f"{url!r} is not a web address")
    return Source(key, fields.text("title"), url, fields.flag("checked"))


def _named_source(node: Node, keys: set[str]) -> str:
    key = node.text()
    if key not in keys:
        raise node.error(f"unknown source {key!r} (listed: {', '.join(sorted(keys))})")
    return key


def _theme(node: Node, sources: set[str]) -> Theme:
    fields = node.fields(["code", "name", "source"])
    return Theme(fields.text("code"), fields.text("name"), _named_source(fields["source"], sources))


def _statement(node: Node, sources: set[str], themes: set[str]) -> Statement:
    fields = node.fields(
        ["code", "number", "theme", "name", "we_statement", "source", "we_statement_source"]
    )
    number = fields["number"].value
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise fields["number"].error("must be a whole number from 1")
    theme = fields.text("theme")
    if theme not in themes:
        raise fields["theme"].error(f"unknown theme {theme!r}")
    return Statement(
        fields.text("code"),
        number,
        theme,
        fields.text("name"),
        " ".join(fields.text("we_statement").split()),
        _named_source(fields["source"], sources),
        _named_source(fields["we_statement_source"], sources),
    )


def _category(node: Node, sources: set[str]) -> EvidenceCategory:
    fields = node.fields(["code", "name", "description", "source"], ["note"])
    return EvidenceCategory(
        fields.choice("code", Category),
        fields.text("name"),
        fields.text("description"),
        _named_source(fields["source"], sources),
        fields.optional_text("note"),
    )


def _score(node: Node, sources: set[str]) -> ScoreWords:
    fields = node.fields(["score", "words", "source"])
    score = fields["score"].value
    if isinstance(score, bool) or score not in (1, 2, 3, 4):
        raise fields["score"].error("must be 1, 2, 3 or 4")
    assert isinstance(score, int)
    return ScoreWords(score, fields.text("words"), _named_source(fields["source"], sources))


def _unique(node: Node, codes: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if code in seen:
            raise Node(None, node.file, f"{node.path}[{index}]").error(f"duplicate {what} {code!r}")
        seen.add(code)


# Reading the cross-walk.

_CODE_KEY = {
    LinkKind.SUB_OUTCOME: "code",
    LinkKind.INTERVENTION: "code",
    LinkKind.INDICATOR: "ref",
    LinkKind.MEASURE: "code",
    LinkKind.QUESTIONNAIRE: "id",
}
_WHAT = {
    LinkKind.SUB_OUTCOME: "Appendix A sub-outcome",
    LinkKind.INTERVENTION: "intervention",
    LinkKind.INDICATOR: "indicator",
    LinkKind.MEASURE: "quality-of-life measure",
    LinkKind.QUESTIONNAIRE: "questionnaire",
}


def parse_crosswalk(
    data: object, framework: CqcFramework, known: Known, file: str = CROSSWALK_FILE
) -> Crosswalk:
    """The cross-walk ``data`` describes, checked against ``framework`` (its statements)
    and ``known`` (the codes it may link from). FrameworkError at the first unknown
    statement or code, link without a reason, or anything listed twice."""
    root = Node(data, file).fields(["id", "framework", *(k.value for k in LinkKind)])
    if root.text("framework") != framework.id:
        raise root["framework"].error(f"must be {framework.id!r}, the framework it links to")
    statements = {s.code for s in framework.statements}
    links: dict[LinkKind, dict[str, tuple[Link, ...]]] = {}
    categories: dict[str, Category] = {}
    for kind in LinkKind:
        links[kind] = {}
        for node in root.items(kind.value):
            optional = ["category"] if kind is LinkKind.QUESTIONNAIRE else []
            fields = node.fields([_CODE_KEY[kind], "statements", *optional])
            code_node = fields[_CODE_KEY[kind]]
            code = (
                code_node.text() if not isinstance(code_node.value, int) else str(code_node.value)
            )
            if code not in known.codes[kind]:
                raise code_node.error(f"unknown {_WHAT[kind]} {code!r}")
            if code in links[kind]:
                raise code_node.error(f"{_WHAT[kind]} {code!r} is listed twice")
            if kind is LinkKind.QUESTIONNAIRE:
                categories[code] = fields.choice("category", Category)
            links[kind][code] = _links(fields["statements"], statements)
    return Crosswalk(links, categories)


def _links(node: Node, statements: set[str]) -> tuple[Link, ...]:
    out: list[Link] = []
    items = node.items()
    if not items:
        raise node.error("must link to at least one statement")
    for item in items:
        fields = item.fields(["statement"], ["reason"])
        code = fields.text("statement")
        if code not in statements:
            raise fields["statement"].error(f"unknown statement {code!r}")
        if not fields.has("reason"):
            raise item.error(f"the link to {code!r} needs a reason")
        if any(link.statement == code for link in out):
            raise fields["statement"].error(f"statement {code!r} is linked twice")
        out.append(Link(code, " ".join(fields.text("reason").split())))
    return tuple(out)


# Files.


def read_yaml(path: Path) -> object:
    """The YAML document at ``path``; a syntax error is a FrameworkError naming its line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}" if mark else "(unknown line)"
        raise FrameworkError(path.name, where, f"YAML syntax error: {exc.problem}") from exc


@cache
def load_cqc() -> CqcFramework:
    """The built-in CQC framework (read once)."""
    return parse_cqc(read_yaml(CQC_DIR / FRAMEWORK_FILE))


def load_crosswalk(known: Known) -> Crosswalk:
    """The built-in cross-walk, checked against ``known``."""
    return parse_crosswalk(read_yaml(CQC_DIR / CROSSWALK_FILE), load_cqc(), known)
