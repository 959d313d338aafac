"""Questionnaires as data: load, validate, and read answers.

A questionnaire is a YAML file (the shipped ones are in the top-level
``questionnaires/`` folder). :func:`load_questionnaire` reads one into a frozen
:class:`Questionnaire`, checking its shape and that every framework code it
names (outcome, intervention, carer group, dimension, stakeholder type) exists,
and raises :class:`QuestionnaireError` naming the file, the path and what is
wrong.

:func:`parse_answer` turns the text a person typed (a CSV cell) into the same
value an online form stores, so imported and online answers summarise alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml

from hub_model.framework_reader import Fields, FrameworkError, Node
from hub_model.framework_schema import Framework

# A code names a form field and a CSV column: lower case, digits and underscores.
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Separates the chosen codes of a multiple-choice or ranking answer in a CSV cell.
LIST_SEPARATOR = ";"
DEFAULT_TEXT_LENGTH = 1000
LONGEST_TEXT = 5000


class QuestionnaireError(FrameworkError):
    """A questionnaire definition is malformed; ``str()`` is ``"{file}: {path}: {message}"``."""


class QuestionType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"
    RANKING = "ranking"
    NUMBER = "number"
    FREE_TEXT = "free_text"


class Audience(StrEnum):
    CARERS = "carers"
    PARTNERS = "partners"
    STAKEHOLDERS = "stakeholders"
    COMMISSIONERS = "commissioners"


class SplitBy(StrEnum):
    """What a question's answer says about the person, for splitting results."""

    CARER_GROUP = "carer_group"
    STAKEHOLDER_TYPE = "stakeholder_type"


CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})
LIST_TYPES = frozenset({QuestionType.MULTIPLE_CHOICE, QuestionType.RANKING})

Answer = str | int | list[str]


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    outcome: str | None = None
    intervention: str | None = None
    group: str | None = None
    stakeholder_type: str | None = None


