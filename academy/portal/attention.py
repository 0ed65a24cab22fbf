"""What needs a workplace manager's attention today, for the top of the portal summary: each item a
count and a link to the page that deals with it.

- referrals waiting: referrals to this workplace's vacancies still "Waiting for the manager"
  (the referrals page);
- training expired or expiring within 30 days: mandatory training lines of staff in post
  (training.records' states; the training-needs plan lists them with their due dates);
- inductions past 12 weeks: care-providing staff in post whose Care Certificate is not complete 12
  weeks on: an induction past its target, or none started 12 weeks after they started in post (the
  inductions page; the same rule as the training-needs plan);
- endorsements waiting: staff in post who meet a career tier above the one they hold (the
  endorsements page; managers only, and never the viewer's own record).

Built from what the summary has already read (staff_training, the tier evaluations) plus one
count query: a fixed number of queries whatever the number of staff.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from academy.auth.models import Role
from academy.portal.matrix import StaffTraining
from academy.workplaces.models import Vacancy, Workplace
from recruitment.models import Referral, ReferralStatus
from training.induction import TARGET_WEEKS
from training.records import TrainingState

EXPIRING_SOON_DAYS = 30


@dataclass
class AttentionItem:
    key: str
    count: int
    text: str  # says the count in words: "2 referrals waiting for your decision"
    endpoint: str | None  # the page that deals with it (None when the viewer cannot open it)
    args: dict = field(default_factory=dict)  # its URL's arguments (the page builds the link)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def referrals_waiting(session, workplace: Workplace) -> int:
    return session.scalar(select(func.count(Referral.id)).join(Referral.vacancy)
                          .where(Vacancy.workplace_id == workplace.id, Referral.status == ReferralStatus.sent))


def training_due(data: StaffTraining, today: date) -> int:
    """Mandatory lines of staff in post expired, or expiring within EXPIRING_SOON_DAYS."""
    soon = today + timedelta(days=EXPIRING_SOON_DAYS)
    return sum(1 for lines in data.lines.values() for line in lines.values()
               if line.state == TrainingState.expired
               or (line.state == TrainingState.expiring and line.record.expires_on <= soon))


def inductions_past_target(data: StaffTraining, today: date) -> int:
    """Care-providing staff in post without a completed Care Certificate 12 weeks on."""
    count = 0
    for member in data.staff:
        if not any(role.care_providing for role in member.roles):
            continue
        induction = data.inductions.get(member.person.id)
        if induction is None:
            count += member.start_date + timedelta(weeks=TARGET_WEEKS) < today
        elif induction.completed_on is None:
            count += induction.target_on < today
    return count


def endorsements_waiting(data: StaffTraining, evaluations: dict | None, viewer) -> int:
    if not evaluations:
        return 0
    viewer_id = getattr(viewer, "id", None)
    return sum(1 for member in data.staff
               if member.person.user_id != viewer_id and evaluations[member.person.id].awaiting_endorsement)


def needs_attention(session, workplace: Workplace, viewer, today: date, data: StaffTraining,
                    evaluations: dict | None) -> list[AttentionItem]:
    """The four items, each with its count and link, in the order a manager deals with them."""
    is_manager = viewer is not None and getattr(viewer, "role", None) == Role.manager
    referrals = referrals_waiting(session, workplace)
    training = training_due(data, today)
    inductions = inductions_past_target(data, today)
    here = {"workplace_id": workplace.id}
    items = [
        AttentionItem("referrals", referrals, _plural(referrals, "referral", "referrals") + " waiting for your decision",
                      "portal.referrals_list", here),
        AttentionItem("training", training,
                      _plural(training, "mandatory course", "mandatory courses")
                      + f" expired or expiring within {EXPIRING_SOON_DAYS} days, across your staff",
                      "portal.training_needs", here),
        AttentionItem("inductions", inductions,
                      _plural(inductions, "Care Certificate induction", "Care Certificate inductions")
                      + f" past {TARGET_WEEKS} weeks",
                      "portal.inductions", here),
    ]
    if evaluations is not None:
        endorsements = endorsements_waiting(data, evaluations, viewer)
        items.append(AttentionItem("endorsements", endorsements,
                                   _plural(endorsements, "career tier", "career tiers") + " waiting for endorsement",
                                   "tiers.endorsements" if is_manager else None))
    return items
