"""Identification rules from both sides: the application window on China's day, re-assessment of approved pupils."""
from datetime import date, datetime

import pytest

from app.commands import identification
from app.errors import FieldErrors
from app.commands.identification import IllegalStep
from app.models import ApplicationStatus

CLOSES = date(2026, 9, 30)


@pytest.fixture
def window(session, place):
    """The place's application window closes on 30 September (China's day)."""
    place.application.term.application_closes = CLOSES
    session.commit()
    return place


def test_a_utc_time_already_on_the_next_day_in_china_is_after_the_window(session, window):
    # 16:30 UTC on 30 September is 00:30 on 1 October in Beijing: the window has closed
    with pytest.raises(FieldErrors) as err:
        identification.submit(session, window.application.id, window.scope, now=datetime(2026, 9, 30, 16, 30))
    assert list(err.value.errors) == ["is_midyear"]
    assert window.application.status is ApplicationStatus.DRAFT


def test_the_last_hour_of_the_last_day_in_china_is_inside_the_window(session, window):
    # 15:59 UTC on 30 September is 23:59 the same day in Beijing
    identification.submit(session, window.application.id, window.scope, now=datetime(2026, 9, 30, 15, 59))
    assert window.application.status is ApplicationStatus.SUBMITTED


def test_a_mid_year_application_is_submitted_after_the_window(session, window):
    window.application.is_midyear = True
    session.commit()
    identification.submit(session, window.application.id, window.scope, now=datetime(2026, 9, 30, 16, 30))
    assert window.application.status is ApplicationStatus.SUBMITTED


def _approved(session, place):
    """The place's application submitted, then marked approved (the notice path is tested elsewhere)."""
    identification.submit(session, place.application.id, place.scope, now=datetime(2026, 9, 8, 2, 0))
    place.application.status = ApplicationStatus.APPROVED
    place.application.approved_on = datetime(2026, 9, 20, 2, 0)
    session.commit()
    return place.application


def test_reassessment_moves_an_approved_application_out_of_approved(session, place):
    app = _approved(session, place)
    identification.reassess(session, app.id, place.scope, reason="家庭收入已改善", now=datetime(2026, 11, 2, 2, 0))
    assert app.status is ApplicationStatus.SUBMITTED and app.approved_on is None
    assert app.submitted_on == datetime(2026, 11, 2, 2, 0) and app.score is None


def test_reassessment_needs_an_approved_application_and_a_reason(session, place):
    with pytest.raises(IllegalStep):
        identification.reassess(session, place.application.id, place.scope, reason="复核", now=datetime(2026, 11, 2))
    app = _approved(session, place)
    with pytest.raises(FieldErrors):
        identification.reassess(session, app.id, place.scope, reason="   ", now=datetime(2026, 11, 2))
    assert app.status is ApplicationStatus.APPROVED
