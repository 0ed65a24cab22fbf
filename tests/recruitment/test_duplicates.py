"""Duplicate applicants, without the web: the matching keys, finding likely duplicates (on sending
and after a change of contact details), "not a duplicate", and merging two applications."""
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role
from academy.extensions import db, utcnow
from academy.privacy.erasure import confirm_erasure
from academy.privacy.subject_access import build_export, subject_for_user
from recruitment import duplicates, journey
from recruitment.duplicate_keys import email_key, mobile_key, name_key, name_postcode_key, postcode_key
from recruitment.models import (
    Application, DuplicateStatus, Note, PossibleDuplicate, Referral, ReferralStatus, State, StateChange,
    ValuesAssessment,
)
from recruitment.notify import timeline
from tests import factories


# The keys ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, key", [
    ("Sam.Jones@Example.COM", "sam.jones@example.com"),
    ("  sam@example.com  ", "sam@example.com"),
    ("s.a.m.jones+care@gmail.com", "samjones@gmail.com"),
    ("SamJones@googlemail.com", "samjones@gmail.com"),
    ("sam.jones+care@outlook.com", "sam.jones+care@outlook.com"),  # dots and tags count elsewhere
    ("not-an-email", None), ("", None), (None, None), ("+tag@gmail.com", None),
])
def test_email_key_folds_case_and_only_gmails_dots_and_tags(raw, key):
    assert email_key(raw) == key


@pytest.mark.parametrize("raw", ["07700 900982", "07700-900-982", "07700900982", "+447700900982",
                                 "+44 7700 900982", "+44 (0)7700 900982", "0044 7700 900982", "00447700900982",
                                 "(07700) 900982", "447700900982", " 07700.900.982 "])
def test_every_way_of_writing_a_uk_mobile_gives_one_e164_key(raw):
    assert mobile_key(raw) == "+447700900982"


@pytest.mark.parametrize("raw", ["01727 123456", "020 7946 0000", "+1 202 555 0100", "0770090098",
                                 "077009009821", "+33 6 12 34 56 78", "07700 9OO982", "", None, "٠٧٧٠٠٩٠٠٩٨٢"])
def test_landlines_foreign_and_malformed_numbers_have_no_mobile_key(raw):
    assert mobile_key(raw) is None


def test_name_and_postcode_fold_accents_case_spacing_and_punctuation():
    assert name_key("  Zoë   O’Brien-Hall ") == name_key("zoe o'brien hall") == "zoe o brien hall"
    assert name_key("ÉMILE DURAND") == "emile durand"
    assert postcode_key(" al1 3je ") == postcode_key("AL13JE") == "AL13JE"
    assert name_postcode_key("Zoë Hall", "al1 3je") == name_postcode_key("ZOE  HALL", "AL1 3JE")
    assert name_postcode_key("Zoë Hall", None) is None and name_postcode_key(None, "AL1 3JE") is None
    assert name_postcode_key("Zoë Hall", "AL1 3JE") != name_postcode_key("Zoë Hall", "AL1 3JF")


def test_the_keys_are_stored_and_follow_every_change_and_anonymisation(ctx):
    owner = factories.user(Role.applicant, email="amy.b+jobs@gmail.com")
    application = factories.application(owner=owner, full_name="Amélie Brown", phone="+44 7700 900111",
                                        postcode="sg1 1aa")
    assert (application.email_key, application.mobile_key, application.name_postcode_key) == (
        "amyb@gmail.com", "+447700900111", "amelie brown|SG11AA")
    application.phone, application.postcode = "01438 000000", "SG2 2BB"  # a landline: no mobile key
    db.session.commit()
    assert application.mobile_key is None and application.name_postcode_key == "amelie brown|SG22BB"
    application.full_name = None  # as anonymisation leaves it: nothing left to match
    db.session.commit()
    assert (application.email_key, application.mobile_key, application.name_postcode_key) == (None, None, None)


# Finding -------------------------------------------------------------------------------------------

def _sent(**fields):
    return factories.application(submitted_at=utcnow() - timedelta(days=5), **fields)


