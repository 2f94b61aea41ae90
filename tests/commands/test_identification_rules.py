"""Identification rules from both sides: the application window on China's day, re-assessment of approved pupils."""
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from app.commands import identification
from app.commands.identification import IllegalStep
from app.errors import FieldErrors
from app.models import ApplicationStatus
from app.services.facts import sudden_event_recent
from tests.context import context

CLOSES = date(2026, 9, 30)


@pytest.fixture
def window(session, place):
    """The place's application window closes on 30 September (China's day)."""
    place.application.term.application_closes = CLOSES
    session.commit()
    return place


def _at(session, place, clock, moment: datetime):
    """The school officer's context with the clock at `moment` (UTC)."""
    clock.set(moment.replace(tzinfo=UTC))
    return context(session, place.scope, clock=clock)


def test_a_utc_time_already_on_the_next_day_in_china_is_after_the_window(session, window, clock):
    # 16:30 UTC on 30 September is 00:30 on 1 October in Beijing: the window has closed
    with pytest.raises(FieldErrors) as err:
        identification.submit(_at(session, window, clock, datetime(2026, 9, 30, 16, 30)), window.application.id)
    assert list(err.value.errors) == ["is_midyear"]
    assert window.application.status is ApplicationStatus.DRAFT


def test_the_last_hour_of_the_last_day_in_china_is_inside_the_window(session, window, clock):
    # 15:59 UTC on 30 September is 23:59 the same day in Beijing
    identification.submit(_at(session, window, clock, datetime(2026, 9, 30, 15, 59)), window.application.id)
    assert window.application.status is ApplicationStatus.SUBMITTED


def test_a_mid_year_application_is_submitted_after_the_window(session, window, clock):
    window.application.is_midyear = True
    window.household.sudden_event, window.household.sudden_event_on = "家中失火", date(2026, 9, 1)
    session.commit()
    identification.submit(_at(session, window, clock, datetime(2026, 9, 30, 16, 30)), window.application.id)
    assert window.application.status is ApplicationStatus.SUBMITTED


def test_a_returned_mid_year_application_still_needs_its_sudden_event(session, window, clock):
    window.application.is_midyear = True
    window.household.sudden_event, window.household.sudden_event_on = "家中失火", date(2026, 10, 3)
    session.commit()
    identification.submit(_at(session, window, clock, datetime(2026, 10, 8, 2, 0)), window.application.id)
    identification.return_for_correction(_at(session, window, clock, datetime(2026, 10, 9, 2, 0)),
                                         window.application.id, reason="请补充突发事件证明")
    window.household.sudden_event = None  # "corrected" by removing the event the application rests on
    session.commit()
    with pytest.raises(FieldErrors):
        identification.submit(_at(session, window, clock, datetime(2026, 10, 10, 2, 0)), window.application.id)
    assert window.application.status is ApplicationStatus.RETURNED


def _approved(session, place, clock):
    """The place's application submitted, then marked approved (the notice path is tested elsewhere)."""
    identification.submit(_at(session, place, clock, datetime(2026, 9, 8, 2, 0)), place.application.id)
    place.application.status = ApplicationStatus.APPROVED
    place.application.approved_on = datetime(2026, 9, 20, 2, 0, tzinfo=UTC)
    session.commit()
    return place.application


def test_reassessment_moves_an_approved_application_out_of_approved(session, place, clock):
    app = _approved(session, place, clock)
    identification.reassess(_at(session, place, clock, datetime(2026, 11, 2, 2, 0)), app.id, reason="家庭收入已改善")
    assert app.status is ApplicationStatus.SUBMITTED and app.approved_on is None
    assert app.submitted_on == datetime(2026, 11, 2, 2, 0, tzinfo=UTC) and app.score is None


def test_reassessment_needs_an_approved_application_and_a_reason(session, place, clock):
    ctx = _at(session, place, clock, datetime(2026, 11, 2))
    with pytest.raises(IllegalStep):
        identification.reassess(ctx, place.application.id, reason="复核")
    app = _approved(session, place, clock)
    with pytest.raises(FieldErrors):
        identification.reassess(_at(session, place, clock, datetime(2026, 11, 2)), app.id, reason="   ")
    assert app.status is ApplicationStatus.APPROVED


# --- parents not entered (issue 12, item 4) ---------------------------------------------------------
def _without_parents(session, place):
    """The place's household with its father and mother deleted: only the grandmother is entered."""
    from app.models import Relation

    for member in [m for m in place.household.members if m.relation in (Relation.FATHER, Relation.MOTHER)]:
        place.household.members.remove(member)
    session.commit()
    return place


