"""Identification rules from both sides: the application window on China's day, re-assessment of approved pupils."""
from datetime import UTC, date, datetime

import pytest

from app.commands import identification
from app.commands.identification import IllegalStep
from app.errors import FieldErrors
from app.models import ApplicationStatus
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
    session.commit()
    identification.submit(_at(session, window, clock, datetime(2026, 9, 30, 16, 30)), window.application.id)
    assert window.application.status is ApplicationStatus.SUBMITTED


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