@dataclass(frozen=True)
class Question:
    code: str
    type: QuestionType
    text: str
    hint: str | None = None
    required: bool = True
    options: tuple[Option, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    low_label: str | None = None
    high_label: str | None = None
    pick: int = 0  # ranking: how many options to rank
    max_length: int = DEFAULT_TEXT_LENGTH
    outcome: str | None = None
    intervention: str | None = None
    group_dimension: str | None = None
    split_by: SplitBy | None = None
    ranks_outcomes: bool = False

    def option(self, code: str) -> Option | None:
        return next((option for option in self.options if option.code == code), None)

    def scale_points(self) -> list[int]:
        if self.minimum is None or self.maximum is None:
            return []
        return list(range(self.minimum, self.maximum + 1))


@dataclass(frozen=True)
class Page:
    title: str
    questions: tuple[Question, ...]
    intro: str | None = None


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    title: str
    audience: Audience
    anonymous: bool
    intro: str
    how_answers_are_used: str
    pages: tuple[Page, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(question for page in self.pages for question in page.questions)

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)

    def split_question(self, split: SplitBy) -> Question | None:
        return next((q for q in self.questions if q.split_by is split), None)

    def ranking_question(self) -> Question | None:
        return next((q for q in self.questions if q.ranks_outcomes), None)


# Loading.


def load_questionnaire(path: str | Path, framework: Framework) -> Questionnaire:
    """The questionnaire in the YAML file ``path``, checked against ``framework``."""
    path = Path(path)
    return parse_questionnaire(
        read_yaml(path.read_text(encoding="utf-8"), path.name), framework, path.name
    )


def read_yaml(text: str, name: str) -> object:
    """The YAML document in ``text``; a syntax error names its line."""
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(unknown line)"
        raise QuestionnaireError(name, where, f"YAML syntax error: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise QuestionnaireError(name, "(unknown line)", f"YAML error: {exc}") from exc


def parse_questionnaire(data: object, framework: Framework, source: str) -> Questionnaire:
    """The questionnaire ``data`` describes; QuestionnaireError at the first problem."""
    try:
        return _Reader(framework).questionnaire(Node(data, source))
    except QuestionnaireError:
        raise
    except FrameworkError as error:
        raise QuestionnaireError(error.file, error.path, error.message) from error


def _error(node: Node, message: str) -> QuestionnaireError:
    return QuestionnaireError(node.file, node.path, message)


class _Reader:
    def __init__(self, framework: Framework) -> None:
        self.outcomes = {outcome.code for outcome in framework.outcomes}
        self.interventions = {item.code for item in framework.interventions}
        self.groups = {group.code: group.dimension for group, _ in framework.groups_flat()}
        self.dimensions = {dimension.code for dimension in framework.dimensions}
        self.stakeholder_types = {t.code for t in framework.stakeholder_types}

    def questionnaire(self, node: Node) -> Questionnaire:
        fields = node.fields(
            ["id", "version", "title", "audience", "intro", "how_answers_are_used", "pages"],
            ["anonymous"],
        )
        code = fields.text("id")
        if not _CODE.match(code):
            raise _error(fields["id"], f"{code!r} is not a code (lower case letters, digits, _)")
        audience = fields.choice("audience", Audience)
        anonymous = fields.flag("anonymous", default=False)
        if audience is Audience.CARERS and not anonymous:
            raise _error(fields["anonymous"], "a carers' questionnaire must be anonymous: true")
        pages = tuple(self.page(item) for item in fields.items("pages"))
        if not pages:
            raise _error(fields["pages"], "must have at least one page")
        seen: dict[str, str] = {}
        for index, page in enumerate(pages):
            for number, question in enumerate(page.questions):
                where = f"pages[{index}].questions[{number}].code"
                if question.code in seen:
                    raise QuestionnaireError(
                        node.file,
                        where,
                        f"duplicate question code {question.code!r} (first at {seen[question.code]})",
                    )
                seen[question.code] = where
        for split in SplitBy:
            found = [q.code for q in (q for p in pages for q in p.questions) if q.split_by is split]
            if len(found) > 1:
                raise _error(
                    fields["pages"],
                    f"only one question may split by {split.value}; found {', '.join(found)}",
                )
        return Questionnaire(
            id=code,
            version=str(fields["version"].value),
            title=fields.text("title"),
            audience=audience,
            anonymous=anonymous,
            intro=fields.text("intro"),
            how_answers_are_used=fields.text("how_answers_are_used"),
            pages=pages,
        )

    def page(self, node: Node) -> Page:
        fields = node.fields(["title", "questions"], ["intro"])
        questions = tuple(self.question(item) for item in fields.items("questions"))
        if not questions:
            raise _error(fields["questions"], "a page must have at least one question")
        return Page(fields.text("title"), questions, fields.optional_text("intro"))

    def question(self, node: Node) -> Question:
        fields = node.fields(
            ["code", "type", "text"],
            [
                "hint",
                "required",
                "options",
                "min",
                "max",
                "low_label",
                "high_label",
                "pick",
                "max_length",
                "outcome",
                "intervention",
                "group_dimension",
                "split_by",
                "ranks_outcomes",
            ],
        )
        code = fields.text("code")
        if not _CODE.match(code):
            raise _error(
                fields["code"],
                f"{code!r} is not a code (lower case letters, digits, _; at most 40)",
            )
        kind = fields.choice("type", QuestionType)
        options = (
            tuple(self.option(item) for item in fields.items("options"))
            if fields.has("options")
            else ()
        )
        self._check_options(fields["options"], kind, options)
        minimum, maximum = self._range(fields, kind)
        question = Question(
            code=code,
            type=kind,
            text=fields.text("text"),
            hint=fields.optional_text("hint"),
            required=fields.flag("required", default=True),
            options=options,
            minimum=minimum,
            maximum=maximum,
            low_label=fields.optional_text("low_label"),
            high_label=fields.optional_text("high_label"),
            pick=self._pick(fields, kind, options),
            max_length=self._max_length(fields, kind),
            outcome=self._code(fields, "outcome", self.outcomes, "outcome"),
            intervention=self._code(fields, "intervention", self.interventions, "intervention"),
            group_dimension=self._code(
                fields, "group_dimension", self.dimensions, "carer group dimension"
            ),
            split_by=fields.choice("split_by", SplitBy) if fields.has("split_by") else None,
            ranks_outcomes=fields.flag("ranks_outcomes", default=False),
        )
        self._check_links(fields, question)
        return question

    def option(self, node: Node) -> Option:
        fields = node.fields(
            ["code", "label"], ["outcome", "intervention", "group", "stakeholder_type"]
        )
        code = fields.text("code")
        if not _CODE.match(code):
            raise _error(fields["code"], f"{code!r} is not a code (lower case letters, digits, _)")
        return Option(
            code=code,
            label=fields.text("label"),
            outcome=self._code(fields, "outcome", self.outcomes, "outcome"),
            intervention=self._code(fields, "intervention", self.interventions, "intervention"),
            group=self._code(fields, "group", set(self.groups), "carer group"),
            stakeholder_type=self._code(
                fields, "stakeholder_type", self.stakeholder_types, "stakeholder type"
            ),
        )

    @staticmethod
    def _code(fields: Fields, name: str, known: set[str], what: str) -> str | None:
        if not fields.has(name):
            return None
        node = fields[name]
        value = node.value
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # outcome codes are digits; YAML may read them as numbers
        if not isinstance(value, str) or value not in known:
            raise _error(
                node, f"unknown {what} {value!r} (the framework has: {', '.join(sorted(known))})"
            )
        return value

    @staticmethod
    def _check_options(node: Node, kind: QuestionType, options: Sequence[Option]) -> None:
        needs_options = kind in CHOICE_TYPES or kind is QuestionType.RANKING
        if needs_options and len(options) < 2:
            raise _error(node, f"a {kind.value} question needs at least two options")
        if not needs_options and options:
            raise _error(node, f"a {kind.value} question has no options")
        seen: set[str] = set()
        for option in options:
            if option.code in seen:
                raise _error(node, f"duplicate option code {option.code!r}")
            seen.add(option.code)

    @staticmethod
    def _range(fields: Fields, kind: QuestionType) -> tuple[int | None, int | None]:
        ranged = kind in {QuestionType.SCALE, QuestionType.NUMBER}
        values: list[int | None] = []
        for name in ("min", "max"):
            if not fields.has(name):
                if kind is QuestionType.SCALE:
                    raise _error(fields.node, f"a scale question needs {name!r}")
                values.append(None)
                continue
            if not ranged:
                raise _error(fields[name], f"a {kind.value} question has no {name}")
            value = fields[name].value
            if not isinstance(value, int) or isinstance(value, bool):
                raise _error(fields[name], f"expected a whole number, got {value!r}")
            values.append(value)
        minimum, maximum = values
        if minimum is not None and maximum is not None and minimum >= maximum:
            raise _error(fields["max"], f"max ({maximum}) must be greater than min ({minimum})")
        if (
            kind is QuestionType.SCALE
            and maximum is not None
            and minimum is not None
            and maximum - minimum > 10
        ):
            raise _error(fields["max"], "a scale has at most 11 points")
        return minimum, maximum

    @staticmethod
    def _pick(fields: Fields, kind: QuestionType, options: Sequence[Option]) -> int:
        if kind is not QuestionType.RANKING:
            if fields.has("pick"):
                raise _error(fields["pick"], "only a ranking question has pick")
            return 0
        if not fields.has("pick"):
            return len(options)
        value = fields["pick"].value
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= len(options):
            raise _error(
                fields["pick"],
                f"pick must be a whole number from 1 to {len(options)} (the number of options), got {value!r}",
            )
        return value

    @staticmethod
    def _max_length(fields: Fields, kind: QuestionType) -> int:
        if not fields.has("max_length"):
            return DEFAULT_TEXT_LENGTH
        if kind is not QuestionType.FREE_TEXT:
            raise _error(fields["max_length"], "only a free_text question has max_length")
        value = fields["max_length"].value
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= LONGEST_TEXT:
            raise _error(
                fields["max_length"], f"max_length must be a whole number from 1 to {LONGEST_TEXT}"
            )
        return value

    def _check_links(self, fields: Fields, question: Question) -> None:
        if question.ranks_outcomes:
            if question.type is not QuestionType.RANKING:
                raise _error(fields["ranks_outcomes"], "only a ranking question can rank outcomes")
            missing = [o.code for o in question.options if o.outcome is None]
            if missing:
                raise _error(
                    fields["ranks_outcomes"],
                    f"every option must name an outcome; {', '.join(missing)} do not",
                )
        if question.split_by is SplitBy.CARER_GROUP:
            if question.type not in CHOICE_TYPES:
                raise _error(fields["split_by"], "only a choice question can split by carer group")
            missing = [o.code for o in question.options if o.group is None]
            if missing:
                raise _error(
                    fields["split_by"],
                    f"every option must name a carer group; {', '.join(missing)} do not",
                )
        if question.split_by is SplitBy.STAKEHOLDER_TYPE:
            if question.type is not QuestionType.SINGLE_CHOICE:
                raise _error(
                    fields["split_by"],
                    "only a single_choice question can split by stakeholder type",
                )
            missing = [o.code for o in question.options if o.stakeholder_type is None]
            if missing:
                raise _error(
                    fields["split_by"],
                    f"every option must name a stakeholder type; {', '.join(missing)} do not",
                )
        if question.group_dimension is not None:
            wrong = [
                o.code
                for o in question.options
                if o.group is not None and self.groups[o.group] != question.group_dimension
            ]
            if wrong:
                raise _error(
                    fields["group_dimension"],
                    f"options {', '.join(wrong)} name groups outside the dimension {question.group_dimension!r}",
                )


# Answers.


class AnswerError(ValueError):
    """A typed answer does not fit its question; ``str()`` says why, in plain words."""


def parse_answer(question: Question, text: str) -> Answer | None:
    """The stored value for ``text`` typed as an answer to ``question``; None if blank.

    Choices may be given by code or by label (any case); several choices are
    separated by semicolons, a ranking in order, first choice first.
    Raises AnswerError if the text does not fit the question.
    """
    text = text.strip()
    if not text:
        if question.required:
            raise AnswerError("an answer is required")
        return None
    kind = question.type
    if kind is QuestionType.FREE_TEXT:
        if len(text) > question.max_length:
            raise AnswerError(f"must be {question.max_length:,} characters or fewer")
        return text
    if kind in {QuestionType.NUMBER, QuestionType.SCALE}:
        return _whole_number(question, text)
    parts = [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    codes = [_option_code(question, part) for part in parts]
    if kind is QuestionType.SINGLE_CHOICE:
        if len(codes) != 1:
            raise AnswerError("choose one option only")
        return codes[0]
    if len(set(codes)) != len(codes):
        raise AnswerError("an option is given more than once")
    if kind is QuestionType.MULTIPLE_CHOICE:
        order = {option.code: index for index, option in enumerate(question.options)}
        return sorted(codes, key=order.__getitem__)
    return check_ranking(question, codes)


def check_ranking(question: Question, codes: list[str]) -> list[str]:
    """A ranking answer: distinct known options, between one and ``pick`` of them."""
    if len(codes) > question.pick:
        raise AnswerError(f"rank at most {question.pick} options")
    if question.required and len(codes) < question.pick:
        raise AnswerError(f"rank {question.pick} options")
    return codes


def _whole_number(question: Question, text: str) -> int:
    cleaned = text.replace(",", "")
    if not re.fullmatch(r"-?\d{1,9}", cleaned):
        raise AnswerError(f"{text!r} is not a whole number")
    value = int(cleaned)
    if question.minimum is not None and value < question.minimum:
        raise AnswerError(f"must be {question.minimum} or more")
    if question.maximum is not None and value > question.maximum:
        raise AnswerError(f"must be {question.maximum} or less")
    return value


def _option_code(question: Question, text: str) -> str:
    wanted = text.casefold()
    for option in question.options:
        if wanted in (option.code.casefold(), option.label.casefold()):
            return option.code
    allowed = ", ".join(option.code for option in question.options)
    raise AnswerError(f"{text!r} is not one of the options ({allowed})")


def answer_text(question: Question, value: Answer | None) -> str:
    """``value`` as a CSV cell: the inverse of :func:`parse_answer`."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return str(value)


def describe_answer(question: Question, value: Answer | None) -> str:
    """``value`` in words, for a check-your-answers page."""
    if value is None or value == []:
        return "Not answered"
    if isinstance(value, list):
        labels = [_label(question, code) for code in value]
        if question.type is QuestionType.RANKING:
            return "; ".join(f"{rank}. {label}" for rank, label in enumerate(labels, start=1))
        return "; ".join(labels)
    if question.type is QuestionType.SINGLE_CHOICE:
        return _label(question, str(value))
    if question.type is QuestionType.SCALE:
        return scale_label(question, int(value))
    return str(value)


def scale_label(question: Question, point: int) -> str:
    if point == question.minimum and question.low_label:
        return f"{point} ({question.low_label})"
    if point == question.maximum and question.high_label:
        return f"{point} ({question.high_label})"
    return str(point)


def _label(question: Question, code: str) -> str:
    option = question.option(code)
    return option.label if option else code


def split_values(
    questionnaire: Questionnaire, answers: Mapping[str, Answer | None], split: SplitBy
) -> list[str]:
    """The carer groups or stakeholder type an answer set belongs to (framework codes)."""
    question = questionnaire.split_question(split)
    if question is None:
        return []
    value = answers.get(question.code)
    chosen = value if isinstance(value, list) else ([value] if isinstance(value, str) else [])
    out = []
    for code in chosen:
        option = question.option(code)
        target = (
            None
            if option is None
            else (option.group if split is SplitBy.CARER_GROUP else option.stakeholder_type)
        )
        if target:
            out.append(target)
    return out
