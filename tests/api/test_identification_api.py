"""The identification flow over REST: create, submit, class review, score, home visit, decide; scope,
permissions, illegal steps and refused input."""

from app.models import Application, ApplicationStatus, AuditEvent, StandardStatus
from tests.factories import current_term

MEETING = {"decided_on": "2026-10-09", "members": "张校长、李老师、王老师", "votes_for": 5, "votes_against": 0,
           "votes_abstain": 0, "minutes": "一致同意"}
VISIT = {"visited_on": "2026-10-08", "visitors": "李老师、王老师", "findings": "母亲长期患病", "facts_confirmed": True}


def _post(client, headers, pk, step, body=None):
    """POST /api/v1/application/<pk>/<step>."""
    return client.post(f"/api/v1/application/{pk}/{step}", json=body or {}, headers=headers)


def _submitted(client, place, headers):
    """The fixture's draft application, submitted over the API."""
    resp = _post(client, headers, place.application.id, "submit")
    assert resp.status_code == 200, resp.get_json()
    return place.application.id


def test_the_whole_flow_over_the_api(client, session, place, jwt):
    headers = jwt("school1")
    session.delete(place.application)
    session.commit()
    term = current_term(session)
    created = client.post("/api/v1/application/", headers=headers, json={
        "student": place.student.id, "term": term.id, "commitment_signed_on": "2026-09-20",
        "consent_signed_on": "2026-09-20"})
    assert created.status_code == 201, created.get_json()
    pk = created.get_json()["id"]
    submitted = _post(client, headers, pk, "submit")
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    reviewed = _post(client, headers, pk, "class_review", {"outcome": "passed", **MEETING})
    assert reviewed.status_code == 200 and reviewed.get_json()["status"] == "class_review"

    scored = _post(client, headers, pk, "assess")
    assert scored.status_code == 200, scored.get_json()
    result = scored.get_json()
    assert result["total"] == "67.00" and result["status"] == "school_review"
    assert result["suggested_tier"] == "relative" and result["decided_by"] == "score"
    assert result["standard_version"] == 1 and result["standard_id"] == place.standard.id
    points = {line["indicator"]: line["points"] for line in result["breakdown"]}
    assert sum(float(p) for p in points.values()) == 67
    assert sorted(p for p in points.values() if p != "0.00") == ["12.00", "15.00", "35.00", "5.00"]
    assert {"indicator", "block", "answer", "points", "reason"} <= set(result["breakdown"][0])

    visit = _post(client, headers, pk, "home_visit", VISIT)
    assert visit.status_code == 201 and visit.get_json()["home_visit"]["visitors"] == VISIT["visitors"]
    refused = _post(client, headers, pk, "decide", {"tier": "special", **MEETING})
    assert refused.status_code == 422 and "tier_reason" in refused.get_json()["message"]
    unknown = _post(client, headers, pk, "decide", {"tier": "nonesuch", **MEETING})
    assert unknown.status_code == 422 and list(unknown.get_json()["message"]) == ["tier"]
    decided = _post(client, headers, pk, "decide", {"tier": "special", "tier_reason": "家访发现母亲需长期透析",
                                                    **MEETING})
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["final_tier"] == "special"
    assert decided.get_json()["decision"]["suggested_tier"] == "relative"

    stored = client.get(f"/api/v1/application/{pk}/assessment", headers=headers).get_json()
    assert stored["total"] == "67.00" and stored["final_tier"] == "special"
    assert stored["breakdown"] == result["breakdown"] and stored["standard_version"] == 1
    assert [d["stage"] for d in stored["decisions"]] == ["class", "school"]
    assert [v["findings"] for v in stored["home_visits"]] == [VISIT["findings"]]
    steps = [e.summary.split(":")[0] for e in session.query(AuditEvent).filter_by(
        action="workflow", entity="application", entity_id=str(pk)).order_by(AuditEvent.id)]
    assert steps == ["submit", "class_review", "assess", "decide"]


def test_return_cancel_and_reasons(client, session, place, jwt):
    headers = jwt("school1")
    pk = _submitted(client, place, headers)
    blank = _post(client, headers, pk, "return", {"reason": " "})
    assert blank.status_code == 422 and list(blank.get_json()["message"]) == ["reason"]
    returned = _post(client, headers, pk, "return", {"reason": "缺少收入证明"})
    assert returned.status_code == 200 and returned.get_json()["status"] == "returned"
    cancelled = _post(client, headers, pk, "cancel", {"reason": "提供虚假收入证明", "recover_aid": True})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    session.expire_all()
    assert session.get(Application, pk).recover_aid is True


def test_another_schools_officer_gets_404_on_every_endpoint(client, session, place, make_user, jwt):
    make_user("school2", "SchoolOfficer", school=place.other_school)
    headers, pk = jwt("school2"), place.application.id
    for step, body in [("submit", {}), ("class_review", {"outcome": "passed", **MEETING}), ("assess", {}),
                       ("home_visit", VISIT), ("decide", {"tier": "relative", **MEETING}),
                       ("return", {"reason": "x"}), ("reassess", {"reason": "x"}), ("reject", {"reason": "x"}),
                       ("cancel", {"reason": "x"}), ("approve", {}), ("archive", {})]:
        assert _post(client, headers, pk, step, body).status_code == 404, step
    assert client.get(f"/api/v1/application/{pk}/assessment", headers=headers).status_code == 404
    assert client.get(f"/api/v1/application/{pk}", headers=headers).status_code == 404
    session.expire_all()
    assert session.get(Application, pk).status is ApplicationStatus.DRAFT