def test_find_matches_names_each_reason_and_leaves_out_drafts_merged_and_unrelated(ctx):
    earlier = _sent(owner=factories.user(email="jo.smith@gmail.com"), full_name="Jo Smith", phone="07700 900001",
                    postcode="AL1 1AA")
    same_mobile = _sent(full_name="Someone Else", phone="+447700900001", postcode="WD1 1AA")
    factories.application(state=State.draft, full_name="Jo Smith", phone="07700900001", postcode="AL1 1AA")
    merged = _sent(full_name="Jo Smith", phone="07700 900001", postcode="AL1 1AA")
    merged.state, merged.merged_into = State.merged, earlier
    _sent(full_name="Unrelated Person", phone="07700 900999", postcode="HP1 1AA")
    db.session.commit()
    new = _sent(owner=factories.user(email="josmith+x@googlemail.com"), full_name="JO SMITH", phone="07700-900-001",
                postcode="al11aa")

    matches = {m.application.id: m for m in duplicates.find_matches(db.session, new)}
    assert set(matches) == {earlier.id, same_mobile.id}
    first = matches[earlier.id]
    assert (first.same_email, first.same_mobile, first.same_name_postcode) == (True, True, True)
    second = matches[same_mobile.id]
    assert (second.same_email, second.same_mobile, second.same_name_postcode) == (False, True, False)


def test_finding_is_an_indexed_lookup(ctx):
    """Each key column has an index, and the database plans the lookup with them (no table scan)."""
    indexed = {index.columns[0].name for index in Application.__table__.indexes}
    assert {"email_key", "mobile_key", "name_postcode_key"} <= indexed
    application = _sent(phone="07700 900123")
    statement = sa.select(Application.id).where(sa.or_(Application.email_key == application.email_key,
                                                       Application.mobile_key == application.mobile_key,
                                                       Application.name_postcode_key == "x|Y"))
    if db.engine.dialect.name == "sqlite":
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row[-1]) for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "ix_applications_email_key" in plan and "ix_applications_mobile_key" in plan, plan


def test_sending_records_a_pair_for_hcpa_and_never_refuses_the_applicant(ctx, outbox):
    earlier = _sent(full_name="Rae Lin", phone="07700 900777", postcode="AL2 2AA")
    draft = factories.application(state=State.draft, full_name="Rae Lin", phone="07700900777", postcode="AL2 2AA")
    draft.submitted_at = None
    db.session.commit()

    journey.send(db.session, draft, draft.user)
    db.session.commit()

    assert draft.state == State.submitted  # sent as usual
    pair = db.session.scalar(sa.select(PossibleDuplicate))
    assert (pair.application_id, pair.other_application_id) == (earlier.id, draft.id)
    assert pair.status == DuplicateStatus.open and pair.same_mobile and pair.same_name_postcode
    assert pair.reasons == ["Same mobile number", "Same name and postcode"]
    assert [m["Subject"] for m in outbox] == ["We have received your application"]  # the usual email, nothing more


def test_a_dismissed_pair_is_never_recorded_again_and_a_contact_change_finds_new_ones(ctx):
    first = _sent(full_name="Kit Ng", phone="07700 900301", postcode="SG1 2AB")
    second = _sent(full_name="Kit Ng", phone="07700 900302", postcode="SG1 2AB")
    officer = factories.user(Role.hcpa_staff)
    [pair] = duplicates.record_possible_duplicates(db.session, second)
    duplicates.dismiss(db.session, pair, officer)
    db.session.commit()
    assert duplicates.record_possible_duplicates(db.session, second) == []
    assert pair.status == DuplicateStatus.dismissed and pair.decided_by_id == officer.id

    third = _sent(full_name="Someone Else", phone="07700 900999", postcode="WD1 1AA")
    assert duplicates.record_possible_duplicates(db.session, third) == []
    journey.update_contact_details(db.session, third, third.user, "07700900301", "WD1 1AA")
    db.session.commit()
    found = db.session.scalars(sa.select(PossibleDuplicate).where(PossibleDuplicate.status == DuplicateStatus.open))
    assert [(p.application_id, p.other_application_id, p.reasons) for p in found] == [
        (first.id, third.id, ["Same mobile number"])]


def _pairs():
    return {(p.application_id, p.other_application_id): p for p in db.session.scalars(sa.select(PossibleDuplicate))}


