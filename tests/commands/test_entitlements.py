"""Entitlements per term through the commands: made on approval, stopped, carried over to spring."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from app.commands import carry_over, entitlements, identification
from app.commands import notice_approval as approval
from app.commands.carry_over import CarryOverRefused, SchoolNotInScope, TermNotFound
from app.commands.identification import IllegalStep
from app.errors import NotFound, Stale
from app.models import (
    AidCategory,
    AidItem,
    AidStandard,
    Allocation,
    Application,
    ApplicationStatus,
    AuditEvent,
    BatchStatus,
    DisbursementBatch,
    DisbursementLine,
    Entitlement,
    EntitlementStatus,
    FundAccount,
    FundSource,
    LineStatus,
    Season,
    Student,
    StudentStatus,
    Term,
    Tier,
)
from app.security.scope import Scope
from app.seeding import school_year
from app.services import entitlement_rules as rules
from tests.context import context
from tests.factories import current_term, make_application, make_previous_term, make_school, make_student

BOARDER, DAY_PUPIL = Decimal("625.00"), Decimal("312.50")


# helpers (tests/factories.py is shared; what only these tests need lives here) ----------------------

def _terms(session) -> tuple[Term, Term]:
    """The autumn and spring terms of the current school year."""
    year = current_term(session).school_year
    by_season = {term.season: term for term in year.terms}
    return by_season[Season.AUTUMN], by_season[Season.SPRING]


@pytest.fixture
def terms(session, place):
    return _terms(session)


@pytest.fixture
def ctx(session, place, clock, terms):
    """The school officer's context, on a day a month into the autumn term."""
    clock.set_day(terms[0].start_date + timedelta(days=30))
    return context(session, place.scope, clock=clock)


def _tier(session, code: str) -> Tier:
    return session.query(Tier).filter_by(code=code).one()


def _pupil(session, place, *, boarding=False, name="张小红", school=None):
    return make_student(session, school=school or place.school, household=place.household, boarding=boarding,
                        name=name)


def _approved(session, ctx, pupil, *, tier="relative", term=None) -> Application:
    """An application of the pupil for the term (autumn by default) on the notice with its final tier,
    approved through identification.approve."""
    app = make_application(session, pupil, term=term or _terms(session)[0],
                           status=ApplicationStatus.NOTICE, final_tier_id=_tier(session, tier).id)
    session.commit()
    identification.approve(ctx, app.id)
    session.commit()
    return app


def _rows(session, pupil, term=None) -> list[Entitlement]:
    session.expire_all()
    query = session.query(Entitlement).filter_by(student_id=pupil.id)
    if term is not None:
        query = query.filter_by(term_id=term.id)
    return query.join(Term, Term.id == Entitlement.term_id).order_by(Term.start_date, Entitlement.aid_item_id).all()


def _item(session, code: str) -> AidItem:
    return session.query(AidItem).filter_by(code=code).one()


def _local_item(session, amount: str, *, boarding=None) -> AidItem:
    """A county top-up exclusive with the living subsidy (互斥, 就高), in force since 2024."""
    item = AidItem(code="county_meals", name="县级伙食补助", category=AidCategory.LOCAL, needs_identification=True,
                   exclusivity_group="living")
    session.add(item)
    session.flush()
    session.add(AidStandard(aid_item_id=item.id, amount=Decimal(amount), boarding=boarding,
                            effective_from=_terms(session)[0].start_date.replace(year=2024)))
    session.commit()
    return item