def test_a_class_teacher_may_submit_but_not_score(client, session, place, make_user, jwt):
    make_user("teacher", "ClassTeacher", school=place.school, class_names="3年级1班")
    headers = jwt("teacher")
    pk = _submitted(client, place, headers)
    assert _post(client, headers, pk, "assess").status_code == 403
    assert _post(client, headers, pk, "decide", {"tier": "relative", **MEETING}).status_code == 403
    assert client.get(f"/api/v1/application/{pk}/assessment", headers=headers).status_code == 200
    session.expire_all()
    assert session.get(Application, pk).score is None


def test_an_illegal_step_answers_409_with_a_message(client, session, place, jwt):
    headers, pk = jwt("school1"), place.application.id
    for step in ("assess", "approve", "archive"):
        resp = _post(client, headers, pk, step)
        assert resp.status_code == 409 and resp.get_json()["message"], step
    session.expire_all()
    assert session.get(Application, pk).status is ApplicationStatus.DRAFT


def test_scoring_without_a_standard_in_force_answers_409(client, session, place, jwt):
    headers = jwt("school1")
    pk = _submitted(client, place, headers)
    place.standard.status = StandardStatus.RETIRED
    session.commit()
    resp = _post(client, headers, pk, "assess")
    assert resp.status_code == 409 and resp.get_json()["message"]
    session.expire_all()
    assert session.get(Application, pk).status is ApplicationStatus.SUBMITTED


def test_refused_input_names_the_field(client, session, place, jwt):
    headers = jwt("school1")
    pk = _submitted(client, place, headers)
    bad_day = _post(client, headers, pk, "home_visit", {**VISIT, "visited_on": "2026-13-40"})
    assert bad_day.status_code == 422 and "visited_on" in bad_day.get_json()["message"]
    assert "YYYY-MM-DD" in str(bad_day.get_json()["message"]["visited_on"])  # the format is named
    bad_votes = _post(client, headers, pk, "class_review", {"outcome": "passed", **MEETING, "votes_for": "five"})
    assert bad_votes.status_code == 422 and list(bad_votes.get_json()["message"]) == ["votes_for"]
    bad_outcome = _post(client, headers, pk, "class_review", {**MEETING, "outcome": "maybe"})
    assert bad_outcome.status_code == 422 and "outcome" in bad_outcome.get_json()["message"]
    missing = _post(client, headers, pk, "home_visit", {"visited_on": "2026-10-08"})
    assert missing.status_code == 422 and {"visitors", "findings"} <= set(missing.get_json()["message"])
    not_object = client.post(f"/api/v1/application/{pk}/home_visit", data="[1, 2]",
                             content_type="application/json", headers=headers)
    assert not_object.status_code == 400
    assert client.post(f"/api/v1/application/{pk}/home_visit", data="{oops", content_type="application/json",
                       headers=headers).status_code == 400
    session.expire_all()
    assert session.get(Application, pk).home_visits == []


def test_the_openapi_spec_lists_the_steps(client, session, make_user, jwt):
    make_user("admin", "Admin")
    resp = client.get("/api/v1/_openapi", headers=jwt("admin"))
    assert resp.status_code == 200
    paths = resp.get_json()["paths"]
    assert "post" in paths["/api/v1/application/{pk}/assess"]
    assert "get" in paths["/api/v1/application/{pk}/assessment"]


def test_a_school_officer_reads_the_districts_standard_but_cannot_change_it(client, session, place, jwt):
    headers = jwt("school1")
    listed = client.get("/api/v1/assessment_standard/", headers=headers).get_json()["result"]
    assert [(row["id"], row["version"], row["status"]) for row in listed] == [(place.standard.id, 1, "active")]
    shown = client.get(f"/api/v1/assessment_standard/{place.standard.id}", headers=headers).get_json()["result"]
    assert shown["data"]["indicators"] == place.standard.data["indicators"]
    assert client.post("/api/v1/assessment_standard/", json={}, headers=headers).status_code == 405
    assert client.delete(f"/api/v1/assessment_standard/{place.standard.id}", headers=headers).status_code == 405


def test_the_facts_record_is_internal_never_shown_nor_filtered_on(client, place, jwt):
    """Application.snapshot_facts (Column info internal) is kept for scoring: no answer carries it
    and no filter reads it, through the one column list every view and answer starts from."""
    import json

    headers = jwt("school1")
    pk = _submitted(client, place, headers)
    shown = client.get(f"/api/v1/application/{pk}", headers=headers).get_json()["result"]
    assert "household_snapshot" in shown and "snapshot_facts" not in shown
    info = client.get("/api/v1/application/_info", headers=headers).get_json()
    assert "snapshot_facts" not in json.dumps(info)
    query = json.dumps({"filters": [{"col": "snapshot_facts", "opr": "ct", "value": "dibao"}]})
    assert client.get(f"/api/v1/application/?q={query}", headers=headers).status_code == 400
