"""Demo data for development: realistic Hertfordshire workplaces, staff, vacancies, one user per role.

Idempotent: running it again adds nothing that is already there (matched by name or email).
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pyotp
from sqlalchemy import func, select

from academy.auth.models import Role, User
from academy.demo_workforce import add_workplace_history
from academy.extensions import utcnow
from academy.workplaces.models import (
    ContractType, CqcRating, District, Employment, JobRole, Person, Provider, ServiceType, Vacancy, Workplace,
)
from academy.workplaces.reference import seed_reference_data

# (workplace name, provider, district, service type code, town, postcode, beds or None)
DEMO_WORKPLACES = [
    ("Ashbrook Nursing Home", "Ashbrook Care Group", "Broxbourne", "nursing_home", "Cheshunt", "EN8 9AB", 62),
    ("Lea Valley Lodge", "Riverside Living", "Broxbourne", "residential_older_people", "Hoddesdon", "EN11 8BE", 38),
    ("Broxbourne Home Support", "Hertfordshire Homecare Partnership", "Broxbourne", "homecare", "Broxbourne", "EN10 7AA", None),
    ("Gade House", "Chiltern Care Homes", "Dacorum", "residential_older_people", "Hemel Hempstead", "HP1 1DL", 45),
    ("Berkhamsted Court Nursing Centre", "Ashbrook Care Group", "Dacorum", "nursing_home", "Berkhamsted", "HP4 2DH", 70),
    ("Tring Supported Living", "Open Door Support", "Dacorum", "disabled_adults_supported_living", "Tring", "HP23 4AF", None),
    ("Dacorum Care at Home", "Hertfordshire Homecare Partnership", "Dacorum", "homecare", "Hemel Hempstead", "HP2 4NW", None),
    ("Priory View", "Riverside Living", "East Hertfordshire", "residential_older_people", "Hertford", "SG14 1BY", 40),
    ("Stort Valley Nursing Home", "Meadowbank Healthcare", "East Hertfordshire", "nursing_home", "Bishop's Stortford", "CM23 2ER", 58),
    ("Ware Community Mental Health House", "Horizon Mental Health Trust", "East Hertfordshire", "mental_health", "Ware", "SG12 9HY", 12),
    ("Sawbridgeworth Homecare", "Caring Hands Herts", "East Hertfordshire", "homecare", "Sawbridgeworth", "CM21 9JX", None),
    ("Elstree Manor", "Chiltern Care Homes", "Hertsmere", "residential_older_people", "Borehamwood", "WD6 1JN", 52),
    ("Potters Bar Nursing Centre", "Meadowbank Healthcare", "Hertsmere", "nursing_home", "Potters Bar", "EN6 2JD", 66),
    ("Bushey Supported Living", "Open Door Support", "Hertsmere", "disabled_adults_supported_living", "Bushey", "WD23 3HH", None),
    ("Hitchin Care at Home", "Caring Hands Herts", "North Hertfordshire", "homecare", "Hitchin", "SG5 1JW", None),
    ("Letchworth Gardens Care Home", "Garden City Care", "North Hertfordshire", "residential_older_people", "Letchworth Garden City", "SG6 3BZ", 44),
    ("Royston Heath Nursing Home", "Meadowbank Healthcare", "North Hertfordshire", "nursing_home", "Royston", "SG8 7AB", 48),
    ("Baldock Recovery House", "Horizon Mental Health Trust", "North Hertfordshire", "mental_health", "Baldock", "SG7 6AS", 10),
    ("Verulam House", "Abbey Care Homes", "St Albans", "residential_older_people", "St Albans", "AL1 3JE", 50),
    ("Harpenden Nursing Home", "Abbey Care Homes", "St Albans", "nursing_home", "Harpenden", "AL5 2TA", 64),
    ("St Albans Home Care", "Hertfordshire Homecare Partnership", "St Albans", "homecare", "St Albans", "AL3 5NQ", None),
    ("London Colney Supported Living", "Open Door Support", "St Albans", "disabled_adults_supported_living", "London Colney", "AL2 1PG", None),
    ("Fairlands Care Home", "Garden City Care", "Stevenage", "residential_older_people", "Stevenage", "SG1 3AD", 42),
    ("Stevenage Old Town Nursing Home", "Meadowbank Healthcare", "Stevenage", "nursing_home", "Stevenage", "SG1 3BJ", 55),
    ("Stevenage Home Support", "Caring Hands Herts", "Stevenage", "homecare", "Stevenage", "SG2 8RB", None),
    ("Shephall Mental Health Service", "Horizon Mental Health Trust", "Stevenage", "mental_health", "Stevenage", "SG2 9PX", 14),
    ("Rickmansworth Grange", "Chiltern Care Homes", "Three Rivers", "residential_older_people", "Rickmansworth", "WD3 1HP", 36),
    ("Chorleywood Nursing Home", "Ashbrook Care Group", "Three Rivers", "nursing_home", "Chorleywood", "WD3 5EA", 46),
    ("Abbots Langley Homecare", "Hertfordshire Homecare Partnership", "Three Rivers", "homecare", "Abbots Langley", "WD5 0AR", None),
    ("Cassiobury Court", "Riverside Living", "Watford", "residential_older_people", "Watford", "WD17 3AA", 60),
    ("Watford Nursing and Rehabilitation", "Ashbrook Care Group", "Watford", "nursing_home", "Watford", "WD18 0NA", 72),
    ("Oxhey Supported Living", "Open Door Support", "Watford", "disabled_adults_supported_living", "Watford", "WD19 4NT", None),
    ("Watford Community Mental Health Home", "Horizon Mental Health Trust", "Watford", "mental_health", "Watford", "WD24 4JH", 16),
    ("Welwyn Garden City Care Home", "Garden City Care", "Welwyn Hatfield", "residential_older_people", "Welwyn Garden City", "AL8 6HA", 48),
    ("Hatfield House Nursing Home", "Abbey Care Homes", "Welwyn Hatfield", "nursing_home", "Hatfield", "AL10 0NS", 58),
    ("Welwyn Hatfield Home Care", "Caring Hands Herts", "Welwyn Hatfield", "homecare", "Hatfield", "AL10 8BX", None),
    ("Hatfield Supported Living", "Open Door Support", "Welwyn Hatfield", "disabled_adults_supported_living", "Hatfield", "AL9 5JP", None),
    ("Knebworth Lodge", "Garden City Care", "North Hertfordshire", "disabled_adults_supported_living", "Knebworth", "SG3 6AB", None),
    ("Cheshunt Mental Health Support", "Horizon Mental Health Trust", "Broxbourne", "mental_health", "Cheshunt", "EN8 0LS", 12),
    ("Radlett Home Care", "Caring Hands Herts", "Hertsmere", "homecare", "Radlett", "WD7 8HL", None),
]

FIRST_NAMES = ["Aisha", "Ben", "Chloe", "Daniel", "Efua", "Fatima", "George", "Hannah", "Imran", "Jade",
               "Kwame", "Laura", "Mohammed", "Nadia", "Oliver", "Priya", "Ruth", "Samuel", "Tendai", "Uma",
               "Victoria", "Wiktor", "Yasmin", "Zoe", "Ama", "Callum", "Deepa", "Ewa", "Joseph", "Maria"]
LAST_NAMES = ["Adeyemi", "Brown", "Clarke", "Dimitrova", "Evans", "Fernandes", "Green", "Hussain", "Ivanova",
              "Jones", "Khan", "Lewis", "Mensah", "Nowak", "Okafor", "Patel", "Quinn", "Roberts", "Singh",
              "Thomas", "Uddin", "Walker", "Wright", "Young", "Zielinski", "Ali", "Begum", "Chen", "Davies", "Moyo"]

DEMO_USERS = [
    ("admin@demo.goodcare.example", "Alex Administrator", Role.admin),
    ("hcpa@demo.goodcare.example", "Harriet Officer", Role.hcpa_staff),
    ("hcpa2@demo.goodcare.example", "Hari Reviewer", Role.hcpa_staff),
    ("manager@demo.goodcare.example", "Morgan Manager", Role.manager),
    ("careworker@demo.goodcare.example", "Casey Carer", Role.care_worker),
    ("applicant@demo.goodcare.example", "Amal Applicant", Role.applicant),
]
MANAGER_WORKPLACES = ("Verulam House", "St Albans Home Care")
# Seeds each workplace's history (academy/demo_workforce.py). Chosen, among the first 300, for
# month-end figures over the year near the county's published ones: with 40 registered managers a
# few leavers more or less move their turnover by 10 points.
HISTORY_SEED = "goodcare-demo198"


@dataclass
class DemoResult:
    workplaces: int = 0
    staff: int = 0
    vacancies: int = 0
    applications: int = 0  # added by this run
    new_workplaces: int = 0  # added by this run (`workplaces` is the total)
    passwords: dict[str, str] = field(default_factory=dict)
    # Authenticator keys of the staff accounts (two-step sign-in is required for their roles).
    authenticator_keys: dict[str, str] = field(default_factory=dict)

    @property
    def added_anything(self) -> bool:
        """Did this run add workplaces, applications or demo users (a new password is a new user)?"""
        return bool(self.new_workplaces or self.applications or self.passwords)

    def sign_in_lines(self, development: bool) -> list[str]:
        """The demo sign-ins to print: email, password and authenticator key. Development only."""
        if not development:
            return []
        lines = []
        for email in dict.fromkeys([*self.passwords, *self.authenticator_keys]):
            password = self.passwords.get(email, "(unchanged)")
            key = self.authenticator_keys.get(email)
            lines.append(f"  {email:40} {password:28} {'authenticator key: ' + key if key else ''}".rstrip())
        return lines


def seed_demo_data(session, new_passwords: bool = False, today: date | None = None) -> DemoResult:
    today = today or date.today()
    seed_reference_data(session)
    rng = random.Random(2026)
    districts = {d.name: d for d in session.scalars(select(District))}
    types = {t.code: t for t in session.scalars(select(ServiceType))}
    roles = {r.code: r for r in session.scalars(select(JobRole))}
    result = DemoResult()

    existing = {w.name: w for w in session.scalars(select(Workplace))}
    providers = {p.name: p for p in session.scalars(select(Provider))}
    for index, (name, provider_name, district, type_code, town, postcode, beds) in enumerate(DEMO_WORKPLACES):
        if name in existing:
            continue
        provider = providers.get(provider_name) or Provider(name=provider_name)
        providers[provider_name] = provider
        workplace = Workplace(
            name=name, provider=provider, address_line_1=f"{10 + index} {town} Road", town=town,
            postcode=postcode, district=districts[district], service_type=types[type_code],
            cqc_location_id=f"1-{100000000 + index * 7919}", beds=beds,
            care_hours_per_week=None if beds else rng.randrange(800, 4000, 50),
            cqc_rating=rng.choice([CqcRating.good, CqcRating.good, CqcRating.outstanding,
                                   CqcRating.requires_improvement]),
            care_standard_signed=rng.random() < 0.6,
        )
        session.add(workplace)
        existing[name] = workplace
        # Its own seeded generator, so one workplace's history does not depend on the others'.
        add_workplace_history(session, workplace, roles, _demo_name, random.Random(f"{HISTORY_SEED} {name}"), today)
        result.new_workplaces += 1
    session.flush()

    for email, full_name, role in DEMO_USERS:
        user = session.scalar(select(User).where(User.email == email))
        if user is None or new_passwords:
            password = "-".join(secrets.choice(_WORDS) for _ in range(3)) + str(secrets.randbelow(90) + 10)
            if user is None:
                user = User(email=email, full_name=full_name, role=role, email_confirmed_at=utcnow())
                session.add(user)
            user.set_password(password)
            result.passwords[email] = password
        if role in (Role.hcpa_staff, Role.admin) and (new_passwords or not user.two_step_enabled):
            user.totp_secret = pyotp.random_base32()
            user.two_step_enabled_at = utcnow()
            result.authenticator_keys[email] = user.totp_secret
        if role == Role.manager:
            for name in MANAGER_WORKPLACES:
                if existing[name] not in user.workplaces:
                    user.workplaces.append(existing[name])
        if role == Role.care_worker and user.person is None:
            person = Person(full_name=full_name, email=email, user=user)
            session.add(Employment(person=person, workplace=existing["Verulam House"],
                                   job_role=roles["care_worker"], contract_type=ContractType.permanent,
                                   hours_per_week=Decimal("37.5"), start_date=today - timedelta(days=400)))
    session.flush()
    from recruitment.demo import seed_recruitment_demo

    users = {u.email: u for u in session.scalars(select(User).where(User.email.in_([e for e, _, _ in DEMO_USERS])))}
    result.applications = seed_recruitment_demo(session, users["hcpa@demo.goodcare.example"],
                                                users["applicant@demo.goodcare.example"], today)
    session.flush()
    _seed_training(session, today)
    result.staff = session.scalar(select(func.count(Employment.id)).where(Employment.leaving_date.is_(None)))
    result.vacancies = session.scalar(select(func.count(Vacancy.id)).where(Vacancy.closed_on.is_(None)))
    result.workplaces = session.scalar(select(func.count(Workplace.id)))
    return result


def _demo_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _seed_training(session, today: date) -> None:
    """Training passports, records and inductions for the demo care worker and staff; their tiers,
    awards and thanks, and the benefits catalogue with Verulam House's staff's use of it."""
    from training.demo import seed_demo_training

    users = {u.email: u for u in session.scalars(select(User).where(User.email.in_([e for e, _, _ in DEMO_USERS])))}
    seed_demo_training(session, users["careworker@demo.goodcare.example"], users["manager@demo.goodcare.example"], today)
    from academy.tiers.demo import seed_demo_tiers

    seed_demo_tiers(session, users["careworker@demo.goodcare.example"], users["manager@demo.goodcare.example"], today)
    from academy.recognition.demo import seed_demo_recognition

    seed_demo_recognition(session, users["careworker@demo.goodcare.example"], users["manager@demo.goodcare.example"],
                          today)
    from academy.benefits.demo import seed_demo_benefits

    seed_demo_benefits(session, users["careworker@demo.goodcare.example"], today)
    from academy.voice.demo import seed_demo_voice

    seed_demo_voice(session, users["hcpa@demo.goodcare.example"], users["manager@demo.goodcare.example"], today)


_WORDS = ["meadow", "harbour", "lantern", "orchard", "pebble", "willow", "copper", "thistle", "beacon",
          "marble", "saffron", "kettle", "juniper", "anchor", "velvet", "timber", "sparrow", "quartz"]
