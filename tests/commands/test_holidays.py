"""The default standard carries the official holidays and make-up working days (seed/holidays.json),
and notice periods and objection deadlines skip them: 国庆 2026, 春节 2027."""
from datetime import date

import pytest

from app.clock import FixedClock, day_start
from app.commands import assessing, identification
from app.commands import notices as cmd
from app.commands import objections as obj
from app.commands import standard_versions as versions
from app.commands.standards import seed_standard
from app.security.scope import Scope
from tests.context import context
from tests.factories import current_term, make_school

LAST_BEFORE_NATIONAL_DAY = date(2026, 9, 30)  # Wednesday; 1–7 October off, Saturday 10 October worked


@pytest.fixture
def autumn_2026(clock):
    """The app clock on 1 September 2026, before the `place` fixture seeds its standard."""
    clock.set_day(date(2026, 9, 1))
    return clock


def at(session, scope, day: date):
    """A context of `scope` at 09:00 of a China day."""
    clock = FixedClock(day_start(day))
    clock.set_day(day)
    return context(session, scope, clock=clock)


def params(standard) -> dict:
    """The standard's local parameters."""
    return standard.data["parameters"]


def test_the_default_standard_carries_this_years_and_next_years_official_days(autumn_2026, session, place):
    holidays, workdays = params(place.standard)["holidays"], params(place.standard)["workdays"]
    assert {"2026-10-01", "2026-10-07", "2026-09-25", "2027-01-01", "2027-02-05", "2027-02-08"} <= set(holidays)
    assert {"2026-09-20", "2026-10-10", "2026-02-28"} <= set(workdays)
    assert "2025-10-01" not in holidays  # last year's days are not this standard's
    assert holidays == sorted(holidays) and workdays == sorted(workdays)


def test_a_standard_seeded_last_year_carries_last_years_days(clock, session):
    clock.set_day(date(2025, 9, 1))
    school = make_school(session)
    row = seed_standard(session, school.district_id, current_term(session).school_year_id)
    assert {"2025-10-08", "2026-02-15"} <= set(params(row)["holidays"])
    assert {"2025-09-28", "2025-10-11", "2026-02-14"} <= set(params(row)["workdays"])


def test_a_draft_from_the_default_standard_carries_the_days_for_the_district_to_edit(clock, session, place):
    clock.set_day(date(2026, 9, 1))
    ctx = at(session, place.district_scope, date(2026, 9, 1))
    draft = versions.create_from_default(ctx, district_id=place.school.district_id,
                                         school_year_id=current_term(session).school_year_id)
    assert "2026-10-01" in params(draft)["holidays"] and "2026-10-10" in params(draft)["workdays"]


def _decided(session, scope: Scope, app) -> None:
    """Submit, score and decide the application (the suggested tier) in late September 2026."""
    app.commitment_signed_on = app.consent_signed_on = date(2026, 9, 21)
    ctx = at(session, scope, date(2026, 9, 28))
    identification.submit(ctx, app.id)
    assessing.score(ctx, app.id)
    assessing.decide(ctx, app.id, tier_code="relative", decided_on=date(2026, 9, 28), members="张校长、李老师",
                     votes=(5, 0, 0), tier_reason="家访核实")


def test_a_notice_published_before_national_day_ends_after_it_and_its_make_up_saturday_counts(
        autumn_2026, session, place):
    _decided(session, place.scope, place.application)
    ctx = at(session, place.scope, LAST_BEFORE_NATIONAL_DAY)
    notice = cmd.create_notice(ctx, school_id=place.school.id, term_id=current_term(session).id,
                               starts_on=LAST_BEFORE_NATIONAL_DAY)
    # Wed 30 Sep; 1–7 Oct off; Thu 8, Fri 9, Sat 10 (worked), Mon 12
    assert (notice.starts_on, notice.ends_on) == (LAST_BEFORE_NATIONAL_DAY, date(2026, 10, 12))
    cmd.publish_notice(ctx, notice.id)
    objection = obj.record_objection(ctx, notice.entries[0].id, received_on=LAST_BEFORE_NATIONAL_DAY,
                                     content="该生家里新盖了楼房", raised_by="匿名")
    # three working days after receipt: Thu 8, Fri 9 and the make-up Saturday 10 October
    assert objection.due_on == date(2026, 10, 10)


def test_a_notice_over_the_spring_festival_skips_its_statutory_days(autumn_2026, session, place):
    cal = cmd.calendar_for(session, place.school.district_id, current_term(session).school_year_id)
    # Thu 4 Feb 2027; 除夕 Fri 5 and 初三 Mon 8 are statutory days off; Tue 9 … Fri 12
    assert cal.add(date(2027, 2, 4), 5) == date(2027, 2, 12)
    assert cal.next_working_day(date(2027, 2, 5)) == date(2027, 2, 9)