def test_rescan_records_each_kind_of_match_among_applications_already_sent(ctx):
    """Applications sent before matching existed (or imported): the rescan finds the same pairs,
    with the same reasons, as sending would have."""
    by_email = [_sent(owner=factories.user(email=email), full_name=name, phone=phone, postcode=postcode)
                for email, name, phone, postcode in (("lee.k@gmail.com", "Lee King", "07700 900501", "AL1 1AA"),
                                                     ("leek+2@googlemail.com", "L King", "07700 900502", "WD1 1AA"))]
    by_mobile = [_sent(full_name=name, phone=phone, postcode=postcode)
                 for name, phone, postcode in (("Ana Ruiz", "07700 900503", "SG1 1AA"),
                                               ("Anna Ruiz", "+44 7700 900503", "HP1 1AA"))]
    by_name = [_sent(full_name=name, phone=phone, postcode=postcode)
               for name, phone, postcode in (("Zoë O'Brien", "07700 900504", "al3 5aa"),
                                             ("ZOE O BRIEN", "07700 900505", "AL3 5AA"))]
    _sent(full_name="Nobody Alike", phone="07700 900506", postcode="EN1 1AA")
    draft = factories.application(state=State.draft, full_name="Ana Ruiz", phone="07700900503", postcode="SG1 1AA")
    merged = _sent(full_name="Ana Ruiz", phone="07700 900503", postcode="SG1 1AA")
    merged.state, merged.merged_into = State.merged, by_mobile[0]
    db.session.commit()
    assert _pairs() == {}

    result = duplicates.rescan(db.session)
    db.session.commit()

    pairs = _pairs()
    ids = lambda apps: tuple(a.id for a in apps)  # noqa: E731
    assert set(pairs) == {ids(by_email), ids(by_mobile), ids(by_name)}
    assert pairs[ids(by_email)].reasons == ["Same email address"]
    assert pairs[ids(by_mobile)].reasons == ["Same mobile number"]
    assert pairs[ids(by_name)].reasons == ["Same name and postcode"]
    assert all(p.status == DuplicateStatus.open for p in pairs.values())
    assert not any(draft.id in key or merged.id in key for key in pairs)
    sent = db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
        Application.state.not_in((State.draft, State.merged))))
    assert (result.scanned, result.sharing_a_key, result.new_pairs) == (sent, 6, 3)

    again = duplicates.rescan(db.session)  # idempotent
    db.session.commit()
    assert (again.scanned, again.new_pairs) == (sent, 0) and set(_pairs()) == set(pairs)


def test_rescan_never_reopens_a_dismissed_pair_and_adds_only_the_missing_ones(ctx):
    officer = factories.user(Role.hcpa_staff)
    first = _sent(full_name="Kai Obi", phone="07700 900601", postcode="SG2 2AA")
    second = _sent(full_name="Kai Obi", phone="07700 900601", postcode="SG2 2AA")
    third = _sent(full_name="K Obi", phone="07700 900601", postcode="WD2 2AA")
    recorded = duplicates.record_possible_duplicates(db.session, second)  # as sending the second did
    assert [(p.application_id, p.other_application_id) for p in recorded] == [(first.id, second.id),
                                                                             (second.id, third.id)]
    duplicates.dismiss(db.session, recorded[0], officer)
    db.session.commit()
    before = set(_pairs())

    result = duplicates.rescan(db.session)
    db.session.commit()

    pairs = _pairs()
    assert set(pairs) - before == {(first.id, third.id)}  # the one missing, and nothing twice
    assert result.new_pairs == 1
    assert pairs[(first.id, second.id)].status == DuplicateStatus.dismissed  # not re-opened
    assert duplicates.rescan(db.session).new_pairs == 0


def test_rescan_asks_the_same_number_of_queries_however_many_applications_match_nothing(ctx):
    """The queries grow with the applications that share a key, not with every sent application."""
    _sent(full_name="Twin One", phone="07700 900701", postcode="AL9 9AA")
    _sent(full_name="Twin Two", phone="07700 900701", postcode="AL8 8AA")

    def statements_for_rescan() -> int:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            duplicates.rescan(db.session)
            db.session.commit()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    statements_for_rescan()  # records the twins' pair; afterwards every run only re-reads it
    few = statements_for_rescan()
    for n in range(40):
        _sent(full_name=f"Unique Person {n}", phone=f"07700 91{n:04d}", postcode=f"SG{n % 9 + 1} {n % 9}ZZ")
    many = statements_for_rescan()
    assert few == many, (few, many)


