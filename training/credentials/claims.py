"""What a credential about each kind of passport item says, and which items can be issued.

Four kinds of passport item can be issued to their holder: a verified training record, a verified
achieved qualification, a completed Care Certificate (its standards as alignments) and a current
career tier (aligned to its Care Workforce Pathway category). `claim_for` says what a credential
about an item states, or None when the item cannot be issued (not verified, not achieved, not
completed, lapsed). The SHA-256 of the claim is kept with the issued credential: when the item
changes, its claim does too, and the old credential is revoked as corrected (status.py).

Dates: training is valid up to the day before it expires (training/records.py), so `validUntil` is
the first moment of the expiry day, UK time, written in UTC.
"""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from training.catalogue import standards
from training.credentials.models import CredentialKind, RevocationReason
from training.models import (
    CareCertificateInduction, CareCertificateStandardProgress, CertificateVersion, Qualification,
    QualificationStatus, QualificationType, TrainingRecord,
)

CARE_CERTIFICATE_URL = "https://www.skillsforcare.org.uk/Developing-your-workforce/Care-Certificate/Care-Certificate.aspx"
CARE_CERTIFICATE_STANDARDS_URL = ("https://www.skillsforcare.org.uk/Developing-your-workforce/Care-Certificate/"
                                  "Care-Certificate-standards.aspx")
CARE_WORKFORCE_PATHWAY_URL = "https://www.gov.uk/government/publications/care-workforce-pathway-for-adult-social-care"


def _day(day) -> str | None:
    return day.isoformat() if day else None


def _standard_alignment(version: CertificateVersion, number: int, name: str) -> dict:
    return {"type": ["Alignment"], "targetName": f"Standard {number}: {name}", "targetCode": str(number),
            "targetFramework": f"Care Certificate ({version.value} standards)",
            "targetUrl": CARE_CERTIFICATE_STANDARDS_URL}


# --- what a credential about each kind of item says ---------------------------------------

def _training_claim(record: TrainingRecord) -> dict | None:
    if not record.verified:
        return None
    course = record.course
    alignments = []
    if course.care_certificate_standard:
        name = standards(CertificateVersion.v2025).get(course.care_certificate_standard, "")
        alignments.append(_standard_alignment(CertificateVersion.v2025, course.care_certificate_standard, name))
    narrative = f"Completed {course.name} on {record.completed_on:%-d %B %Y}"
    narrative += f" with {record.training_provider}." if record.training_provider else "."
    if record.certificate_reference:
        narrative += f" Certificate reference {record.certificate_reference}."
    return {
        "achievement": {"key": f"course/{course.code}", "type": "Course", "name": course.name,
                        "description": f"{course.category.value} training in adult social care: {course.name}.",
                        "criteria": "Complete the course and have the record verified by a manager of the "
                                    "worker's workplace or by the Care Professional Academy.",
                        "alignment": alignments},
        "awarded_on": _day(record.completed_on),
        "valid_until": _day(record.expires_on),
        "evidence": [{"name": "Training record", "narrative": narrative},
                     {"name": "Verification", "narrative": f"Verified by {record.verified_by.full_name} on "
                                                           f"{record.verified_at:%-d %B %Y}."}],
        "holder": record.person.full_name,
    }


def _qualification_claim(qualification: Qualification) -> dict | None:
    if not qualification.verified or qualification.status != QualificationStatus.achieved:
        return None
    valid_until = None
    if qualification.qualification_type == QualificationType.nmc_registration and qualification.renewal_due_on:
        valid_until = qualification.renewal_due_on + timedelta(days=1)  # current up to its renewal date
    level = f" (level {qualification.level})" if qualification.level is not None else ""
    narrative = f"Achieved on {qualification.achieved_on:%-d %B %Y}"
    narrative += f", awarded by {qualification.awarding_body}." if qualification.awarding_body else "."
    if qualification.registration_number:
        narrative += f" NMC PIN {qualification.registration_number}."
    return {
        "achievement": {"key": f"qualification/{qualification.qualification_type.name}",
                        "type": "License" if qualification.qualification_type == QualificationType.nmc_registration
                        else "Certificate" if qualification.level is not None and qualification.level < 4
                        else "Diploma",
                        "name": qualification.title,
                        "description": f"{qualification.qualification_type.value}{level}.",
                        "criteria": "Achieve the qualification and have it verified by a manager of the worker's "
                                    "workplace or by the Care Professional Academy.",
                        "alignment": [], "level": qualification.level},
        "awarded_on": _day(qualification.achieved_on),
        "valid_until": _day(valid_until),
        "evidence": [{"name": "Qualification", "narrative": narrative},
                     {"name": "Verification", "narrative": f"Verified by {qualification.verified_by.full_name} on "
                                                           f"{qualification.verified_at:%-d %B %Y}."}],
        "holder": qualification.person.full_name,
    }