def _pay(session, row: Entitlement, line: LineStatus, batch: BatchStatus) -> DisbursementLine:
    """A payment line of the entitlement in a batch of that status (as the disbursement records them)."""
    n = row.id
    account = FundAccount(code=f"ACC-E{n}", name="县资助专户", source=FundSource.COUNTY, fiscal_year=2026,
                          district_id=row.school.district_id)
    session.add(account)
    session.flush()
    allocation = Allocation(fund_account_id=account.id, district_id=account.district_id, school_id=row.school_id,
                            aid_item_id=row.aid_item_id, term_id=row.term_id)
    session.add(allocation)
    session.flush()
    made = DisbursementBatch(district_id=account.district_id, school_id=row.school_id, term_id=row.term_id,
                             aid_item_id=row.aid_item_id, allocation_id=allocation.id, status=batch,
                             title=f"batch {n}", line_count=1, total=row.amount, idempotency_key=f"key-e{n:08d}",
                             request_hash="0" * 64)
    session.add(made)
    session.flush()
    paid = DisbursementLine(batch_id=made.id, student_id=row.student_id, school_id=row.school_id,
                            aid_item_id=row.aid_item_id, term_id=row.term_id, entitlement_id=row.id,
                            tier_id=row.tier_id, amount=row.amount, payee_name="王建国",
                            bank_account="6217990000000001234", reference=f"REF-E{n}", status=line)
    session.add(paid)
    session.commit()
    return paid


# entitling on approval -----------------------------------------------------------------------------

def test_a_boarder_gets_625_and_a_day_pupil_312_50_from_the_seeded_standards(session, ctx, place, terms):
    boarder, day = _pupil(session, place, boarding=True, name="寄宿生"), _pupil(session, place, name="走读生")
    _approved(session, ctx, boarder)
    app = _approved(session, ctx, day, tier="special")
    living = _item(session, "living_subsidy")
    (b,), (d,) = _rows(session, boarder), _rows(session, day)
    assert (b.aid_item_id, b.term_id, b.amount, b.boarding) == (living.id, terms[0].id, BOARDER, True)
    assert (d.amount, d.boarding, d.tier.code, d.application_id) == (DAY_PUPIL, False, "special", app.id)
    assert isinstance(b.amount, Decimal) and b.status is EntitlementStatus.ACTIVE
    assert session.get(AidStandard, b.aid_standard_id).amount == BOARDER and b.school_id == place.school.id
    # supplies and activities need identification but have no standard: nothing, and no error
    assert {row.aid_item.code for row in _rows(session, boarder)} == {"living_subsidy"}


def test_the_notice_approval_entitles_every_pupil_it_approves(session, place):
    from tests.commands.test_notices import AFTER_END, at, notice_with_two, publish

    notice, pupil, app = notice_with_two(session, place)
    publish(session, place, notice)
    session.commit()
    assert approval.approve_notice(at(session, place.scope, AFTER_END), notice.id) == 2
    session.commit()
    (first,), (second,) = _rows(session, place.student), _rows(session, pupil)
    assert (first.amount, first.application_id) == (DAY_PUPIL, place.application.id)
    assert (second.amount, second.tier.code, second.application_id) == (DAY_PUPIL, "special", app.id)


def test_a_final_tier_that_is_not_needy_gets_nothing(session, ctx, place):
    pupil = _pupil(session, place, boarding=True)
    app = _approved(session, ctx, pupil, tier="none")
    assert app.status is ApplicationStatus.APPROVED and _rows(session, pupil) == []
    draft = make_application(session, _pupil(session, place, name="草稿生"), final_tier_id=_tier(session, "special").id)
    assert entitlements.entitle(ctx, draft) == []  # not approved: nothing either


def test_approving_twice_makes_one_row(session, ctx, place):
    pupil = _pupil(session, place, boarding=True)
    app = _approved(session, ctx, pupil)
    (row,) = _rows(session, pupil)
    version = row.version
    assert entitlements.entitle(ctx, app) == []  # again: nothing new, nothing changed
    session.commit()
    with pytest.raises(IllegalStep):
        identification.approve(ctx, app.id)
    session.rollback()
    (again,) = _rows(session, pupil)
    assert (again.id, again.version) == (row.id, version)
    with pytest.raises(IntegrityError), session.begin_nested():  # and the database backs it
        session.add(Entitlement(student_id=pupil.id, school_id=row.school_id, term_id=row.term_id,
                                aid_item_id=row.aid_item_id, application_id=app.id, tier_id=row.tier_id,
                                boarding=True, amount=row.amount))
        session.flush()


