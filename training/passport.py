"""The training passport: everything a worker can prove in one record they own, its fingerprint,
and sharing it with a prospective employer by a signed, time-limited link or a short code.

The fingerprint is SHA-256 over a canonical JSON form of the record; the "verify" code is that
fingerprint signed with the app secret (itsdangerous), so anyone can check a printed or shared
passport was issued by this service and whether the record has changed since.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.auth.access import Invalid, NotAllowed, refuse
from academy.auth.models import User
from academy.extensions import add_unless_made, utcnow
from academy.workplaces.models import Employment, Person
from training.induction import counts, current_induction, is_overdue, l2_certificate_prompt_due, standard_names
from training.models import (
    CareCertificateInduction, Passport, PassportShare, Qualification,
)
from training.people import current_employments
from training.qualifications import nmc_renewal_state
from training.records import CourseLine, training_overview

SHARE_DAYS = (1, 7, 14, 30, 90)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I, easy to read out
CODE_LENGTH = 10


@dataclass(frozen=True)
class CareerTier:
    """The Care Professional Academy tier awarded and current at the passport's date."""

    number: int
    name: str
    awarded_on: date
    endorsed_by: str | None
    award_id: int | None = None


def current_tier(session, person: Person, on: date) -> CareerTier | None:
    """The highest tier awarded to `person` by `on` that had not lapsed by then."""
    from academy.tiers.models import Tier, TierAward

    row = session.execute(
        select(TierAward, Tier.name).join(Tier, Tier.number == TierAward.tier_number)
        .options(joinedload(TierAward.endorsed_by))
        .where(TierAward.person_id == person.id, TierAward.awarded_on <= on,
               (TierAward.lapsed_on.is_(None)) | (TierAward.lapsed_on > on))
        .order_by(TierAward.tier_number.desc(), TierAward.awarded_on.desc()).limit(1)).first()
    if row is None:
        return None
    award, name = row
    return CareerTier(award.tier_number, name, award.awarded_on,
                      award.endorsed_by.full_name if award.endorsed_by else None, award.id)


@dataclass
class PassportView:
    """What a passport shows at a date (for the worker, a manager, the shared link and the PDF)."""

    person: Person
    on: date
    employments: list[Employment]
    lines: list[CourseLine]
    qualifications: list[Qualification]
    inductions: list[CareCertificateInduction]
    tier: CareerTier | None = None
    fingerprint: str = ""
    verify_code: str = ""
    check_code: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def induction(self) -> CareCertificateInduction | None:
        return current_induction(self.inductions)

    @property
    def verified_lines(self) -> list[CourseLine]:
        return [line for line in self.lines if line.record is not None and line.record.verified]

    def induction_counts(self):
        return counts(self.induction) if self.induction else None

    def induction_overdue(self) -> bool:
        return self.induction is not None and is_overdue(self.induction, self.on)

    def standard_names(self):
        return standard_names(self.induction) if self.induction else {}

    def nmc_state(self, qualification: Qualification) -> str | None:
        """"current", "due" or "lapsed" for an NMC registration; None for other qualifications."""
        return nmc_renewal_state(qualification, self.on)


def get_or_create_passport(session, person: Person) -> Passport:
    """The person's passport, made on first use (add_unless_made: two first requests at once)."""
    def find():
        return session.scalar(select(Passport).where(Passport.person_id == person.id))

    passport = find()
    if passport is None:  # (by person_id: the backref would move a passport another request made)
        passport = add_unless_made(session, Passport(person_id=person.id), find)
        session.expire(person, ["passport"])
    return passport


