"""The notice pages: privacy of the A4 page and the xlsx, scope, the steps and objections over HTTP."""
import io
import re
import zipfile
from datetime import timedelta

import pytest

from app.clock import FixedClock
from app.commands import notices as cmd
from app.models import Application, ApplicationStatus, AuditEvent, NoticeStatus, Objection, SpecialGroup
from tests.commands.test_notices import SECRETS, decide, notice_with_two, secret_household
from tests.context import context


def days_ago(session, place, clock, days: int):
    """A context of the school officer's scope on the app's clock `days` ago."""
    return context(session, place.scope, clock=FixedClock(clock.now() - timedelta(days=days)))


@pytest.fixture
def published(session, place, login, clock):
    """A published notice starting today (or the next working day), school1 signed in."""
    notice, pupil, app = notice_with_two(session, place, starts_on=clock.today())
    cmd.publish_notice(context(session, place.scope, clock=clock), notice.id)
    session.commit()
    clock.set_day(notice.starts_on)  # the notice's first day (today may be a weekend)
    login("school1")
    return notice, pupil


def forbidden(session, pupil) -> list[str]:
    """Every private value of the pupil and household, and every special-group name."""
    groups = [name for (name,) in session.query(SpecialGroup.name)]
    return [pupil.id_number, pupil.student_no, pupil.birth_date.isoformat(), *SECRETS.values(), *groups]