def _care_certificate_claim(induction: CareCertificateInduction) -> dict | None:
    if induction.completed_on is None or induction.completed_date_unknown:
        return None  # an ASC-WDS import said "completed" without a date: nothing the service can vouch for
    names = standards(induction.version)
    signed = {p.standard_number: p for p in induction.standards}
    alignments = [_standard_alignment(induction.version, number, name) for number, name in sorted(names.items())]
    assessors = sorted({p.signed_off_by.full_name for p in signed.values() if p.signed_off_by})
    how = ("Recorded from the worker's certificate." if induction.recorded_from_certificate
           else f"Every standard signed off by an assessor ({', '.join(assessors)})." if assessors
           else "Every standard signed off by an assessor.")
    return {
        "achievement": {"key": f"care-certificate/{induction.version.value}", "type": "Certificate",
                        "name": f"Care Certificate ({induction.version.value} standards)",
                        "description": f"The Care Certificate: the {len(names)} standards of induction for "
                                       "health and social care workers in England.",
                        "criteria": "Meet every Care Certificate standard, each signed off by an assessor.",
                        "alignment": alignments, "url": CARE_CERTIFICATE_URL},
        "awarded_on": _day(induction.completed_on),
        "valid_until": None,
        "evidence": [{"name": "Care Certificate", "narrative": f"Completed on {induction.completed_on:%-d %B %Y}. {how}"}],
        "holder": induction.person.full_name,
    }


def _tier_claim(award, tier) -> dict | None:
    if award.lapsed_on is not None or tier is None:
        return None
    endorsed = f", endorsed by {award.endorsed_by.full_name}" if award.endorsed_by else ""
    return {
        "achievement": {"key": f"tier/{award.tier_number}", "type": "ext:CareerTier",
                        "name": f"Care Professional Academy tier {award.tier_number}: {tier.name}",
                        "description": tier.description or f"Care Professional Academy career tier {award.tier_number}.",
                        "criteria": "Meet the tier's published criteria, endorsed by a manager.",
                        "alignment": [{"type": ["Alignment"], "targetName": tier.cwp_category,
                                       "targetFramework": "Care Workforce Pathway for adult social care",
                                       "targetUrl": CARE_WORKFORCE_PATHWAY_URL}]},
        "awarded_on": _day(award.awarded_on),
        "valid_until": None,
        "evidence": [{"name": "Tier award", "narrative": f"Awarded on {award.awarded_on:%-d %B %Y}{endorsed}."}],
        "holder": award.person.full_name,
    }


def load_sources(session, kind: CredentialKind, ids) -> dict[int, object]:
    """The items of one kind, by id, with what their claims read (one or two queries)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    if kind == CredentialKind.training_record:
        query = select(TrainingRecord).options(joinedload(TrainingRecord.verified_by), joinedload(TrainingRecord.person))
        model = TrainingRecord
    elif kind == CredentialKind.qualification:
        query = select(Qualification).options(joinedload(Qualification.verified_by), joinedload(Qualification.person))
        model = Qualification
    elif kind == CredentialKind.care_certificate:
        query = select(CareCertificateInduction).options(
            joinedload(CareCertificateInduction.person),
            selectinload(CareCertificateInduction.standards).joinedload(CareCertificateStandardProgress.signed_off_by))
        model = CareCertificateInduction
    else:
        from academy.tiers.models import Tier, TierAward

        awards = session.scalars(select(TierAward).options(joinedload(TierAward.endorsed_by), joinedload(TierAward.person))
                                 .where(TierAward.id.in_(ids))).all()
        tiers = {t.number: t for t in session.scalars(select(Tier).where(Tier.number.in_({a.tier_number for a in awards})))}
        return {award.id: (award, tiers.get(award.tier_number)) for award in awards}
    return {item.id: item for item in session.scalars(query.where(model.id.in_(ids))).unique()}


def claim_for(kind: CredentialKind, source) -> dict | None:
    if source is None:
        return None
    if kind == CredentialKind.training_record:
        return _training_claim(source)
    if kind == CredentialKind.qualification:
        return _qualification_claim(source)
    if kind == CredentialKind.care_certificate:
        return _care_certificate_claim(source)
    return _tier_claim(*source)


def claim_fingerprint(claim: dict) -> str:
    return hashlib.sha256(json.dumps(claim, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def not_issuable_reason(kind: CredentialKind) -> RevocationReason:
    return RevocationReason.lapsed if kind == CredentialKind.career_tier else RevocationReason.withdrawn