def test_open_pairs_by_application_gives_each_rows_open_pairs_in_one_query(ctx):
    officer = factories.user(Role.hcpa_staff)
    one, two, three, alone = (_sent(phone=f"07700 90080{n}") for n in range(4))
    open_pair = factories.possible_duplicate(one, two)
    second_pair = factories.possible_duplicate(one, three)
    dismissed = factories.possible_duplicate(two, three)
    duplicates.dismiss(db.session, dismissed, officer)
    db.session.commit()
    found = duplicates.open_pairs_by_application(db.session, [one.id, two.id, three.id, alone.id])
    assert found == {
        one.id: [duplicates.OpenPair(open_pair.id, two.id), duplicates.OpenPair(second_pair.id, three.id)],
        two.id: [duplicates.OpenPair(open_pair.id, one.id)],
        three.id: [duplicates.OpenPair(second_pair.id, one.id)],
    }  # the dismissed pair is no tag; an application in no open pair is left out
    assert duplicates.open_pairs_by_application(db.session, [two.id]) == {two.id: [
        duplicates.OpenPair(open_pair.id, one.id)]}  # only the rows asked about
    assert duplicates.open_pairs_by_application(db.session, []) == {}
    assert duplicates.OpenPair.of(open_pair, two.id) == duplicates.OpenPair(open_pair.id, one.id)


def test_only_hcpa_staff_dismiss_or_merge(ctx):
    pair = factories.possible_duplicate()
    manager = factories.user(Role.manager)
    with pytest.raises(NotAllowed):
        duplicates.dismiss(db.session, pair, manager)
    with pytest.raises(NotAllowed):
        duplicates.merge(db.session, pair, pair.application, pair.application.user)


# Merging -------------------------------------------------------------------------------------------

def test_merge_moves_the_records_attributed_and_leaves_checks_and_cv_on_the_pointer(ctx):
    officer, assessor = factories.user(Role.hcpa_staff), factories.user(Role.hcpa_staff)
    keep = factories.application_at(State.screening, full_name="Lee Ray")
    keep.history.append(StateChange(from_state=None, to_state=State.submitted, occurred_at=utcnow()))
    away = factories.application_at(State.checks, full_name="Lee Ray")  # assessed, a closed referral
    away.history.append(StateChange(from_state=State.submitted, to_state=State.screening, by_id=assessor.id,
                                    reason="Phoned", occurred_at=utcnow() - timedelta(days=3)))
    factories.complete_checks(away)
    declined = factories.referral(away, factories.vacancy(factories.workplace()), status=ReferralStatus.declined)
    away.notes.append(Note(author_id=assessor.id, text="Prefers mornings"))
    away.cv_stored_name, away.cv_original_name, away.cv_kind = "a" * 32 + ".pdf", "lee.pdf", "pdf"
    db.session.commit()
    assessment_id = away.assessments[0].id
    pair = factories.possible_duplicate(keep, away)

    plan = duplicates.merge(db.session, pair, keep, officer)
    db.session.commit()

    assert (plan.history, plan.notes, plan.assessments, plan.referrals, plan.checks_stay, plan.cv_stays) == (
        1, 1, 1, 1, True, True)
    moved_change = db.session.scalar(sa.select(StateChange).where(StateChange.reason == "Phoned"))
    assert (moved_change.application_id, moved_change.merged_from_id, moved_change.by_id) == (keep.id, away.id,
                                                                                              assessor.id)
    assessment = db.session.get(ValuesAssessment, assessment_id)
    assert (assessment.application_id, assessment.merged_from_id) == (keep.id, away.id)
    assert db.session.get(Referral, declined.id).application_id == keep.id
    # Safer-recruitment checks and the CV never move to another account, even when the kept one has none.
    assert keep.checks is None and away.checks is not None
    assert keep.cv_stored_name is None and away.cv_original_name == "lee.pdf"
    old_note = db.session.scalar(sa.select(Note).where(Note.text == "Prefers mornings"))
    assert (old_note.application_id, old_note.author_id, old_note.merged_from_id) == (keep.id, assessor.id, away.id)
    merge_note = keep.notes[-1]
    assert merge_note.author_id == officer.id and f"Application {away.id}" in merge_note.text
    assert f"Its safer-recruitment checks and CV stay on application {away.id}." in merge_note.text
    # ... and nothing about the other person: the note is on the kept account's record.
    assert "Lee Ray" not in merge_note.text and away.user.email not in merge_note.text
    # The other: a pointer, out of the queue and the outcomes, its own last move recorded.
    assert (away.state, away.merged_into_id, away.merged_by_id) == (State.merged, keep.id, officer.id)
    assert [(c.from_state, c.to_state, c.reason) for c in away.history] == [
        (State.checks, State.merged, f"Merged into application {keep.id}")]
    assert not away.is_active and keep.state == State.screening  # the kept one's state is unchanged
    assert (pair.status, pair.kept_application_id, pair.decided_by_id) == (DuplicateStatus.merged, keep.id, officer.id)
    # The kept applicant's own timeline tells only their own story.
    assert [entry.what for entry in timeline(keep)] == ["You sent your application"]


