"""Poll results under the anonymity threshold (VOICE_MIN_GROUP, default 5), wherever shown or downloaded.

- A group (the county, a district, a service type, a workplace) with fewer answers than the
  threshold is hidden ("primary suppression").
- Differencing: where the county total is shown beside a breakdown, the hidden cells could be
  worked out as the total minus the shown ones. So while the hidden cells of a breakdown hold
  between 1 and threshold-1 answers between them, the smallest shown cell is hidden too
  ("secondary suppression"), until together they hold at least the threshold (or all are hidden).
  Worked example (threshold 5): districts with 12, 7 and 3 answers, county 22: the 3 is hidden, and
  as 3 < 5 the 7 is hidden too; county minus 12 gives 10 answers of two districts together.
- Free text is shown only once approved by HCPA, in a random order, and only for a group whose
  respondents reach the threshold.
- Only once the poll has closed (`shown_to_staff`; managers' results wait too, academy/voice/manager.py):
  while answers still arrive, two looks a little apart differ by the answers given between them, so
  looking before and after a known colleague answers (a count moving by one, a district crossing
  the threshold) would tell their answer. Until then HCPA see how many have answered, nothing more.
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from academy.voice.audience import id_list
from academy.voice.models import Moderation, Poll, PollAnswer, PollQuestion, QuestionKind
from academy.workplaces.models import District, ServiceType, Workplace

HIDDEN_SMALL = "small"  # fewer answers than the threshold
HIDDEN_DIFFERENCE = "difference"  # hidden so a smaller hidden group cannot be worked out from the total


def minimum_group() -> int:
    return int(current_app.config["VOICE_MIN_GROUP"])


def shown_to_staff(poll: Poll, today: date) -> bool:
    """Whether HCPA staff may see the poll's county results: its figures (counts and shares per
    choice, by district and service type), approved free text, charts and downloads. Only once it
    has closed (closed by HCPA, or past its closing date, when no more answers are taken)."""
    return poll.has_closed(today)


@dataclass
class Cell:
    """One group's answers to one question: `counts` per choice (question.choices' order)."""

    label: str
    counts: list[int]
    hidden: str | None = None

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def shown(self) -> bool:
        return self.hidden is None and self.n > 0

    def share(self, index: int) -> float:
        return self.counts[index] / self.n if self.n else 0.0

    @property
    def share_good(self) -> float:
        """Scale questions: the share answering 4 or 5."""
        return (self.counts[3] + self.counts[4]) / self.n if self.n and len(self.counts) == 5 else 0.0

    @property
    def mean(self) -> float:
        return sum((i + 1) * c for i, c in enumerate(self.counts)) / self.n if self.n else 0.0


def suppress(cells: list[Cell], minimum: int, total_shown: bool = True) -> list[Cell]:
    """Hide each cell under the threshold, then (when the total is shown) hide the smallest shown
    cells until the hidden ones hold none, or at least `minimum` answers between them.

    >>> cells = [Cell("A", [6, 6]), Cell("B", [4, 3]), Cell("C", [1, 2])]
    >>> [c.hidden for c in suppress(cells, 5)]
    [None, 'difference', 'small']
    """
    for cell in cells:
        if 0 < cell.n < minimum:
            cell.hidden = HIDDEN_SMALL
    if total_shown:
        while 0 < sum(c.n for c in cells if c.hidden) < minimum:
            shown = [c for c in cells if not c.hidden and c.n > 0]
            if not shown:
                break
            min(shown, key=lambda c: c.n).hidden = HIDDEN_DIFFERENCE
    return cells


@dataclass
class Breakdown:
    title: str
    cells: list[Cell]


@dataclass
class QuestionResult:
    question: PollQuestion
    total: Cell
    breakdowns: list[Breakdown] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # approved free text, random order
    comment_count: int = 0
    comments_shown: bool = False  # the group's respondents reach the threshold

    @property
    def head(self) -> list:
        """The breakdown table's columns: a scale's share of 4 or 5 and average, or each choice's share."""
        answers = ["Group", {"text": "Answers", "numeric": True}]
        if self.question.kind == QuestionKind.scale:
            return answers + [{"text": "4 or 5", "numeric": True}, {"text": "Average (1 to 5)", "numeric": True}]
        return answers + [{"text": label, "numeric": True} for _, label in self.question.choices]


@dataclass
class PollResults:
    poll: Poll
    minimum: int
    questions: list[QuestionResult]

    @property
    def respondents(self) -> int:
        """The most answers any question has (every choice and scale question must be answered)."""
        return max((r.total.n for r in self.questions), default=0)

    @property
    def shown(self) -> bool:
        return self.respondents >= self.minimum


def _counts(session, poll: Poll, workplace_id: int | None):
    """{(question_id, district_id, service_type_id): {choice: n}} and free-text counts, in one query."""
    statement = (select(PollAnswer.question_id, PollAnswer.district_id, PollAnswer.service_type_id,
                        PollAnswer.choice, func.count())
                 .where(PollAnswer.poll_id == poll.id)
                 .where((PollAnswer.moderation.is_(None)) | (PollAnswer.moderation != Moderation.rejected))
                 .group_by(PollAnswer.question_id, PollAnswer.district_id, PollAnswer.service_type_id,
                           PollAnswer.choice))
    if workplace_id is not None:
        statement = statement.where(PollAnswer.workplace_id == workplace_id)
    counts: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for question_id, district_id, service_type_id, choice, n in session.execute(statement):
        counts[(question_id, district_id, service_type_id)][choice] += n
    return counts


