"""HCPA's benefits catalogue: add, change and withdraw benefits, each with who it is for and how
to claim. Plain functions taking `session` first; they raise `BenefitProblem` (an Invalid naming
the form field) or NotAllowed, and flush, never commit."""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from academy.auth.access import Invalid, NotAllowed, get_record_for_roles_or_404
from academy.auth.models import Role, User
from academy.benefits.models import Benefit, BenefitKind, BenefitUse
from academy.extensions import utcnow
from academy.workplaces.models import JobRole

RUNS_CATALOGUE = (Role.hcpa_staff,)
TOP_TIER = 5
LINK_ADVICE = "Enter a web address that starts with https://, like https://www.example.org/offer"


class BenefitProblem(Invalid):
    """A benefit refused; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass
class BenefitValues:
    """What HCPA typed for a benefit (the form's data, checked by `save_benefit`)."""

    title: str = ""
    kind: str = ""
    description: str = ""
    how_to_claim: str = ""
    claim_url: str | None = None
    min_tier: int | None = None
    job_role_ids: list[int] = field(default_factory=list)
    member_provider_only: bool = False
    opens_on: date | None = None
    closes_on: date | None = None


def _require_hcpa(user: User) -> None:
    if user.role not in RUNS_CATALOGUE:
        raise NotAllowed("Only HCPA staff can change the benefits catalogue")


def catalogue_query():
    """Every benefit, live and withdrawn alike, by title (for HCPA's paginated list)."""
    return (select(Benefit).options(selectinload(Benefit.job_roles))
            .order_by(Benefit.withdrawn_at.is_not(None), func.lower(Benefit.title), Benefit.id))


def use_totals(session, benefit_ids: list[int]) -> dict[int, int]:
    """How many members said they used each benefit (HCPA's figures, county-wide), one query."""
    if not benefit_ids:
        return {}
    return dict(session.execute(select(BenefitUse.benefit_id, func.count(func.distinct(BenefitUse.person_id)))
                                .where(BenefitUse.benefit_id.in_(benefit_ids)).group_by(BenefitUse.benefit_id)).all())


def get_benefit_or_404(session, benefit_id: int, for_user: User) -> Benefit:
    """A benefit for HCPA staff (who see the whole catalogue); anyone else is refused."""
    return get_record_for_roles_or_404(session, benefit_id, for_user, model=Benefit, roles=RUNS_CATALOGUE)


def job_roles(session) -> list[JobRole]:
    return list(session.scalars(select(JobRole).order_by(JobRole.name)))


def clean_claim_url(value: str | None) -> str | None:
    """An optional https:// link to claim the benefit: no other scheme, no spaces, a real host name."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > 500:
        raise BenefitProblem("The web address must be 500 characters or fewer", "claim_url")
    if any(ch in string.whitespace or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise BenefitProblem(LINK_ADVICE, "claim_url")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise BenefitProblem(LINK_ADVICE, "claim_url") from None
    host = parts.hostname or ""
    if parts.scheme.lower() != "https" or "." not in host or parts.username or parts.password \
            or not all(label for label in host.split(".")):
        raise BenefitProblem(LINK_ADVICE, "claim_url")
    return value


def _text(value: str | None, field_name: str, what: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise BenefitProblem(f"Enter {what}", field_name)
    if len(value) > limit:
        raise BenefitProblem(f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer", field_name)
    return value


def _checked(session, values: BenefitValues, today: date, new: bool) -> dict:
    title = _text(values.title, "title", "the benefit's name", 120)
    kind = BenefitKind.__members__.get(values.kind or "")
    if kind is None:
        raise BenefitProblem("Select what kind of benefit it is", "kind")
    description = _text(values.description, "description", "what the benefit is", 3000)
    how_to_claim = _text(values.how_to_claim, "how_to_claim", "how to claim it", 3000)
    claim_url = clean_claim_url(values.claim_url)
    min_tier = values.min_tier or None
    if min_tier is not None and not 1 <= min_tier <= TOP_TIER:
        raise BenefitProblem("Select a tier from the list", "min_tier")
    role_ids = sorted(set(values.job_role_ids or []))
    roles = list(session.scalars(select(JobRole).where(JobRole.id.in_(role_ids)))) if role_ids else []
    if len(roles) != len(role_ids):
        raise BenefitProblem("Select job roles from the list", "job_role_ids")
    if values.closes_on is not None and values.opens_on is not None and values.closes_on < values.opens_on:
        raise BenefitProblem("The closing date must be the same as or after the opening date", "closes_on")
    if new and values.closes_on is not None and values.closes_on < today:
        raise BenefitProblem("The closing date must be today or in the future", "closes_on")
    return {"title": title, "kind": kind, "description": description, "how_to_claim": how_to_claim,
            "claim_url": claim_url, "min_tier": min_tier, "job_roles": roles,
            "member_provider_only": bool(values.member_provider_only), "opens_on": values.opens_on,
            "closes_on": values.closes_on}


def save_benefit(session, values: BenefitValues, by: User, benefit: Benefit | None = None,
                 today: date | None = None) -> tuple[Benefit, list[str]]:
    """Add (benefit=None) or change a benefit; returns it and the names of the fields that changed."""
    _require_hcpa(by)
    checked = _checked(session, values, today or date.today(), new=benefit is None)
    if benefit is None:
        benefit = Benefit(**checked)
        session.add(benefit)
        changed = sorted(checked)
    else:
        changed = sorted(name for name, value in checked.items() if getattr(benefit, name) != value)
        for name in changed:
            setattr(benefit, name, checked[name])
    session.flush()
    return benefit, changed


def withdraw(session, benefit: Benefit, by: User) -> Benefit:
    """Take a benefit out of members' lists (it stays in the catalogue, marked withdrawn)."""
    _require_hcpa(by)
    if benefit.withdrawn_at is not None:
        raise Invalid(f"{benefit.title} is already withdrawn")
    benefit.withdrawn_at = utcnow()
    session.flush()
    return benefit


def values_of(benefit: Benefit) -> BenefitValues:
    """A benefit's values, to fill the change form."""
    return BenefitValues(benefit.title, benefit.kind.name, benefit.description, benefit.how_to_claim,
                         benefit.claim_url, benefit.min_tier, [role.id for role in benefit.job_roles],
                         benefit.member_provider_only, benefit.opens_on, benefit.closes_on)