def test_of_exclusive_items_the_pupil_gets_the_higher(session, ctx, place):
    local = _local_item(session, "400.00")
    boarder, day = _pupil(session, place, boarding=True, name="寄宿生"), _pupil(session, place, name="走读生")
    _approved(session, ctx, boarder)
    _approved(session, ctx, day)
    living = _item(session, "living_subsidy")
    assert [(r.aid_item_id, r.amount) for r in _rows(session, boarder)] == [(living.id, BOARDER)]  # 625 > 400
    assert [(r.aid_item_id, r.amount) for r in _rows(session, day)] == [(local.id, Decimal("400.00"))]  # 400 > 312.50


def test_an_item_without_a_standard_in_force_at_the_terms_start_gives_nothing(session, ctx, place, terms):
    local = _local_item(session, "900.00")
    session.query(AidStandard).filter_by(aid_item_id=local.id).one().effective_from = terms[0].start_date + timedelta(1)
    session.commit()
    pupil = _pupil(session, place, boarding=True)
    _approved(session, ctx, pupil)
    assert [(r.aid_item.code, r.amount) for r in _rows(session, pupil)] == [("living_subsidy", BOARDER)]


# stopping --------------------------------------------------------------------------------------------

def test_cancelling_stops_the_unpaid_entitlements_and_keeps_them(session, ctx, place):
    pupil = _pupil(session, place, boarding=True)
    app = _approved(session, ctx, pupil)
    identification.cancel(ctx, app.id, reason="提供虚假收入证明", recover_aid=True)
    session.commit()
    (row,) = _rows(session, pupil)
    assert row.status is EntitlementStatus.STOPPED and row.amount == BOARDER  # kept, with its history
    assert row.stop_reason == "cancelled: 提供虚假收入证明"
    assert entitlements.stop_reason_text(row.stop_reason).endswith("提供虚假收入证明")
    changes = session.query(AuditEvent).filter_by(entity="entitlement", entity_id=str(row.id)).count()
    assert changes == 2  # made, then stopped: the trail keeps both


@pytest.mark.parametrize(("line", "batch", "stopped"), [
    (LineStatus.PAID, BatchStatus.RECONCILED, False),
    (LineStatus.PENDING, BatchStatus.APPROVED, False),
    (LineStatus.PENDING, BatchStatus.DRAFT, True),
])
def test_an_entitlement_paid_or_being_paid_is_never_stopped(session, ctx, place, line, batch, stopped):
    pupil = _pupil(session, place, boarding=True)
    app = _approved(session, ctx, pupil)
    _pay(session, _rows(session, pupil)[0], line, batch)
    identification.cancel(ctx, app.id, reason="提供虚假收入证明", recover_aid=True)
    session.commit()
    (row,) = _rows(session, pupil)
    assert (row.status is EntitlementStatus.STOPPED) is stopped


def test_reassessing_stops_and_approving_again_takes_the_row_up(session, ctx, place):
    pupil = _pupil(session, place, boarding=True)
    app = _approved(session, ctx, pupil)
    identification.reassess(ctx, app.id, reason="家庭收入明显提高")
    session.commit()
    (row,) = _rows(session, pupil)
    assert (row.status, row.stop_reason) == (EntitlementStatus.STOPPED, "reassessed: 家庭收入明显提高")
    app.status, app.final_tier_id = ApplicationStatus.NOTICE, _tier(session, "special").id  # decided again
    session.commit()
    identification.approve(ctx, app.id)
    session.commit()
    (again,) = _rows(session, pupil)
    assert (again.id, again.status, again.tier.code, again.stop_reason) == (
        row.id, EntitlementStatus.ACTIVE, "special", None)


@pytest.mark.parametrize("status", [StudentStatus.TRANSFERRED, StudentStatus.DROPPED_OUT, StudentStatus.GRADUATED])
def test_leaving_school_stops_the_current_and_later_terms_and_keeps_history(session, ctx, place, terms, status):
    pupil = _pupil(session, place, boarding=True)
    earlier = _approved(session, ctx, pupil, term=make_previous_term(session))
    _approved(session, ctx, pupil)
    carry_over.carry_over(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id)
    session.commit()
    assert len(_rows(session, pupil)) == 3
    pupil.status = status  # as any edit would: the flush hook sees it
    session.commit()
    before, autumn, spring = _rows(session, pupil)
    assert (before.term_id, before.status) == (earlier.term_id, EntitlementStatus.ACTIVE)  # history kept
    for row in (autumn, spring):
        assert (row.status, row.stop_reason) == (EntitlementStatus.STOPPED, f"left_school: {status.value}")
        assert row.amount == BOARDER  # stopped, never deleted
    assert entitlements.stop_reason_text(autumn.stop_reason)