def _cell(label: str, question: PollQuestion, parts: list[dict]) -> Cell:
    if question.kind == QuestionKind.free_text:
        return Cell(label, [sum(sum(p.values()) for p in parts)])
    values = [value for value, _ in question.choices]
    return Cell(label, [sum(p.get(v, 0) for p in parts) for v in values])


def _approved_text(session, poll: Poll, workplace_id: int | None) -> dict[int, list[str]]:
    statement = select(PollAnswer.question_id, PollAnswer.text).where(
        PollAnswer.poll_id == poll.id, PollAnswer.moderation == Moderation.approved)
    if workplace_id is not None:
        statement = statement.where(PollAnswer.workplace_id == workplace_id)
    texts: dict[int, list[str]] = defaultdict(list)
    for question_id, text in session.execute(statement):
        texts[question_id].append(text)
    for shown in texts.values():
        random.SystemRandom().shuffle(shown)
    return texts


def _groups(session, model, ids: list[int]) -> list:
    statement = select(model).order_by(model.name)
    if ids:
        statement = statement.where(model.id.in_(ids))
    return list(session.scalars(statement))


def county_results(session, poll: Poll) -> PollResults:
    """HCPA's view: Hertfordshire, then by district and by service type, every cell under the threshold."""
    minimum = minimum_group()
    counts = _counts(session, poll, None)
    texts = _approved_text(session, poll, None)
    districts = _groups(session, District, id_list(poll.district_ids))
    types = _groups(session, ServiceType, id_list(poll.service_type_ids))
    results = []
    for question in poll.questions:
        mine = {key: value for key, value in counts.items() if key[0] == question.id}
        total = _cell("Hertfordshire", question, list(mine.values()))
        if 0 < total.n < minimum:
            total.hidden = HIDDEN_SMALL
        result = QuestionResult(question, total)
        for title, groups, position in (("By district", districts, 1), ("By service type", types, 2)):
            cells = [_cell(g.name, question, [v for k, v in mine.items() if k[position] == g.id]) for g in groups]
            result.breakdowns.append(Breakdown(title, suppress(cells, minimum, total_shown=total.shown)
                                               if total.shown else _all_hidden(cells)))
        results.append(result)
    return _with_comments(PollResults(poll, minimum, results), texts)


def _all_hidden(cells: list[Cell]) -> list[Cell]:
    for cell in cells:
        if cell.n:
            cell.hidden = HIDDEN_SMALL
    return cells


def _with_comments(results: PollResults, texts: dict[int, list[str]]) -> PollResults:
    """Approved free text for a group whose respondents (to the whole poll) reach the threshold."""
    for result in results.questions:
        if result.question.kind == QuestionKind.free_text:
            result.comment_count = result.total.n
            result.comments_shown = results.shown
            result.comments = texts.get(result.question.id, []) if results.shown else []
    return results


def workplace_results(session, poll: Poll, workplace: Workplace) -> PollResults:
    """A manager's view: their workplace's answers alone, each question under the threshold. Free text
    is shown when the workplace's respondents (to the whole poll) reach the threshold."""
    minimum = minimum_group()
    counts = _counts(session, poll, workplace.id)
    texts = _approved_text(session, poll, workplace.id)
    results = []
    for question in poll.questions:
        total = _cell(workplace.name, question, [v for k, v in counts.items() if k[0] == question.id])
        if 0 < total.n < minimum:
            total.hidden = HIDDEN_SMALL
        results.append(QuestionResult(question, total))
    return _with_comments(PollResults(poll, minimum, results), texts)


EXPORT_HEADER = ("Question", "Breakdown", "Group", "Answers", "Answer", "Count", "Percent of group")


def export_rows(results: PollResults) -> list[list]:
    """The county results as rows for CSV/XLSX: hidden cells say so and give no counts."""
    rows = []
    for result in results.questions:
        question = result.question
        if question.kind == QuestionKind.free_text:
            continue
        groups = [("Hertfordshire", result.total)]
        if result.total.shown:  # a hidden total hides its breakdowns whole (even their empty groups)
            groups += [(b.title.removeprefix("By ").capitalize(), c) for b in result.breakdowns for c in b.cells]
        for breakdown, cell in groups:
            if cell.hidden:
                why = (f"Hidden: fewer than {results.minimum}" if cell.hidden == HIDDEN_SMALL
                       else "Hidden: protects a smaller group")
                rows.append([question.text, breakdown, cell.label, why, "", "", ""])
                continue
            for index, (_, label) in enumerate(question.choices):
                rows.append([question.text, breakdown, cell.label, cell.n, label, cell.counts[index],
                             round(100 * cell.share(index), 1) if cell.n else ""])
    return rows
