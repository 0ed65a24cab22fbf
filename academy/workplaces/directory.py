"""Finding, adding, editing and deactivating workplaces, scoped to who is asking."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from academy.auth.access import Invalid, NotAllowed, refuse
from academy.auth.models import Role, User
from academy.workplaces.models import CqcRating, District, Provider, ServiceType, Workplace, workplace_managers

WORKPLACE_FIELDS = ("name", "cqc_location_id", "address_line_1", "address_line_2", "town", "postcode",
                    "district_id", "service_type_id", "care_standard_signed", "beds", "care_hours_per_week")
# What the regulator and the council say about a workplace, not the workplace itself: only HCPA
# staff and admins set them (a manager may not raise their own CQC rating or change their provider).
# Whether the workplace is an HCPA member (which some CPA member benefits need) is HCPA's to say too.
STAFF_ONLY_FIELDS = ("provider_name", "cqc_rating", "hcpa_member")


def may_set_regulatory_fields(user: User | None) -> bool:
    return user is not None and user.role in (Role.hcpa_staff, Role.admin)


@dataclass
class WorkplaceFilters:
    district_id: int | None = None
    service_type_id: int | None = None
    search: str = ""
    include_inactive: bool = False


def workplaces_query(filters: WorkplaceFilters):
    statement = select(Workplace).order_by(Workplace.name, Workplace.id)
    if not filters.include_inactive:
        statement = statement.where(Workplace.is_active)
    if filters.district_id:
        statement = statement.where(Workplace.district_id == filters.district_id)
    if filters.service_type_id:
        statement = statement.where(Workplace.service_type_id == filters.service_type_id)
    if filters.search:
        statement = statement.where(Workplace.name.ilike(f"%{filters.search}%"))
    return statement


def managed_workplaces(session, user: User) -> list[Workplace]:
    return list(session.scalars(
        select(Workplace).join(workplace_managers).where(workplace_managers.c.user_id == user.id)
        .order_by(Workplace.name)
    ))


def can_see_workplace(user: User, workplace: Workplace) -> bool:
    if user.role in (Role.hcpa_staff, Role.admin):
        return True
    return user.role == Role.manager and any(w.id == workplace.id for w in user.workplaces)


def get_workplace_or_404(session, workplace_id: int, for_user: User) -> Workplace:
    """The workplace if this user may see it; 404 otherwise (never reveal that it exists)."""
    workplace = session.get(Workplace, workplace_id)
    if workplace is None or not can_see_workplace(for_user, workplace):
        refuse(404, for_user, ("Workplace", workplace_id))
    return workplace


def reference_lists(session) -> tuple[list[District], list[ServiceType]]:
    return (list(session.scalars(select(District).order_by(District.name))),
            list(session.scalars(select(ServiceType).order_by(ServiceType.id))))


def _provider_named(session, name: str) -> Provider:
    provider = session.scalar(select(Provider).where(Provider.name == name))
    if provider is None:
        provider = Provider(name=name)
        session.add(provider)
    return provider


def save_workplace(session, values: dict, workplace: Workplace | None = None, by: User | None = None) -> Workplace:
    """Create (workplace=None) or update a workplace from form values. Raises Invalid on a clash.

    The provider and CQC rating change only when `by` is HCPA staff or an admin; for anyone else
    (a manager editing their own workplace) those values are ignored and the saved ones kept."""
    regulatory = may_set_regulatory_fields(by)
    if workplace is None and not regulatory:
        raise NotAllowed("Only HCPA staff can add a workplace")
    cqc_id = values.get("cqc_location_id") or None
    if cqc_id:
        clash = session.scalar(select(Workplace).where(Workplace.cqc_location_id == cqc_id))
        if clash is not None and clash is not workplace:
            raise Invalid(f"Another workplace ({clash.name}) already has CQC location ID {cqc_id}")
    if session.get(District, values["district_id"]) is None or session.get(ServiceType, values["service_type_id"]) is None:
        raise Invalid("Choose a district and service type from the lists")
    provider = _provider_named(session, values["provider_name"]) if regulatory else None
    with session.no_autoflush:
        if workplace is None:
            workplace = Workplace()
            session.add(workplace)
        for field in WORKPLACE_FIELDS:
            setattr(workplace, field, values.get(field) if values.get(field) != "" else None)
        workplace.cqc_location_id = cqc_id
        if regulatory:
            workplace.cqc_rating = CqcRating[values.get("cqc_rating") or "not_yet_rated"]
            workplace.provider = provider
            workplace.hcpa_member = bool(values.get("hcpa_member"))
    session.flush()
    return workplace


def set_active(session, workplace: Workplace, active: bool) -> None:
    workplace.is_active = active
    session.flush()