def xlsx_text(content: bytes) -> str:
    """The text of every cell (shared strings and inline values) of an xlsx file."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        xml = " ".join(book.read(n).decode("utf-8") for n in book.namelist()
                       if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml")
    return re.sub(r"<[^>]+>", " ", xml)


def test_the_print_page_and_xlsx_show_names_and_nothing_private(session, client, published):
    notice, pupil = published
    page = client.get(f"/notices/{notice.id}/print")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    download = client.get(f"/notices/{notice.id}/xlsx")
    assert download.status_code == 200 and download.mimetype.endswith("spreadsheetml.sheet")
    cells = xlsx_text(download.data)
    staff_page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    for text in (html, cells, staff_page):
        assert "赵小红" in text and "李小明" in text and "特别困难" in text
        for value in forbidden(session, pupil):
            assert value not in text, value
    assert "data-zz-print" in html and 'id="zz-withdrawn"' not in html
    assert session.query(AuditEvent).filter_by(action="export", entity="public_notice",
                                               entity_id=str(notice.id)).count() == 1


def test_a_withdrawn_notice_is_marked_and_not_downloadable(session, client, published):
    notice, _ = published
    assert client.post(f"/notices/{notice.id}/withdraw").status_code == 302
    session.expire_all()
    assert notice.status is NoticeStatus.WITHDRAWN
    html = client.get(f"/notices/{notice.id}/print").get_data(as_text=True)
    assert 'id="zz-withdrawn"' in html and "data-zz-print" not in html
    assert client.get(f"/notices/{notice.id}/xlsx").status_code == 302


def test_another_school_gets_404_on_every_notice_page(session, client, place, make_user, login, clock):
    notice, _, _ = notice_with_two(session, place, starts_on=clock.today())
    make_user("school2", "SchoolOfficer", school=place.other_school)
    login("school2")
    for url in (f"/notices/{notice.id}", f"/notices/{notice.id}/print", f"/notices/{notice.id}/xlsx"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/notices/{notice.id}/publish").status_code == 404
    entry = notice.entries[0].id
    assert client.post("/objections/record", data={"entry_id": entry, "received_on": clock.today().isoformat(),
                                                   "content": "x"}).status_code == 404
    assert client.get("/notices/").status_code == 200
    assert notice.title not in client.get("/notices/").get_data(as_text=True)


def test_a_draft_is_previewed_then_saved_and_published(session, client, place, login, clock):
    decide(session, place.scope, place.application)
    session.commit()
    login("school1")
    term = place.application.term_id
    preview = client.get(f"/notices/new?term_id={term}&starts_on={clock.today().isoformat()}")
    assert preview.status_code == 200 and 'id="zz-notice-preview"' in preview.get_data(as_text=True)
    saved = client.post("/notices/new", data={"term_id": term, "starts_on": clock.today().isoformat(),
                                              "contact": "校办"})
    assert saved.status_code == 302
    notice = session.query(cmd.PublicNotice).one()
    assert [e.name for e in notice.entries] == ["李小明"] and notice.contact == "校办"
    assert client.post(f"/notices/{notice.id}/publish").status_code == 302
    session.expire_all()
    assert place.application.status is ApplicationStatus.NOTICE


def test_objections_are_recorded_answered_and_listed(session, client, published):
    notice, _ = published
    entry = notice.entries[0]
    reply = client.post("/objections/record", data={"entry_id": entry.id, "notice_id": notice.id,
                                                    "received_on": notice.starts_on.isoformat(),
                                                    "content": "家里条件不差"})
    assert reply.status_code == 302
    objection = session.query(Objection).one()
    assert objection.entry_id == entry.id and objection.due_on > objection.received_on
    assert f'data-objection="{objection.id}"' in client.get("/objections/?state=open").get_data(as_text=True)
    assert f'data-objection="{objection.id}"' not in client.get("/objections/?state=answered").get_data(as_text=True)
    client.post(f"/objections/{objection.id}/answer", data={"answer": "已核实", "outcome": "dismissed",
                                                           "answered_on": notice.starts_on.isoformat()})
    session.expire_all()
    assert objection.answered_on == notice.starts_on and objection.answer == "已核实"


def test_an_overdue_objection_is_red_on_the_notice_page(session, client, place, login, clock):
    notice, _, _ = notice_with_two(session, place, starts_on=clock.today() - timedelta(days=14))
    cmd.publish_notice(days_ago(session, place, clock, 15), notice.id)
    objection = Objection(notice_id=notice.id, entry_id=notice.entries[0].id, school_id=place.school.id,
                          application_id=notice.entries[0].application_id, received_on=notice.starts_on,
                          content="异议", due_on=clock.today() - timedelta(days=1))
    session.add(objection)
    session.commit()
    login("school1")
    html = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert re.search(rf'data-objection="{objection.id}" data-urgency="overdue"', html)
    assert "zz-overdue" in html
    # the notice ended: approving is refused while the objection is open
    assert client.post(f"/notices/{notice.id}/approve").status_code == 302
    assert session.query(Application).filter_by(status=ApplicationStatus.APPROVED).count() == 0


def test_no_page_load_withdraws_an_ended_notice(session, client, place, login, clock):
    notice, _, _ = notice_with_two(session, place, starts_on=clock.today() - timedelta(days=14))
    cmd.publish_notice(days_ago(session, place, clock, 15), notice.id)
    session.commit()
    login("school1")
    events = session.query(AuditEvent).count()
    for url in ("/notices/", f"/notices/{notice.id}", f"/notices/{notice.id}/print", "/objections/"):
        assert client.get(url).status_code == 200, url
    session.expire_all()
    assert notice.status is NoticeStatus.PUBLISHED  # the hourly task takes it down, not a reader
    assert session.query(AuditEvent).count() == events


def test_class_teacher_cannot_publish(session, client, place, make_user, login, clock):
    notice, _, _ = notice_with_two(session, place, starts_on=clock.today())
    make_user("teacher", "ClassTeacher", school=place.school)
    login("teacher")
    assert client.post(f"/notices/{notice.id}/publish").status_code in (302, 403)
    session.expire_all()
    assert notice.status is NoticeStatus.DRAFT


def test_secret_household_helper_fills_every_private_field(session, place):
    pupil, app = secret_household(session, place)
    household = pupil.household
    assert household.address and household.phone and household.bank_account and household.special_groups
    assert app.reason == SECRETS["reason"]


def test_workbench_to_dos_follow_objections_and_notices(app, session, place, clock):
    from app.workbench import notices as todos
    from app.workbench.context import make_context

    decide(session, place.scope, place.application)
    session.commit()
    with app.test_request_context():
        ctx = make_context(context(session, place.scope, clock=clock))
        assert todos.decided_not_on_a_notice(ctx).count == 1
        earlier = days_ago(session, place, clock, 21)
        notice = cmd.create_notice(earlier, school_id=place.school.id, term_id=place.application.term_id,
                                   starts_on=clock.today() - timedelta(days=20))
        cmd.publish_notice(earlier, notice.id)
        session.add(Objection(notice_id=notice.id, entry_id=notice.entries[0].id, school_id=place.school.id,
                              application_id=place.application.id, received_on=notice.starts_on,
                              content="异议", due_on=clock.today() - timedelta(days=2)))
        session.commit()
        ctx = make_context(context(session, place.scope, clock=clock))
        assert todos.decided_not_on_a_notice(ctx).count == 0
        assert [t.count for t in todos.objections_to_answer(ctx)] == [1, 0, 0]
        assert todos.notices_to_approve(ctx).count == 1


def test_the_district_must_choose_a_school_for_a_draft(session, client, place, login, clock):
    decide(session, place.scope, place.application)
    session.commit()
    login("district")
    term = place.application.term_id
    no_school = client.post("/notices/new", data={"term_id": term, "starts_on": clock.today().isoformat()})
    assert no_school.status_code == 200
    assert session.query(cmd.PublicNotice).count() == 0
    page = client.get(f"/notices/new?term_id={term}&school_id={place.school.id}").get_data(as_text=True)
    assert 'id="zz-save-draft"' in page
    assert client.post("/notices/new", data={"term_id": term, "school_id": place.school.id,
                                             "starts_on": clock.today().isoformat()}).status_code == 302
    assert session.query(cmd.PublicNotice).count() == 1


def test_a_refused_draft_goes_back_to_the_form_with_its_choices_and_the_reason(session, client, place, login, clock):
    login("school1")
    term = place.application.term_id
    refused = client.post("/notices/new", data={"term_id": term, "starts_on": clock.today().isoformat(),
                                                "contact": "校办"})
    assert refused.status_code == 200  # the form again, as sent
    page = refused.get_data(as_text=True)
    assert "等待公示的申请" in page and 'value="校办"' in page  # nothing decided: the reason, the choices kept
    assert session.query(cmd.PublicNotice).count() == 0