def test_merge_keeps_the_kept_ones_checks_and_cv_and_leaves_the_others_on_the_pointer(ctx):
    keep = factories.application_at(State.ready_to_refer, cv_stored_name="k" * 32 + ".pdf", cv_kind="pdf",
                                    cv_original_name="kept.pdf")
    away = factories.application_at(State.ready_to_refer, cv_stored_name="a" * 32 + ".pdf", cv_kind="pdf",
                                    cv_original_name="other.pdf")
    kept_checks, other_checks = keep.checks.id, away.checks.id
    pair = factories.possible_duplicate(keep, away)
    plan = duplicates.merge(db.session, pair, keep, factories.user(Role.hcpa_staff))
    db.session.commit()
    assert plan.checks_stay and plan.cv_stays
    assert keep.checks.id == kept_checks and away.checks.id == other_checks
    assert (keep.cv_original_name, away.cv_original_name) == ("kept.pdf", "other.pdf")
    assert f"stay on application {away.id}" in keep.notes[-1].text


def _merged_lookalike(officer):
    """Someone applies with another person's name, postcode and mobile; that person had withdrawn
    (checks done, assessed, a note), so the rule makes HCPA keep the lookalike's application."""
    victim = factories.user(Role.applicant, email="sam.hall@example.org", full_name="Sam Hall")
    lookalike = factories.user(Role.applicant, email="someone.else@example.net", full_name="Sam Hall")
    away = factories.application_at(State.checks, owner=victim)
    factories.complete_checks(away)
    away.notes.append(Note(author_id=officer.id, text="Disclosed a spent caution at interview"))
    away.state = State.withdrawn
    keep = factories.application(State.screening, owner=lookalike)
    keep.notes.append(Note(author_id=officer.id, text="Lookalike's own note"))
    db.session.commit()
    pair = factories.possible_duplicate(keep, away, same_mobile=True, same_name_postcode=True)
    assert duplicates.merge_problem(away, keep) is not None  # the withdrawn one cannot be kept
    duplicates.merge(db.session, pair, keep, officer)
    db.session.commit()
    return victim, lookalike, away, keep


def test_a_merge_hands_none_of_one_accounts_records_to_the_other_accounts_export(ctx):
    victim, lookalike, away, keep = _merged_lookalike(factories.user(Role.hcpa_staff))
    theirs = json.dumps(build_export(db.session, subject_for_user(db.session, lookalike)), default=str)
    for leak in ("sam.hall@example.org", "British passport", "spent caution", '"merged_from_id": %d' % away.id):
        assert leak not in theirs
    assert "Lookalike's own note" in theirs and f"Application {away.id} was merged into this one" in theirs
    own = build_export(db.session, subject_for_user(db.session, victim))
    sections = {section["key"]: section["records"] for section in own["sections"]}
    assert sections["checks"][0]["right_to_work_evidence"] == "British passport"  # they never moved
    assert [n["text"] for n in sections["application_notes"]] == ["Disclosed a spent caution at interview"]
    assert len(sections["values_assessments"]) == 1 and sections["values_assessments"][0]["merged_from_id"] == away.id
    assert {c["to"] for c in sections["application_history"]} >= {"Merged"}


def test_erasing_either_account_after_a_merge_erases_only_that_persons_records(ctx):
    officer, second_officer = factories.user(Role.hcpa_staff), factories.user(Role.hcpa_staff)
    victim, lookalike, away, keep = _merged_lookalike(officer)
    keep_id, away_id = keep.id, away.id

    confirm_erasure(db.session, factories.erasure_request(lookalike), second_officer)
    db.session.commit()
    notes = set(db.session.scalars(sa.select(Note.text).where(Note.application_id == keep_id)))
    assert notes == {"Disclosed a spent caution at interview"}  # the other person's note stays
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ValuesAssessment)
                             .where(ValuesAssessment.merged_from_id == away_id)) == 1

    confirm_erasure(db.session, factories.erasure_request(victim), second_officer)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Note).where(Note.merged_from_id == away_id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ValuesAssessment)
                             .where(ValuesAssessment.merged_from_id == away_id)) == 0
    assert db.session.get(Application, away_id).checks is None


