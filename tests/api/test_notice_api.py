"""Public notices and objections over REST: create, publish, object, answer, approve; what entries
show; scope, permissions and refused input."""
from datetime import date, timedelta

import pytest

from app.clock import app_clock
from app.commands import assessing, identification
from app.models import Application, ApplicationStatus, Objection, PublicNotice
from tests.context import context
from tests.factories import current_term

ENTRY_KEYS = {"id", "name", "grade", "class_name", "tier_name", "aid_item"}


@pytest.fixture
def decided(session, place, clock):
    """The fixture's application submitted, scored and decided (比较困难), waiting for a notice; the
    app's clock stands at 09:00 today."""
    ctx = context(session, place.scope, clock=clock)
    identification.submit(ctx, place.application.id)
    assessing.score(ctx, place.application.id)
    assessing.decide(ctx, place.application.id, tier_code="relative", decided_on=clock.today(),
                     members="张校长、李老师、王老师", votes=(5, 0, 0))
    session.commit()
    return place


def _notice(client, headers, session, **body):
    """POST a draft notice for the current term starting on the app's today; its JSON."""
    body = {"term_id": current_term(session).id, "starts_on": app_clock().today().isoformat(), **body}
    resp = client.post("/api/v1/public_notice/", json=body, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["result"]


def test_notice_objection_answer_and_approval(client, session, decided, jwt, clock):
    headers = jwt("school1")
    draft = _notice(client, headers, session, title="认定结果公示", contact="学校资助办 0000-1234567")
    assert draft["status"] == "draft" and draft["school_id"] == decided.school.id
    assert [set(e) for e in draft["entries"]] == [ENTRY_KEYS]
    published = client.post(f"/api/v1/public_notice/{draft['id']}/publish", headers=headers)
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    notice = published.get_json()
    entry = notice["entries"][0]
    clock.set_day(date.fromisoformat(notice["starts_on"]))  # the notice's first day (today may be a weekend)
    assert entry["name"] == decided.student.name and entry["tier_name"]

    raised = client.post("/api/v1/objection/", headers=headers, json={
        "entry_id": entry["id"], "received_on": notice["starts_on"], "content": "该生家庭新购轿车",
        "raised_by": "匿名"})
    assert raised.status_code == 201, raised.get_json()
    objection = raised.get_json()["result"]
    assert objection["application_id"] == decided.application.id and objection["due_on"]
    running = client.post(f"/api/v1/public_notice/{notice['id']}/approve", headers=headers)
    assert running.status_code == 409 and running.get_json()["message"]

    clock.set_day(date.fromisoformat(notice["ends_on"]) + timedelta(days=1))
    refused = client.post(f"/api/v1/public_notice/{notice['id']}/approve", headers=headers)
    assert refused.status_code == 409 and refused.get_json()["message"]
    session.expire_all()
    assert session.get(Application, decided.application.id).status is ApplicationStatus.NOTICE

    answered = client.post(f"/api/v1/objection/{objection['id']}/answer", headers=headers, json={
        "answer": "经核实车辆为借用，认定维持", "outcome": "dismissed", "answered_on": notice["starts_on"]})
    assert answered.status_code == 200 and answered.get_json()["outcome"] == "dismissed"
    approved = client.post(f"/api/v1/public_notice/{notice['id']}/approve", headers=headers)
    assert approved.status_code == 200 and approved.get_json()["approved"] == 1
    session.expire_all()
    assert session.get(Application, decided.application.id).status is ApplicationStatus.APPROVED


def test_a_notice_shows_only_what_the_public_may_see(client, session, decided, jwt):
    headers = jwt("school1")
    draft = _notice(client, headers, session)
    shown = client.get(f"/api/v1/public_notice/{draft['id']}", headers=headers).get_json()["result"]
    assert [set(e) for e in shown["entries"]] == [ENTRY_KEYS]
    assert decided.student.id_number not in str(shown)
    listed = client.get("/api/v1/public_notice/", headers=headers).get_json()
    assert [row["id"] for row in listed["result"]] == [draft["id"]]


def test_another_school_sees_and_touches_nothing(client, session, decided, make_user, jwt):
    draft = _notice(client, jwt("school1"), session)
    pk, entry_id = draft["id"], draft["entries"][0]["id"]
    assert client.post(f"/api/v1/public_notice/{pk}/publish", headers=jwt("school1")).status_code == 200
    make_user("school2", "SchoolOfficer", school=decided.other_school)
    other = jwt("school2")
    assert client.get(f"/api/v1/public_notice/{pk}", headers=other).status_code == 404
    assert client.get("/api/v1/public_notice/", headers=other).get_json()["result"] == []
    for step in ("publish", "withdraw", "approve"):
        assert client.post(f"/api/v1/public_notice/{pk}/{step}", headers=other).status_code == 404, step
    raised = client.post("/api/v1/objection/", headers=other, json={
        "entry_id": entry_id, "received_on": draft["starts_on"], "content": "异议"})
    assert raised.status_code == 404
    created = client.post("/api/v1/public_notice/", headers=other, json={
        "school_id": decided.school.id, "term_id": current_term(session).id, "starts_on": draft["starts_on"]})
    assert created.status_code == 404
    assert session.query(Objection).count() == 0 and session.query(PublicNotice).count() == 1


def test_a_class_teacher_records_objections_but_does_not_publish(client, session, decided, make_user, jwt, clock):
    draft = _notice(client, jwt("school1"), session)
    make_user("teacher", "ClassTeacher", school=decided.school, class_names="3年级1班")
    teacher = jwt("teacher")
    assert client.post(f"/api/v1/public_notice/{draft['id']}/publish", headers=teacher).status_code == 403
    assert client.post("/api/v1/public_notice/", headers=teacher, json={
        "term_id": current_term(session).id, "starts_on": draft["starts_on"]}).status_code == 403
    client.post(f"/api/v1/public_notice/{draft['id']}/publish", headers=jwt("school1"))
    clock.set_day(date.fromisoformat(draft["starts_on"]))  # the notice's first day
    raised = client.post("/api/v1/objection/", headers=teacher, json={
        "entry_id": draft["entries"][0]["id"], "received_on": draft["starts_on"], "content": "家长反映情况不实"})
    assert raised.status_code == 201, raised.get_json()
    answer = client.post(f"/api/v1/objection/{raised.get_json()['id']}/answer", headers=teacher,
                         json={"answer": "维持", "outcome": "dismissed", "answered_on": draft["starts_on"]})
    assert answer.status_code == 403


def test_refused_notice_and_objection_input_names_the_field(client, session, decided, jwt, clock):
    district = jwt("district")
    term_id = current_term(session).id
    no_school = client.post("/api/v1/public_notice/", headers=district,
                            json={"term_id": term_id, "starts_on": clock.today().isoformat()})
    assert no_school.status_code == 422 and "school_id" in no_school.get_json()["message"]
    bad_day = client.post("/api/v1/public_notice/", headers=district,
                          json={"school_id": decided.school.id, "term_id": term_id, "starts_on": "yesterday"})
    assert bad_day.status_code == 422 and "starts_on" in bad_day.get_json()["message"]
    draft = _notice(client, district, session, school_id=decided.school.id)
    client.post(f"/api/v1/public_notice/{draft['id']}/publish", headers=district)
    clock.set_day(date.fromisoformat(draft["starts_on"]))  # the notice's first day
    raised = client.post("/api/v1/objection/", headers=district, json={
        "entry_id": draft["entries"][0]["id"], "received_on": draft["starts_on"], "content": " "})
    assert raised.status_code == 422 and list(raised.get_json()["message"]) == ["content"]
    objection = client.post("/api/v1/objection/", headers=district, json={
        "entry_id": draft["entries"][0]["id"], "received_on": draft["starts_on"], "content": "异议"}).get_json()
    unsure = client.post(f"/api/v1/objection/{objection['id']}/answer", headers=district,
                         json={"answer": "维持", "outcome": "maybe", "answered_on": draft["starts_on"]})
    assert unsure.status_code == 422 and "outcome" in unsure.get_json()["message"]
    assert session.get(Objection, objection["id"]).answered_on is None


def test_the_openapi_spec_lists_notices_and_objections(client, session, make_user, jwt):
    make_user("admin", "Admin")
    paths = client.get("/api/v1/_openapi", headers=jwt("admin")).get_json()["paths"]
    assert "post" in paths["/api/v1/public_notice/{pk}/publish"]
    assert "post" in paths["/api/v1/objection/{pk}/answer"]
    assert "get" in paths["/api/v1/assessment_standard/"]
