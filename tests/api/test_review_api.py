"""Review (复核) over REST: the school records the family's request, only the district decides it, with an
Idempotency-Key like the other steps, and approval waits for the decision."""
from datetime import date, timedelta

from app.models import Application, ApplicationStatus, Objection
from tests.api.test_notice_api import _notice, decided  # noqa: F401  (fixture)


def _dismissed(client, session, decided, jwt, clock):  # noqa: F811
    """A published notice with a dismissed objection, the clock on the day after the notice ended."""
    headers = jwt("school1")
    draft = _notice(client, headers, session, title="认定结果公示")
    notice = client.post(f"/api/v1/public_notice/{draft['id']}/publish", headers=headers).get_json()
    clock.set_day(date.fromisoformat(notice["starts_on"]))
    objection = client.post("/api/v1/objection/", headers=headers, json={
        "entry_id": notice["entries"][0]["id"], "received_on": notice["starts_on"], "content": "家里有车"},
    ).get_json()["result"]
    client.post(f"/api/v1/objection/{objection['id']}/answer", headers=headers, json={
        "answer": "经核实车辆为借用", "outcome": "dismissed", "answered_on": notice["starts_on"]})
    clock.set_day(date.fromisoformat(notice["ends_on"]) + timedelta(days=1))
    return notice, objection


def test_request_decide_and_approve(client, session, decided, jwt, clock):  # noqa: F811
    notice, objection = _dismissed(client, session, decided, jwt, clock)
    school, district = jwt("school1"), jwt("district")
    today = clock.today().isoformat()
    body = {"requested_on": today, "content": "请求区县复核", "requested_by": "家长"}
    keyed = {**school, "Idempotency-Key": "review-request-1"}
    asked = client.post(f"/api/v1/objection/{objection['id']}/review_request", headers=keyed, json=body)
    assert asked.status_code == 200, asked.get_json()
    assert asked.get_json()["review_requested_on"] == today and asked.get_json()["review_ruling"] is None
    again = client.post(f"/api/v1/objection/{objection['id']}/review_request", headers=keyed, json=body)
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"

    waiting = client.post(f"/api/v1/public_notice/{notice['id']}/approve", headers=school)
    assert waiting.status_code == 409 and waiting.get_json()["message"]

    decision = {"ruling": "upheld", "answer": "经复核，维持学校答复", "decided_on": today}
    by_school = client.post(f"/api/v1/objection/{objection['id']}/review_decision", headers=school, json=decision)
    assert by_school.status_code == 403
    decided_ = client.post(f"/api/v1/objection/{objection['id']}/review_decision", headers=district, json=decision)
    assert decided_.status_code == 200 and decided_.get_json()["review_ruling"] == "upheld"

    approved = client.post(f"/api/v1/public_notice/{notice['id']}/approve", headers=school)
    assert approved.status_code == 200 and approved.get_json()["approved"] == 1
    session.expire_all()
    assert session.get(Application, decided.application.id).status is ApplicationStatus.APPROVED


def test_refused_review_input_names_the_field(client, session, decided, jwt, clock):  # noqa: F811
    _, objection = _dismissed(client, session, decided, jwt, clock)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    refused = client.post(f"/api/v1/objection/{objection['id']}/review_request", headers=jwt("school1"),
                          json={"requested_on": tomorrow, "content": "请求复核"})
    assert refused.status_code == 422 and list(refused.get_json()["message"]) == ["review_requested_on"]
    unknown = client.post(f"/api/v1/objection/{objection['id']}/review_request", headers=jwt("school1"),
                          json={"requested_on": clock.today().isoformat(), "content": "请求复核", "ruling": "x"})
    assert unknown.status_code in (400, 422)
    session.expire_all()
    assert session.get(Objection, objection["id"]).review_requested_on is None


def test_the_openapi_spec_lists_the_review_steps(client, session, make_user, jwt):
    make_user("admin", "Admin")
    paths = client.get("/api/v1/_openapi", headers=jwt("admin")).get_json()["paths"]
    assert "post" in paths["/api/v1/objection/{pk}/review_request"]
    assert "post" in paths["/api/v1/objection/{pk}/review_decision"]
