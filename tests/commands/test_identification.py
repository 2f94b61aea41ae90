"""The identification steps through the commands: submit, score, decide, return, re-assess, cancel."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.commands import assessing, identification
from app.commands.identification import ApplicationNotFound, IllegalStep
from app.errors import FieldErrors
from app.models import ApplicationStatus, AuditEvent, Presence, Tier
from app.security.scope import Scope
from tests.context import context
from tests.factories import make_member

VOTES = (5, 0, 0)


@pytest.fixture
def ctx(session, place, clock):
    """The school officer's context, at 09:30 UTC on 8 October 2026."""
    clock.set(datetime(2026, 10, 8, 9, 30, tzinfo=UTC))
    return context(session, place.scope, clock=clock)


def _submitted(session, ctx, place):
    identification.submit(ctx, place.application.id)
    session.commit()
    return place.application


def test_submit_freezes_the_household_and_scoring_reads_the_snapshot(session, ctx, place):
    app = _submitted(session, ctx, place)
    assert app.status is ApplicationStatus.SUBMITTED
    assert [m["name"] for m in app.household_snapshot["members"]] == ["王建国", "李秀英", "王奶奶"]
    # a change to the household after submission does not change the facts scored
    make_member(session, place.household, name="新成员", annual_income=Decimal("90000"))
    session.commit()
    app, result = assessing.score(ctx, app.id)
    session.commit()
    # income 12 000 / 4 people = 3 000 ≤ 8 400: 35; one parent unable: 12; illness 15; rural 5
    assert result.total == Decimal(67)
    assert app.score == Decimal(67) and app.standard_version == 1
    assert app.suggested_tier.code == "relative" and app.decided_by == "score"
    assert app.status is ApplicationStatus.SCHOOL_REVIEW
    assert place.standard.first_used_at is not None


def test_submit_needs_commitment_and_consent(session, ctx, place):
    place.application.commitment_signed_on = None
    session.commit()
    with pytest.raises(FieldErrors) as err:
        identification.submit(ctx, place.application.id)
    assert "commitment_signed_on" in err.value.errors


def test_other_school_cannot_touch_the_application(session, ctx, place):
    other = Scope(district_id=place.school.district_id, school_id=place.other_school.id)
    with pytest.raises(ApplicationNotFound):
        identification.submit(context(session, other, clock=ctx.clock), place.application.id)


def test_a_different_final_tier_needs_a_written_reason(session, ctx, place):
    app = _submitted(session, ctx, place)
    assessing.score(ctx, app.id)
    with pytest.raises(FieldErrors) as err:
        assessing.decide(ctx, app.id, tier_code="special", decided_on=date(2026, 10, 9),
                         members="张校长、李老师、王老师", votes=VOTES)
    assert "tier_reason" in err.value.errors
    decision = assessing.decide(ctx, app.id, tier_code="special", decided_on=date(2026, 10, 9),
                                members="张校长、李老师、王老师", votes=VOTES, tier_reason="家访发现母亲需长期透析")
    session.commit()
    assert app.final_tier.code == "special" and decision.suggested_tier.code == "relative"


def test_illegal_steps_are_refused_with_a_message(session, ctx, place):
    with pytest.raises(IllegalStep) as err:
        assessing.score(ctx, place.application.id)
    assert str(err.value)
    with pytest.raises(IllegalStep):
        identification.approve(ctx, place.application.id)


def test_return_needs_a_reason_and_resubmission_scores_afresh(session, ctx, place):
    app = _submitted(session, ctx, place)
    assessing.score(ctx, app.id)
    with pytest.raises(FieldErrors):
        identification.return_for_correction(ctx, app.id, reason=" ")
    identification.return_for_correction(ctx, app.id, reason="缺少收入证明")
    session.commit()
    assert app.status is ApplicationStatus.RETURNED and app.return_reason == "缺少收入证明"
    place.household.members[0].presence = Presence.DECEASED
    session.commit()
    identification.submit(ctx, app.id)
    assert app.score is None and app.return_reason is None
    _, result = assessing.score(ctx, app.id)
    # no able parent left (20), parent deceased (10), 0 income (35), illness 15, rural 5
    assert result.total == Decimal(85)


def test_a_new_standard_version_never_rewrites_a_scored_application(session, ctx, place):
    app = _submitted(session, ctx, place)
    assessing.score(ctx, app.id)
    session.commit()
    from app.models import AssessmentStandard, StandardStatus

    data = dict(place.standard.data, thresholds=[["special", 60], ["relative", 40], ["general", 20]])
    place.standard.status = StandardStatus.RETIRED
    session.add(AssessmentStandard(district_id=place.standard.district_id, version=2, name="v2",
                                   school_year_id=place.standard.school_year_id, data=data,
                                   status=StandardStatus.ACTIVE))
    session.commit()
    _, result = assessing.score(ctx, app.id)
    assert result.standard_version == 1 and app.suggested_tier.code == "relative"


def test_every_step_is_audited(session, ctx, place):
    app = _submitted(session, ctx, place)
    assessing.score(ctx, app.id)
    identification.cancel(ctx, app.id, reason="提供虚假收入证明", recover_aid=True)
    session.commit()
    steps = [e.summary.split(":")[0] for e in session.query(AuditEvent).filter_by(
        action="workflow", entity="application", entity_id=str(app.id)).order_by(AuditEvent.id)]
    assert steps == ["submit", "assess", "cancel"]
    assert app.recover_aid and session.query(Tier).count() == 4


def test_after_the_window_only_a_mid_year_application_is_submitted(session, ctx, place, clock):
    term = place.application.term
    term.application_closes = date(2026, 9, 30)
    session.commit()
    clock.set(datetime(2026, 10, 8, 2, 0, tzinfo=UTC))  # 10:00 in Beijing, eight days after the window closed
    with pytest.raises(FieldErrors) as err:
        identification.submit(ctx, place.application.id)
    assert "is_midyear" in err.value.errors
    place.application.is_midyear = True
    place.household.sudden_event, place.household.sudden_event_on = "洪水冲毁住房", date(2026, 9, 20)
    session.commit()
    identification.submit(ctx, place.application.id)
    assert place.application.status is ApplicationStatus.SUBMITTED


def test_an_application_returned_after_the_window_goes_back_corrected(session, ctx, place, clock):
    term = place.application.term
    term.application_closes = date(2026, 9, 30)
    session.commit()
    clock.set(datetime(2026, 9, 20, 2, 0, tzinfo=UTC))
    identification.submit(ctx, place.application.id)
    session.commit()
    clock.set(datetime(2026, 10, 8, 2, 0, tzinfo=UTC))  # after the window: returned, corrected, sent back
    identification.return_for_correction(ctx, place.application.id, reason="请补充家庭收入证明")
    session.commit()
    identification.submit(ctx, place.application.id)
    assert place.application.status is ApplicationStatus.SUBMITTED and not place.application.is_midyear


def test_the_last_day_of_the_window_counts_in_china(session, ctx, place, clock):
    place.application.term.application_closes = date(2026, 9, 30)
    session.commit()
    # 23:30 on 30 September in Beijing is 15:30 UTC the same day; 00:30 on 1 October is 16:30 UTC on 30 Sept
    clock.set(datetime(2026, 9, 30, 15, 30, tzinfo=UTC))
    identification.submit(ctx, place.application.id)
    assert place.application.status is ApplicationStatus.SUBMITTED
