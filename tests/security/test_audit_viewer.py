"""The audit trail viewer: who may read it, filters, escaping, and no way to change an event."""
import pytest

from app.extensions import db
from app.models import AuditEvent
from app.security import audit
from tests.context import named
from tests.factories import make_school

LIST = "/auditeventmodelview/list/"


@pytest.fixture
def events(session):
    """Three events by different users; the second carries markup in its values."""
    audit.record(named("u_exporter"), "export", entity="student", row_count=12)
    audit.record(named("u_editor"), "update", entity="student", entity_id=42, detail="<b>李小明</b>",
                 old={"name": "<script>alert(1)</script>"}, new={"name": "李小明", "boarding": True})
    audit.record(named("u_intruder"), "login_failed")
    session.commit()
    return {e.username: e for e in session.query(AuditEvent).filter(AuditEvent.username.isnot(None))}


def test_auditor_reads_the_whole_trail(client, session, make_user, login, events):
    make_user("reader", "Auditor")
    login("reader")
    page = client.get(LIST).get_data(as_text=True)
    assert "u_exporter" in page and "u_editor" in page and "u_intruder" in page
    assert client.get(f"/auditeventmodelview/show/{events['u_editor'].id}").status_code == 200


def test_district_officer_reads_the_trail_of_their_district(client, session, make_user, login, events):
    school = make_school(session)
    audit.record(named("u_local"), "reveal", entity="student", entity_id=7, school_id=school.id)
    session.commit()
    make_user("reader", "DistrictOfficer", district=school.district)
    login("reader")
    page = client.get(LIST).get_data(as_text=True)
    assert "u_local" in page and "u_intruder" not in page
    assert client.get(f"/auditeventmodelview/show/{events['u_editor'].id}").status_code == 404


def test_school_officer_cannot_open_the_trail(client, session, make_user, login, events):
    school = make_school(session)
    session.commit()
    make_user("school1", "SchoolOfficer", school=school)
    login("school1")
    resp = client.get(LIST)
    assert resp.status_code in (302, 403) and "u_intruder" not in resp.get_data(as_text=True)


@pytest.fixture
def auditor(client, session, make_user, login):
    """A signed-in auditor."""
    make_user("auditor", "Auditor")
    login("auditor")
    return client


def test_newest_event_comes_first_with_translated_actions(auditor, events):
    page = auditor.get(LIST).get_data(as_text=True)
    assert page.index("u_intruder") < page.index("u_editor") < page.index("u_exporter")
    assert str(audit.ACTION_LABELS["login_failed"]) in page
    assert "/auditeventmodelview/add" not in page and "/auditeventmodelview/edit" not in page
    assert "/auditeventmodelview/delete" not in page


def test_show_page_lists_old_and_new_values_escaped(auditor, events):
    page = auditor.get(f"/auditeventmodelview/show/{events['u_editor'].id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "<b>李小明</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;李小明&lt;/b&gt;" in page
    assert 'class="table table-condensed audit-changes"' in page


def test_no_route_adds_edits_or_deletes_an_event(auditor, session, events):
    pk = events["u_editor"].id
    for method, url in (
        ("get", "/auditeventmodelview/add"), ("post", "/auditeventmodelview/add"),
        ("get", f"/auditeventmodelview/edit/{pk}"), ("post", f"/auditeventmodelview/edit/{pk}"),
        ("get", f"/auditeventmodelview/delete/{pk}"), ("post", f"/auditeventmodelview/delete/{pk}"),
        ("post", "/auditeventmodelview/action_post"), ("post", "/api/v1/auditevent/"),
        ("delete", f"/api/v1/auditevent/{pk}"), ("put", f"/api/v1/auditevent/{pk}"),
    ):
        resp = getattr(auditor, method)(url, data={"action": "muldelete", "rowid": [str(pk)]})
        assert resp.status_code in (403, 404, 405), (method, url, resp.status_code)
    session.expire_all()
    assert db.session.get(AuditEvent, pk).summary == "<b>李小明</b>"


def test_district_officer_gets_no_write_permission_on_the_trail(app, session, make_user, login):
    make_user("district", "DistrictOfficer", district=make_school(session).district)
    login("district")
    sm = app.appbuilder.sm
    with app.test_request_context():
        names = {p.permission.name for p in sm.find_role("DistrictOfficer").permissions
                 if p.view_menu.name == "AuditEvent"}
    assert names == {"can_read"}


@pytest.mark.parametrize("query, shown, hidden", [
    ("_flt_0_action=login_failed", "u_intruder", "u_editor"),
    ("_flt_0_username=u_ed", "u_editor", "u_intruder"),
    ("_flt_3_entity_id=42", "u_editor", "u_exporter"),
    ("_flt_0_entity=student", "u_exporter", "u_intruder"),
])
def test_filters_narrow_the_list(auditor, events, query, shown, hidden):
    page = auditor.get(f"{LIST}?{query}").get_data(as_text=True)
    assert shown in page and hidden not in page


@pytest.mark.parametrize("query", [
    "_flt_0_occurred_at=not-a-date", "_flt_0_school_id=abc", "_flt_0_action=NOPE",
    "_oc_AuditEventModelView=nosuch", "page_AuditEventModelView=-2",
])
def test_odd_filter_values_never_fail(auditor, events, query):
    assert auditor.get(f"{LIST}?{query}").status_code in (200, 302, 400)


def test_time_filters_take_local_time(auditor, session):
    from datetime import UTC, datetime

    for hour, name in ((0, "early_bird"), (3, "late_comer")):  # UTC; 08:00 and 11:00 in Beijing
        session.add(AuditEvent(occurred_at=datetime(2026, 1, 1, hour, tzinfo=UTC), action="export", username=name))
    session.commit()
    after = auditor.get(f"{LIST}?_flt_0_occurred_at=2026-01-01 09:00:00").get_data(as_text=True)
    before = auditor.get(f"{LIST}?_flt_1_occurred_at=2026-01-01 09:00:00").get_data(as_text=True)
    assert "late_comer" in after and "early_bird" not in after
    assert "early_bird" in before and "late_comer" not in before
    assert "2026-01-01 08:00" in before