def test_the_day_a_pupil_leaves_is_kept_and_cleared_when_enrolled_again(client, jwt, session, place):
    from app.context import context_of

    pupil, other = _pupil(session, place), _pupil(session, place)
    session.commit()
    assert pupil.left_on is None
    pupil.status = StudentStatus.TRANSFERRED  # as any edit would: the flush hook sees it
    session.commit()
    left = pupil.left_on
    assert left == context_of(session).today
    pupil.status, pupil.left_on = StudentStatus.GRADUATED, left - timedelta(days=3)  # a change between leavings
    session.commit()
    assert pupil.left_on == left - timedelta(days=3)  # the first day of leaving is kept
    pupil.status = StudentStatus.ENROLLED
    session.commit()
    assert pupil.left_on is None
    other.class_name = "3班"  # an edit that leaves the status alone dates nothing
    session.commit()
    assert other.left_on is None
    resp = client.put(f"/api/v1/student/{other.id}", json={"status": "dropped_out"}, headers=jwt("school1"))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(Student, other.id).left_on is not None  # on every path to the status


def test_a_transfer_through_the_rest_api_stops_them_too(client, jwt, session, ctx, place, terms):
    pupil = _pupil(session, place, boarding=True)
    _approved(session, ctx, pupil)
    resp = client.put(f"/api/v1/student/{pupil.id}", json={"status": "transferred"}, headers=jwt("school1"))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    (row,) = _rows(session, pupil)
    assert (row.status, row.stop_reason) == (EntitlementStatus.STOPPED, "left_school: transferred")


def test_a_pupil_moved_to_another_school_takes_the_unpaid_entitlements_along(session, ctx, place, terms):
    pupil = _pupil(session, place, boarding=True)
    earlier = _approved(session, ctx, pupil, term=make_previous_term(session))
    _approved(session, ctx, pupil)
    carry_over.carry_over(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id)
    session.commit()
    before, autumn, spring = _rows(session, pupil)
    _pay(session, autumn, LineStatus.PAID, BatchStatus.RECONCILED)
    pupil = session.get(Student, pupil.id)
    pupil.school = place.other_school  # as the pupil form does: the relation, not the column
    session.commit()
    before, autumn, spring = _rows(session, pupil)
    assert before.term_id == earlier.term_id and before.school_id == place.school.id  # history stays
    assert autumn.school_id == place.school.id  # paid by the old school: stays with its batch
    assert (spring.school_id, spring.status) == (place.other_school.id, EntitlementStatus.ACTIVE)


def test_a_batch_of_the_old_school_holding_a_moved_pupil_is_not_approved(app, session, ctx, place, terms):
    from app.commands import disbursement
    from app.errors import DomainError

    pupil = _pupil(session, place)
    _approved(session, ctx, pupil)
    (row,) = _rows(session, pupil)
    line = _pay(session, row, LineStatus.PENDING, BatchStatus.SUBMITTED)  # in the old school's batch, unpaid
    session.get(Student, pupil.id).school = place.other_school
    session.commit()
    (row,) = _rows(session, pupil)
    assert row.school_id == place.other_school.id
    district = app.appbuilder.sm.find_user(username="district")
    with pytest.raises(DomainError, match="1 名学生已不再享受资助"):
        disbursement.approve(context(session, place.district_scope, user=district), line.batch_id)
    session.rollback()


def test_a_school_moved_through_the_column_moves_them_too(session, ctx, place, terms):
    pupil = _pupil(session, place)
    _approved(session, ctx, pupil)
    session.get(Student, pupil.id).school_id = place.other_school.id
    session.commit()
    (row,) = _rows(session, pupil)
    assert (row.school_id, row.status) == (place.other_school.id, EntitlementStatus.ACTIVE)