def build_view(session, person: Person, on: date | None = None) -> PassportView:
    """Everything on the passport at `on`, with its fingerprint and signed verify code."""
    on = on or date.today()
    employments = current_employments(session, [person.id], on).get(person.id, [])
    lines = training_overview(session, [person], on)[person.id]
    qualifications = list(session.scalars(select(Qualification).options(joinedload(Qualification.verified_by))
                                          .where(Qualification.person_id == person.id)
                                          .order_by(Qualification.level.desc(), Qualification.id)))
    inductions = list(session.scalars(select(CareCertificateInduction)
                                      .where(CareCertificateInduction.person_id == person.id)))
    view = PassportView(person, on, employments, lines, qualifications, inductions,
                        tier=current_tier(session, person, on))
    view.fingerprint = fingerprint(canonical(view))
    passport = get_or_create_passport(session, person)
    view.verify_code = sign_fingerprint(passport, view.fingerprint, on)
    view.check_code = make_check_code(passport, view.fingerprint, on)
    start = min((e.start_date for e in employments), default=None)
    if l2_certificate_prompt_due(start, qualifications, on) and any(e.job_role.care_providing for e in employments):
        view.warnings.append("Six months in post: time to take the Level 2 Adult Social Care Certificate.")
    for q in qualifications:
        state = nmc_renewal_state(q, on)
        if state == "due":
            view.warnings.append(f"NMC registration: renew (revalidate) by {q.renewal_due_on:%-d %B %Y}.")
        elif state == "lapsed":
            view.warnings.append(f"NMC registration: the renewal date, {q.renewal_due_on:%-d %B %Y}, has passed. "
                                 "Check the registration on the NMC register and record the new renewal date.")
    return view


def _when(moment: datetime | None) -> str | None:
    return moment.date().isoformat() if moment else None


def canonical(view: PassportView) -> dict:
    """The passport's content in a fixed form, for its fingerprint (independent of the date viewed,
    so it changes only when the record itself changes)."""
    training = sorted(
        ({"course": line.course.code, "completed_on": r.completed_on.isoformat(),
          "expires_on": r.expires_on.isoformat() if r.expires_on else None,
          "verified_by": r.verified_by.full_name if r.verified_by else None, "verified_on": _when(r.verified_at)}
         for line in view.lines for r in line.history),
        key=lambda item: (item["course"], item["completed_on"], item["expires_on"] or ""))
    qualifications = sorted(
        ({"type": q.qualification_type.name, "title": q.title, "level": q.level, "status": q.status.name,
          "started_on": q.started_on.isoformat() if q.started_on else None,
          "achieved_on": q.achieved_on.isoformat() if q.achieved_on else None,
          "verified_by": q.verified_by.full_name if q.verified_by else None, "verified_on": _when(q.verified_at)}
         for q in view.qualifications), key=lambda item: json.dumps(item, sort_keys=True))
    inductions = sorted(
        ({"version": i.version.value, "started_on": i.started_on.isoformat(),
          "completed_on": i.completed_on.isoformat() if i.completed_on else None,
          "standards": [[p.standard_number, p.state.name,
                         p.signed_off_by.full_name if p.signed_off_by else None] for p in i.standards]}
         for i in view.inductions), key=lambda item: item["version"])
    tier = view.tier and {"number": view.tier.number, "awarded_on": view.tier.awarded_on.isoformat(),
                          "endorsed_by": view.tier.endorsed_by}
    return {"person": view.person.full_name, "person_id": view.person.id, "training": training,
            "qualifications": qualifications, "care_certificate": inductions, "tier": tier}


def fingerprint(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _fingerprint_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="goodcare-passport-fingerprint")


def sign_fingerprint(passport: Passport, digest: str, on: date) -> str:
    return _fingerprint_signer().dumps({"p": passport.id, "f": digest, "d": on.isoformat()})


# --- the check code: 24 letters and numbers a person can type from a printed passport ----------
#
# 120 bits written in CODE_ALPHABET (5 bits a character), shown in groups of four:
#   the first 36 bits of an HMAC-SHA256 of the other three, keyed with the app secret |
#   the fingerprint's first 36 bits | day issued, counted from CHECK_EPOCH (16) | passport id (32 bits).
# (The HMAC first, so no two codes start alike.)
# The HMAC says the service issued it; the fingerprint part says whether the record has changed.

