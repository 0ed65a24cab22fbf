"""The quarterly pulse as an outcome series: the share of members answering 4 or 5 to "How are you
finding work?" (numerator) of those who answered (denominator), per quarter, for a scope of the
outcomes dashboard (the county, a district, a service type, a manager's workplace).

Under the anonymity threshold like every result: a district's or service type's figure is taken
from the whole breakdown after suppression (academy.voice.results.suppress), so a figure hidden in
one scope cannot be worked out from the county and the other scopes shown one at a time."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from academy.voice.models import Poll, PollAnswer, PollKind, PollStatus
from academy.voice.results import Cell, minimum_group, suppress

QUARTERS_SHOWN = 4
GOOD = 4  # 4 or 5 on the 1-5 scale


@dataclass
class PulsePoint:
    quarter: str
    numerator: int | None  # None: hidden (fewer answers than the threshold, or to protect such a group)
    denominator: int | None

    @property
    def share(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass
class PulseSeries:
    scope_name: str
    points: list[PulsePoint]  # oldest quarter first


def closed_pulses(session, today: date | None = None, quarters: int = QUARTERS_SHOWN) -> list[Poll]:
    """The latest closed quarterly pulses, oldest first."""
    today = today or date.today()
    polls = [p for p in session.scalars(select(Poll).where(Poll.kind == PollKind.pulse, Poll.pulse_quarter.is_not(None),
                                                           Poll.status != PollStatus.draft)
                                        .order_by(Poll.pulse_quarter.desc())) if p.has_closed(today)]
    return list(reversed(polls[:quarters]))


def _by_group(session, poll_ids: list[int], workplace_id: int | None = None):
    """{poll_id: {(district_id, service_type_id): (good, answers)}} in one query."""
    statement = (select(PollAnswer.poll_id, PollAnswer.district_id, PollAnswer.service_type_id,
                        func.sum(case((PollAnswer.choice >= GOOD, 1), else_=0)), func.count())
                 .where(PollAnswer.poll_id.in_(poll_ids), PollAnswer.choice.is_not(None))
                 .group_by(PollAnswer.poll_id, PollAnswer.district_id, PollAnswer.service_type_id))
    if workplace_id is not None:
        statement = statement.where(PollAnswer.workplace_id == workplace_id)
    groups: dict[int, dict] = defaultdict(dict)
    for poll_id, district_id, service_type_id, good, answers in session.execute(statement):
        groups[poll_id][(district_id, service_type_id)] = (int(good or 0), answers)
    return groups


def _point(quarter: str, good: int, answers: int, hidden: bool) -> PulsePoint:
    return PulsePoint(quarter, None, None) if hidden or answers == 0 else PulsePoint(quarter, good, answers)


def _scope_point(quarter: str, groups: dict, scope, minimum: int) -> PulsePoint:
    total_good = sum(g for g, _ in groups.values())
    total = sum(n for _, n in groups.values())
    if scope.type in ("county", "workplace"):
        return _point(quarter, total_good, total, total < minimum)
    position = 0 if scope.type == "district" else 1
    cells: dict[int, Cell] = {}
    for key, (good, answers) in groups.items():
        cell = cells.setdefault(key[position], Cell(str(key[position]), [0, 0]))
        cell.counts[0] += answers - good
        cell.counts[1] += good
    suppress(list(cells.values()), minimum, total_shown=total >= minimum)
    if total < minimum:
        return PulsePoint(quarter, None, None)
    cell = cells.get(scope.id)
    if cell is None:
        return PulsePoint(quarter, 0, 0)
    return _point(quarter, cell.counts[1], cell.n, cell.hidden is not None)


def pulse_series(session, scopes, today: date | None = None) -> list[PulseSeries]:
    """One series per dashboard scope (objects with .type, .id, .name), the last four closed quarters."""
    polls = closed_pulses(session, today)
    if not polls:
        return []
    minimum = minimum_group()
    county = _by_group(session, [p.id for p in polls])
    series = []
    for scope in scopes:
        groups = _by_group(session, [p.id for p in polls], scope.id) if scope.type == "workplace" else county
        series.append(PulseSeries(scope.name, [_scope_point(p.pulse_quarter, groups.get(p.id, {}), scope, minimum)
                                               for p in polls]))
    return series