def test_a_school_set_on_an_expired_pupil_moves_them_too(session, ctx, place, terms):
    pupil = _pupil(session, place)
    _approved(session, ctx, pupil)
    row = session.get(Student, pupil.id)
    session.expire(row)  # its old school unknown to the change (as right after a commit)
    row.school_id = place.other_school.id
    session.commit()
    (moved,) = _rows(session, pupil)
    assert moved.school_id == place.other_school.id


# carrying over to spring -----------------------------------------------------------------------------

@pytest.fixture
def autumn(session, ctx, place, terms):
    """Approved pupils of the autumn term, one for each way a carry-over goes."""
    pupils = {key: _pupil(session, place, boarding=key == "boarder", name=name) for key, name in (
        ("boarder", "寄宿生"), ("day", "走读生"), ("moved", "转学生"), ("cancelled", "撤销生"),
        ("reassessed", "复核生"), ("entitled", "已有生"))}
    apps = {key: _approved(session, ctx, pupil) for key, pupil in pupils.items()}
    pupils["moved"].status = StudentStatus.TRANSFERRED
    session.commit()
    identification.cancel(ctx, apps["cancelled"].id, reason="提供虚假收入证明", recover_aid=True)
    identification.reassess(ctx, apps["reassessed"].id, reason="家庭情况变化")
    mid_year = make_application(session, pupils["entitled"], term=terms[1], status=ApplicationStatus.NOTICE,
                                final_tier_id=_tier(session, "special").id)
    session.commit()
    identification.approve(ctx, mid_year.id)  # a spring application approved already
    session.commit()
    return pupils


def _by_pupil(preview) -> dict:
    return {pupil.student_name: pupil for pupil in preview.pupils}


def test_the_preview_says_who_carries_over_and_why_not(session, ctx, place, terms, autumn):
    preview = carry_over.carry_over_preview(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id)
    found = _by_pupil(preview)
    assert {name: p.reasons for name, p in found.items()} == {
        "寄宿生": (), "走读生": (), "转学生": (rules.NOT_ENROLLED,), "撤销生": (rules.CANCELLED,),
        "复核生": (rules.REASSESSING,), "已有生": (rules.ALREADY_ENTITLED,)}
    (line,) = found["寄宿生"].lines
    assert line.carries and (line.tier_name, line.amount, line.previous_amount) == ("比较困难", BOARDER, BOARDER)
    assert found["走读生"].lines[0].amount == DAY_PUPIL and found["走读生"].carries
    assert all(str(line.message) for line in preview.left)
    assert preview.total == BOARDER + DAY_PUPIL
    assert session.query(Entitlement).filter_by(term_id=terms[1].id).count() == 1  # a preview writes nothing


def test_a_new_school_year_needs_a_new_identification(session, ctx, place, terms, autumn):
    following = next(t for t in school_year(session, terms[0].start_date.year + 1).terms if t.season is Season.AUTUMN)
    preview = carry_over.carry_over_preview(ctx, from_term_id=terms[0].id, to_term_id=following.id)
    assert preview.lines and {line.reason for line in preview.lines} == {rules.NEW_SCHOOL_YEAR}
    assert carry_over.carry_over(ctx, from_term_id=terms[0].id, to_term_id=following.id) == []
    with pytest.raises(CarryOverRefused):
        carry_over.carry_over_preview(ctx, from_term_id=terms[1].id, to_term_id=terms[0].id)
    with pytest.raises(TermNotFound):
        carry_over.carry_over_preview(ctx, from_term_id=terms[0].id, to_term_id=0)


def test_the_amount_follows_the_standard_in_force_at_the_new_terms_start(session, ctx, place, terms, autumn):
    living = _item(session, "living_subsidy")
    old = session.query(AidStandard).filter_by(aid_item_id=living.id, boarding=True, effective_to=None).one()
    old.effective_to = terms[1].start_date - timedelta(days=1)
    session.add(AidStandard(aid_item_id=living.id, boarding=True, amount=Decimal("700.00"),
                            effective_from=terms[1].start_date))
    session.commit()
    preview = carry_over.carry_over_preview(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id)
    (line,) = _by_pupil(preview)["寄宿生"].lines
    assert (line.previous_amount, line.amount) == (BOARDER, Decimal("700.00"))