CHECK_EPOCH = date(2020, 1, 1)
CHECK_CODE_LENGTH = 24
_FINGERPRINT_HEX = 9  # 36 bits


def _check_mac(passport_id: int, day: int, fingerprint_part: str) -> int:
    key = hashlib.sha256(b"goodcare-passport-check-code:" + str(current_app.config["SECRET_KEY"]).encode()).digest()
    digest = hmac.new(key, f"{passport_id}:{day}:{fingerprint_part}".encode(), hashlib.sha256).hexdigest()
    return int(digest[:_FINGERPRINT_HEX], 16)


def make_check_code(passport: Passport, digest: str, on: date) -> str:
    """The short code for this passport, record (its fingerprint) and day: "ABCD-EFGH-...", 6 groups of 4."""
    day = (on - CHECK_EPOCH).days
    if not (0 <= day < 2 ** 16 and 0 < passport.id < 2 ** 32):
        return ""  # outside what the code can hold: the long verify code still serves
    part = digest[:_FINGERPRINT_HEX]
    number = (_check_mac(passport.id, day, part) << 84) | (int(part, 16) << 48) | (day << 32) | passport.id
    letters = "".join(CODE_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CHECK_CODE_LENGTH)))
    return "-".join(letters[i:i + 4] for i in range(0, CHECK_CODE_LENGTH, 4))


@dataclass(frozen=True)
class IssuedCode:
    """What a code the service issued says: the passport, the day, and the fingerprint it carried
    (the whole of it, or its first characters for the short check code)."""

    passport_id: int
    issued_on: date
    fingerprint: str


def _read_check_code(code: str) -> IssuedCode | None:
    letters = normalise_code(code)
    if len(letters) != CHECK_CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in letters):
        return None
    number = 0
    for ch in letters:
        number = (number << 5) | CODE_ALPHABET.index(ch)
    passport_id, day = number & (2 ** 32 - 1), (number >> 32) & (2 ** 16 - 1)
    part = f"{(number >> 48) & (2 ** 36 - 1):0{_FINGERPRINT_HEX}x}"
    if not hmac.compare_digest(f"{number >> 84:x}", f"{_check_mac(passport_id, day, part):x}"):
        return None
    return IssuedCode(passport_id, CHECK_EPOCH + timedelta(days=day), part)