@pytest.mark.parametrize("case, message", [
    ("already merged", "is already merged into application"),
    ("both placed", "Both applications have a placement"),
    ("other placed", "has a placement: keep that application instead"),
    ("both referred", "Both applications have an open referral"),
    ("other referred", "has an open referral: keep that application instead"),
    ("not for this pair", "Choose one of the two applications to keep"),
    ("keeping the withdrawn one", "is withdrawn and application .* is still going"),
])
def test_merges_that_make_no_sense_are_refused_with_a_reason(ctx, case, message):
    officer = factories.user(Role.hcpa_staff)
    keep_state = State.referred if case == "both referred" else State.ready_to_refer
    away_state = State.referred if case in ("both referred", "other referred") else State.ready_to_refer
    keep, away = factories.application_at(keep_state), factories.application_at(away_state)
    if case in ("both placed", "other placed"):
        factories.placement(away_offered(away))
        if case == "both placed":
            factories.placement(away_offered(keep))
    if case == "keeping the withdrawn one":
        keep.state = State.withdrawn
        db.session.commit()
    if case == "already merged":
        away.state, away.merged_into_id = State.merged, factories.application().id
        db.session.commit()
    pair = factories.possible_duplicate(keep, away)
    target = factories.application() if case == "not for this pair" else keep
    with pytest.raises(Invalid, match=message):
        duplicates.merge(db.session, pair, target, officer)
    db.session.rollback()
    assert db.session.get(PossibleDuplicate, pair.id).status == DuplicateStatus.open


def away_offered(application):
    """Give a ready-to-refer application an offered referral, so it can be placed."""
    factories.referral(application, factories.vacancy(factories.workplace()), status=ReferralStatus.offered,
                       interview_at=utcnow(), offered_at=utcnow())
    application.state = State.offered
    db.session.commit()
    db.session.refresh(application)
    return application


def test_a_pair_cannot_be_decided_twice(ctx):
    officer = factories.user(Role.hcpa_staff)
    pair = factories.possible_duplicate()
    duplicates.dismiss(db.session, pair, officer)
    with pytest.raises(Invalid, match="already been dealt with"):
        duplicates.merge(db.session, pair, pair.application, officer)
    with pytest.raises(Invalid, match="already been dealt with"):
        duplicates.dismiss(db.session, pair, officer)


def test_the_merged_away_applications_other_pairs_pass_to_the_kept_one(ctx):
    keep, away, third, fourth = (factories.application() for _ in range(4))
    pair = factories.possible_duplicate(keep, away)
    with_third = factories.possible_duplicate(away, third, same_email=True)
    with_fourth = factories.possible_duplicate(away, fourth)
    already = factories.possible_duplicate(keep, fourth, status="dismissed")
    duplicates.merge(db.session, pair, keep, factories.user(Role.hcpa_staff))
    db.session.commit()
    assert (with_third.application_id, with_third.other_application_id, with_third.status) == (
        keep.id, third.id, DuplicateStatus.open)
    assert with_fourth.status == DuplicateStatus.merged  # keep and fourth were already decided
    assert already.status == DuplicateStatus.dismissed


def test_a_merged_away_application_leaves_the_outcomes_funnel_and_the_queue(ctx):
    from datetime import date

    from academy.outcomes.readers import read_applications
    from recruitment import screening

    keep, away = factories.application(), factories.application()
    pair = factories.possible_duplicate(keep, away)

    def funnel_rows():
        with db.engine.connect() as connection:
            return len(read_applications(connection, date.today() - timedelta(days=400), date.today()))

    def queue_ids():
        return set(db.session.scalars(screening.queue_query(screening.QueueFilters())).unique())

    assert funnel_rows() == 2 and {keep, away} <= queue_ids()
    duplicates.merge(db.session, pair, keep, factories.user(Role.hcpa_staff))
    db.session.commit()
    assert funnel_rows() == 1
    assert keep in queue_ids() and away not in queue_ids()
    assert screening.state_counts(db.session)[State.merged] == 1


def test_anonymising_an_application_drops_its_undecided_pairs_and_keeps_decided_ones(ctx):
    from academy.privacy.retention import anonymise_application

    application = factories.application()
    undecided = factories.possible_duplicate(application, factories.application())
    decided = factories.possible_duplicate(factories.application(), application, status="dismissed")
    undecided_id = undecided.id
    anonymise_application(db.session, application, "retention")
    db.session.commit()
    assert db.session.get(PossibleDuplicate, undecided_id) is None
    assert db.session.get(PossibleDuplicate, decided.id) is not None
    assert (application.full_name, application.mobile_key, application.email_key) == (None, None, None)