def test_carry_over_writes_what_the_preview_shows_once(session, ctx, place, terms, autumn):
    preview = carry_over.carry_over_preview(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id)
    written = carry_over.carry_over(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id,
                                      expected=preview.fingerprint)
    session.commit()
    shown = {(line.student_id, line.aid_item_id, line.tier_id, line.amount, line.from_entitlement_id)
             for line in preview.carried}
    assert {(row.student_id, row.aid_item_id, row.tier_id, row.amount, row.carried_from_id)
            for row in written} == shown and len(written) == 2
    assert all(row.term_id == terms[1].id and row.status is EntitlementStatus.ACTIVE for row in written)
    spring = session.query(Entitlement).filter_by(term_id=terms[1].id).count()
    assert carry_over.carry_over(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id) == []  # twice: nothing
    session.commit()
    assert session.query(Entitlement).filter_by(term_id=terms[1].id).count() == spring == 3
    again = carry_over.carry_over_preview(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id)
    assert not again.carried and _by_pupil(again)["寄宿生"].reasons == (rules.ALREADY_ENTITLED,)
    events = session.query(AuditEvent).filter_by(action="money", entity="entitlement").all()
    assert [e.row_count for e in events] == [2]


def test_carry_over_refuses_when_things_changed_since_the_preview(session, ctx, place, terms, autumn):
    preview = carry_over.carry_over_preview(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id)
    autumn["day"].status = StudentStatus.DROPPED_OUT
    session.commit()
    with pytest.raises(Stale):
        carry_over.carry_over(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id, expected=preview.fingerprint)
    session.rollback()
    assert session.query(Entitlement).filter_by(term_id=terms[1].id).count() == 1


def test_a_pupil_approved_again_after_reassessment_carries_over(session, ctx, place, terms, autumn):
    app = session.query(Application).filter_by(student_id=autumn["reassessed"].id).one()
    app.status, app.final_tier_id = ApplicationStatus.NOTICE, _tier(session, "special").id
    session.commit()
    identification.approve(ctx, app.id)
    preview = carry_over.carry_over_preview(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id)
    (line,) = _by_pupil(preview)["复核生"].lines
    assert line.carries and line.tier_name == "特别困难"


def test_a_school_officer_cannot_preview_another_school(session, ctx, place, terms, autumn):
    theirs = make_student(session, school=place.other_school, household=place.household, name="邻校生")
    district = context(session, place.district_scope, clock=ctx.clock)
    _approved(session, district, theirs)
    for school_id in (place.other_school.id, make_school(session).id, 0):
        with pytest.raises(SchoolNotInScope) as refused:
            carry_over.carry_over_preview(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id, school_id=school_id)
        assert isinstance(refused.value, NotFound)
        with pytest.raises(SchoolNotInScope):
            carry_over.carry_over(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id, school_id=school_id)
    mine = carry_over.carry_over_preview(ctx, from_term_id=terms[0].id, to_term_id=terms[1].id)
    assert "邻校生" not in _by_pupil(mine)  # without a school: their own school only
    everyone = carry_over.carry_over_preview(district, from_term_id=terms[0].id, to_term_id=terms[1].id)
    assert "邻校生" in _by_pupil(everyone)
    other = Scope(district_id=place.school.district_id, school_id=place.other_school.id)
    theirs_only = carry_over.carry_over_preview(context(session, other, clock=ctx.clock),
                                                  from_term_id=terms[0].id, to_term_id=terms[1].id)
    assert set(_by_pupil(theirs_only)) == {"邻校生"}


def test_a_pupil_recorded_as_already_gone_gets_the_day_recorded(client, jwt, session, place):
    from app.context import context_of
    from tests.factories import pupil_id_number

    number = pupil_id_number()
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    body = {"name": "钱晓雨", "id_number": number, "student_no": f"G{number}", "birth_date": born.isoformat(),
            "sex": "M", "school": place.school.id, "grade": 3, "class_name": "2班", "status": "transferred",
            "household": place.household.id}
    resp = client.post("/api/v1/student/", json=body, headers=jwt("school1"))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert session.get(Student, resp.get_json()["id"]).left_on == context_of(session).today
    enrolled = _pupil(session, place)
    session.commit()
    assert enrolled.left_on is None  # a pupil added as enrolled has not left