def test_a_household_without_parent_or_guardian_is_refused_at_submission(session, place, clock):
    _without_parents(session, place)
    with pytest.raises(FieldErrors) as err:
        identification.submit(_at(session, place, clock, datetime(2026, 9, 8, 2, 0)), place.application.id)
    assert list(err.value.errors) == ["no_parent_reason"]
    with force_locale("zh"):
        assert err.value.first_message().startswith("未登记父母或监护人的原因：")
    assert place.application.status is ApplicationStatus.DRAFT


def test_a_deceased_parent_recorded_is_a_parent_recorded(session, place, clock):
    from app.models import Presence

    place.household.members[0].presence = Presence.DECEASED
    place.household.members[1].presence = Presence.DECEASED
    session.commit()
    identification.submit(_at(session, place, clock, datetime(2026, 9, 8, 2, 0)), place.application.id)
    assert place.application.status is ApplicationStatus.SUBMITTED


def test_a_household_marked_orphan_is_submitted_and_scored_as_no_one_able_to_work(session, place, clock):
    from app.commands import assessing
    from app.models import NoParentReason

    _without_parents(session, place)
    place.household.no_parent_reason = NoParentReason.ORPHAN
    session.commit()
    ctx = _at(session, place, clock, datetime(2026, 9, 8, 2, 0))
    identification.submit(ctx, place.application.id)
    assert place.application.household_snapshot["household"]["no_parent_reason"] == "orphan"
    _, result = assessing.score(ctx, place.application.id)
    assert {line.indicator: line.answer for line in result.lines}["parents_unable"] == 2


def test_the_reason_other_needs_its_note(session, place, clock):
    from app.models import NoParentReason

    _without_parents(session, place)
    place.household.no_parent_reason = NoParentReason.OTHER
    session.commit()
    ctx = _at(session, place, clock, datetime(2026, 9, 8, 2, 0))
    with pytest.raises(FieldErrors) as err:
        identification.submit(ctx, place.application.id)
    assert list(err.value.errors) == ["no_parent_note"]
    place.household.no_parent_note = "父母离异后均不再抚养，由姑姑临时照看"
    session.commit()
    identification.submit(ctx, place.application.id)
    assert place.application.status is ApplicationStatus.SUBMITTED


# --- mid-year applications need the sudden event (issue 12, item 5) ---------------------------------
AFTER = datetime(2026, 10, 8, 2, 0)  # 10:00 on 8 October in Beijing, after the window closed on 30 September


def _midyear(session, window, **household):
    window.application.is_midyear = True
    for key, value in household.items():
        setattr(window.household, key, value)
    session.commit()
    return window.application


def test_ticking_mid_year_alone_no_longer_lets_a_late_application_through(session, window, clock):
    app = _midyear(session, window)
    with pytest.raises(FieldErrors) as err:
        identification.submit(_at(session, window, clock, AFTER), app.id)
    assert sorted(err.value.errors) == ["sudden_event", "sudden_event_on"]
    assert app.status is ApplicationStatus.DRAFT


def test_a_mid_year_application_needs_when_the_sudden_event_happened(session, window, clock):
    app = _midyear(session, window, sudden_event="父亲车祸重伤")
    with pytest.raises(FieldErrors) as err:
        identification.submit(_at(session, window, clock, AFTER), app.id)
    assert list(err.value.errors) == ["sudden_event_on"]


@pytest.mark.parametrize(("event_on", "accepted"), [
    (date(2025, 10, 8), True),  # the first day of the scorer's 12 months
    (date(2025, 10, 7), False),  # a day too early: the scorer would not count it either
    (date(2026, 10, 8), True),  # today
    (date(2026, 10, 9), False),  # tomorrow
])
def test_the_sudden_event_lies_within_the_scorers_window(session, window, clock, event_on, accepted):
    app = _midyear(session, window, sudden_event="洪水冲毁住房", sudden_event_on=event_on)
    ctx = _at(session, window, clock, AFTER)
    if accepted:
        identification.submit(ctx, app.id)
        assert app.status is ApplicationStatus.SUBMITTED
        assert sudden_event_recent(app.household_snapshot["household"]["sudden_event_on"],
                                   app.household_snapshot["taken_on"])
    else:
        with pytest.raises(FieldErrors) as err:
            identification.submit(ctx, app.id)
        assert list(err.value.errors) == ["sudden_event_on"]
        with force_locale("zh"):
            assert "2025-10-08" in err.value.first_message() and "2026-10-08" in err.value.first_message()


def test_inside_the_window_no_sudden_event_is_needed(session, window, clock):
    identification.submit(_at(session, window, clock, datetime(2026, 9, 8, 2, 0)), window.application.id)
    assert window.application.status is ApplicationStatus.SUBMITTED
