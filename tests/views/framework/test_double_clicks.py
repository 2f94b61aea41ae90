"""A create form sent twice (a double click, eight clicks at once) records once: the one-time token."""
import re
from datetime import UTC, datetime

from app.clock import FixedClock
from app.commands import identification
from app.commands import notices as notice_cmd
from app.models import (
    AssessmentStandard,
    Health,
    HomeVisit,
    HouseholdMember,
    Objection,
    Presence,
    PublicNotice,
    Relation,
    SchoolYear,
    WorkAbility,
)
from app.runner import run
from tests.context import context
from tests.factories import make_household, make_school
from tests.race import fresh, page_client, race

THREADS = 8
NOW = datetime(2026, 10, 8, 9, 30, tzinfo=UTC)
VISIT = {"visited_on": "2026-10-08", "visitors": "李老师、王老师", "findings": "母亲长期患病", "facts_confirmed": "y"}


def _token(client, path: str, marker: str) -> str:
    """The one-time token of the first form whose tag holds `marker` on the page at `path`."""
    html = fresh(client.application, lambda: client.get(path)).get_data(as_text=True)
    form = re.search(rf'<form[^>]*{marker}.*?</form>', html, re.S)  # an id="…" or any attribute
    assert form, f"no form {marker} on {path}"
    token = re.search(r'name="once_token"[^>]*value="([^"]+)"', form.group(0))
    assert token, f"the form {marker} carries no one-time token"
    return token.group(1)


def _clicks(app, username: str, path: str, data: dict) -> list:
    """The same form (same token) posted by `THREADS` clicks at once."""
    clients = [page_client(app, username) for _ in range(THREADS)]
    return race(clients, lambda c, i: c.post(path, data=data))


def _count(session, model, **criteria) -> int:
    """Committed rows of `model`, read afresh."""
    session.expire_all()
    return session.query(model).filter_by(**criteria).count()


def _submitted(session, place) -> int:
    """The place's application, submitted."""
    run(context(session, place.scope, clock=FixedClock(NOW)), identification.submit, place.application.id)
    return place.application.id


def test_a_home_visit_clicked_eight_times_is_recorded_once(app, session, place):
    pk = _submitted(session, place)
    token = _token(page_client(app, "school1"), f"/assessment/{pk}", 'id="zz-visit-form"')
    answers = _clicks(app, "school1", f"/assessment/{pk}/visit", {**VISIT, "once_token": token})
    assert all(a.status == 302 for a in answers)
    assert _count(session, HomeVisit, application_id=pk) == 1


def test_two_home_visit_forms_record_two_visits_and_a_resent_one_nothing(app, session, place):
    pk = _submitted(session, place)
    client = page_client(app, "school1")
    first, second = (_token(client, f"/assessment/{pk}", 'id="zz-visit-form"') for _ in range(2))
    assert first != second
    for token in (first, second, first):
        fresh(app, lambda t=token: client.post(f"/assessment/{pk}/visit", data={**VISIT, "once_token": t}))
    assert _count(session, HomeVisit, application_id=pk) == 2


def test_a_refused_form_may_be_corrected_and_sent_again(app, session, place):
    pk = _submitted(session, place)
    client = page_client(app, "school1")
    token = _token(client, f"/assessment/{pk}", 'id="zz-visit-form"')
    fresh(app, lambda: client.post(f"/assessment/{pk}/visit", data={**VISIT, "visitors": "", "once_token": token}))
    assert _count(session, HomeVisit, application_id=pk) == 0
    fresh(app, lambda: client.post(f"/assessment/{pk}/visit", data={**VISIT, "once_token": token}))
    assert _count(session, HomeVisit, application_id=pk) == 1


def test_an_objection_clicked_eight_times_is_recorded_once(app, session, place, clock):
    from tests.commands.test_notices import notice_with_two

    notice, _, _ = notice_with_two(session, place, starts_on=clock.today())  # the app's day, not the server's
    run(context(session, place.scope, clock=clock), notice_cmd.publish_notice, notice.id)
    entry, notice_id, starts_on = notice.entries[0].id, notice.id, notice.starts_on
    clock.set_day(starts_on)  # the notice's first day (today may be a weekend)
    token = _token(page_client(app, "school1"), f"/notices/{notice_id}", 'id="zz-record-objection"')
    data = {"entry_id": entry, "notice_id": notice_id, "received_on": starts_on.isoformat(),
            "content": "家里条件不差", "once_token": token}
    answers = _clicks(app, "school1", "/objections/record", data)
    assert all(a.status == 302 for a in answers)
    assert _count(session, Objection, entry_id=entry) == 1


def test_a_notice_draft_saved_eight_times_at_once_is_one_draft(app, session, place):
    from tests.commands.test_notices import THU, decide

    decide(session, place.scope, place.application)
    session.commit()
    school_id, term_id = place.school.id, place.application.term_id
    token = _token(page_client(app, "school1"), "/notices/new", 'id="zz-save-draft"')
    data = {"term_id": term_id, "starts_on": THU.isoformat(), "once_token": token}
    answers = _clicks(app, "school1", "/notices/new", data)
    assert all(a.status == 302 for a in answers)
    assert _count(session, PublicNotice, school_id=school_id) == 1


def test_a_new_standard_draft_clicked_eight_times_is_one_draft(app, session, place):
    district_id = place.school.district_id
    year_id = session.query(SchoolYear.id).filter_by(is_current=True).scalar()
    before = _count(session, AssessmentStandard, district_id=district_id)
    token = _token(page_client(app, "district"), "/standards/", 'id="zz-std-new"')
    answers = _clicks(app, "district", "/standards/new", {"school_year_id": year_id, "once_token": token})
    assert all(a.status == 302 for a in answers)
    assert _count(session, AssessmentStandard, district_id=district_id) == before + 1


def _member_form(household_id: int, token: str) -> dict:
    """The add form of a household member (nothing in it is unique: only the token stops a twin)."""
    enums = {"relation": Relation.MOTHER, "presence": next(iter(Presence)), "work_ability": next(iter(WorkAbility)),
             "health": next(iter(Health))}
    return {"household": str(household_id), "name": "李秀英", "birth_year": "1985", "annual_income": "1200",
            **{field: member.name for field, member in enums.items()}, "once_token": token}


def _district_household(session, make_user) -> int:
    """A household of a district whose officer (`district`) may add members to it."""
    school = make_school(session)
    household = make_household(session, district=school.district)
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    return household.id


def test_a_crud_add_form_clicked_eight_times_adds_once(app, session, make_user):
    hid = _district_household(session, make_user)
    token = _token(page_client(app, "district"), "/householdmembermodelview/add", 'method="post"')
    answers = _clicks(app, "district", "/householdmembermodelview/add", _member_form(hid, token))
    assert all(a.status == 302 for a in answers), [a.status for a in answers]
    assert _count(session, HouseholdMember, household_id=hid) == 1


def test_two_crud_add_forms_add_two(app, session, make_user):
    hid = _district_household(session, make_user)
    client = page_client(app, "district")
    for _ in range(2):
        form = _member_form(hid, _token(client, "/householdmembermodelview/add", 'method="post"'))
        fresh(app, lambda f=form: client.post("/householdmembermodelview/add", data=f))
    assert _count(session, HouseholdMember, household_id=hid) == 2