def _read_verify_code(code: str) -> IssuedCode | None:
    """The long signed code of earlier PDFs and links (still honoured)."""
    try:
        data = _fingerprint_signer().loads((code or "").strip())
        return IssuedCode(int(data["p"]), date.fromisoformat(data["d"]), str(data["f"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def read_code(code: str) -> IssuedCode | None:
    """The code, if this service issued it: a check code or a long verify code; None otherwise."""
    return _read_check_code(code) or _read_verify_code(code)


@dataclass
class FingerprintCheck:
    genuine: bool
    unchanged: bool = False
    person_name: str | None = None
    issued_on: date | None = None
    person: Person | None = None  # whose passport (for its credentials), when genuine


def check_fingerprint(session, code: str, on: date | None = None) -> FingerprintCheck:
    """Was this code issued by the service, and is the record still the same?"""
    issued = read_code(code)
    passport = session.get(Passport, issued.passport_id) if issued else None
    if passport is None:
        return FingerprintCheck(genuine=False)
    now = build_view(session, passport.person, on)
    return FingerprintCheck(genuine=True, unchanged=now.fingerprint.startswith(issued.fingerprint),
                            person_name=passport.person.full_name, issued_on=issued.issued_on,
                            person=passport.person)


# --- sharing ---------------------------------------------------------------------------------

def _share_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="goodcare-passport-share")


def _hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def share_token(share: PassportShare) -> str:
    """The signed link token: the share and its expiry moment, so the link itself is time-limited."""
    return _share_serializer().dumps({"s": share.id, "e": int(share.expires_at.timestamp())})


def create_share(session, person: Person, shared_with: str, days: int, by: User,
                 now: datetime | None = None) -> tuple[PassportShare, str]:
    """Share the worker's own passport for `days` days. Returns the share and its short code
    (shown once: only its hash is kept)."""
    now = now or utcnow()
    if person.user_id != by.id:
        raise NotAllowed("Only the worker can share their passport")
    shared_with = (shared_with or "").strip()
    if not shared_with:
        raise Invalid("Enter who you are sharing your passport with")
    if len(shared_with) > 200:
        raise Invalid("Who you are sharing with must be 200 characters or fewer")
    if days not in SHARE_DAYS:
        raise Invalid("Choose how long the link should work")
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    share = PassportShare(passport=get_or_create_passport(session, person), shared_with=shared_with,
                          code_hash=_hash_code(code), expires_at=now + timedelta(days=days),
                          created_by_id=by.id)
    session.add(share)
    session.flush()
    return share, code


def get_share_or_404(session, share_id: int, for_user: User) -> PassportShare:
    """One of the worker's own passport links; anyone else's (or none) is a counted 404."""
    share = session.get(PassportShare, share_id)
    if share is None or share.passport.person.user_id != for_user.id:
        refuse(404, for_user, ("PassportShare", share_id))
    return share


def revoke_share(session, share: PassportShare, by: User, now: datetime | None = None) -> PassportShare:
    if share.passport.person.user_id != by.id:
        raise NotAllowed("Only the worker can revoke their passport's links")
    if share.revoked_at is None:
        share.revoked_at = now or utcnow()
        session.flush()
    return share


@dataclass
class ShareOpening:
    share: PassportShare | None
    problem: str | None  # None (fine), "invalid", "expired" or "revoked"

    @property
    def ok(self) -> bool:
        return self.problem is None


def _check_share(share: PassportShare | None, now: datetime) -> ShareOpening:
    if share is None:
        return ShareOpening(None, "invalid")
    if share.revoked_at is not None:
        return ShareOpening(share, "revoked")
    if now >= share.expires_at:
        return ShareOpening(share, "expired")
    return ShareOpening(share, None)


def open_share_token(session, token: str, now: datetime | None = None) -> ShareOpening:
    """Check a shared link: signed by us, not tampered with, not expired, not revoked."""
    now = now or utcnow()
    try:
        data = _share_serializer().loads(token)
        share, expires = session.get(PassportShare, int(data["s"])), int(data["e"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return ShareOpening(None, "invalid")
    if share is not None and expires != int(share.expires_at.timestamp()):
        return ShareOpening(None, "invalid")
    if now.timestamp() >= expires:
        return ShareOpening(share, "expired")
    return _check_share(share, now)


def open_share_code(session, code: str, now: datetime | None = None) -> ShareOpening:
    now = now or utcnow()
    if len(normalise_code(code)) != CODE_LENGTH:
        return ShareOpening(None, "invalid")
    share = session.scalar(select(PassportShare).where(PassportShare.code_hash == _hash_code(code)))
    return _check_share(share, now)


def record_opening(session, share: PassportShare, now: datetime | None = None) -> None:
    now = now or utcnow()
    share.first_opened_at = share.first_opened_at or now
    share.last_opened_at = now
    share.open_count = (share.open_count or 0) + 1
    session.flush()


def shares_of(session, person: Person) -> list[PassportShare]:
    return list(session.scalars(select(PassportShare).join(Passport).where(Passport.person_id == person.id)
                                .order_by(PassportShare.created_at.desc(), PassportShare.id.desc())))


def share_status(share: PassportShare, now: datetime | None = None) -> str:
    return _check_share(share, now or utcnow()).problem or "active"

