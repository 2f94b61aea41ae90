"""REST for carrying entitlements over (结转): the preview with its reasons and fingerprint, the carry-over
written once, a stale fingerprint refused (409) with nothing written, another school out of reach (404),
and every refusal in the request's language."""
import re

import flask_babel
import pytest

from app.models import StudentStatus
from tests.carry_place import entitled_in_autumn
from tests.race import api_headers, race

PREVIEW, CARRY = "/api/v1/entitlement/carry_over/preview", "/api/v1/entitlement/carry_over"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def autumn(session, place, clock):
    return entitled_in_autumn(session, place, clock)


def _body(autumn, **extra) -> dict:
    return {"from_term_id": autumn.autumn.id, "to_term_id": autumn.spring.id, **extra}


def _post(client, path: str, body, headers: dict, language: str = "zh"):
    """POST in `language`: Chinese by default (the header says so too), English asked for with ?_l_=en."""
    flask_babel.refresh()
    query = "" if language == "zh" else f"?_l_={language}"
    return client.post(path + query, json=body, headers={**headers, "Accept-Language": language})


def test_the_preview_answers_each_line_with_its_reason_and_the_totals(client, session, place, autumn, jwt):
    resp = _post(client, PREVIEW, _body(autumn), jwt("school1"))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    data, pupils = resp.get_json(), autumn.pupils
    reasons = {line["student_id"]: line["reason"] for line in data["lines"]}
    assert reasons == {pupils["boarder"].id: None, pupils["day"].id: None, pupils["moved"].id: "not_enrolled",
                       pupils["cancelled"].id: "cancelled"}  # their own school only
    boarder = next(line for line in data["lines"] if line["student_id"] == pupils["boarder"].id)
    assert (boarder["carries"], boarder["amount"], boarder["tier_name"], boarder["message"]) == (
        True, "625.00", "比较困难", None)
    cancelled = next(line for line in data["lines"] if line["reason"] == "cancelled")
    assert (cancelled["carries"], cancelled["amount"], cancelled["message"]) == (False, None, "已撤销认定")
    assert (data["carried"], data["left"], data["pupils"], data["carried_pupils"], data["total"]) == (
        2, 2, 4, 2, "937.50")
    assert sorted((r["reason"], r["count"], r["amount"]) for r in data["by_reason"]) == [
        ("cancelled", 1, "312.50"), ("not_enrolled", 1, "312.50")]
    assert all(CJK.search(r["message"]) for r in data["by_reason"])
    assert re.fullmatch(r"[0-9a-f]{64}", data["fingerprint"])
    assert not set(re.findall(r'"(\w+)":', resp.get_data(as_text=True))) & {"id_number", "bank_account", "address"}
    assert autumn.spring_rows(session) == 0  # a preview writes nothing


def test_carrying_over_writes_once_however_often_it_is_posted(client, session, place, autumn, jwt):
    headers = jwt("school1")
    fingerprint = _post(client, PREVIEW, _body(autumn), headers).get_json()["fingerprint"]
    done = _post(client, CARRY, _body(autumn, expected=fingerprint), headers)
    assert done.status_code == 200, done.get_data(as_text=True)
    assert (done.get_json()["count"], done.get_json()["total"]) == (2, "937.50")
    assert autumn.spring_rows(session) == 2
    again = _post(client, CARRY, _body(autumn, expected=fingerprint), headers)
    assert again.status_code == 409 and "预览之后结转结果已有变化" in again.get_json()["message"]
    fresh = _post(client, PREVIEW, _body(autumn), headers).get_json()
    assert fresh["carried"] == 0 and {line["reason"] for line in fresh["lines"]} >= {"already_entitled"}
    nothing = _post(client, CARRY, _body(autumn, expected=fresh["fingerprint"]), headers)
    assert nothing.status_code == 200 and nothing.get_json()["count"] == 0
    assert autumn.spring_rows(session) == 2


def test_a_repeated_idempotency_key_gets_the_first_answer(client, session, place, autumn, jwt):
    plain = jwt("school1")
    headers = {**plain, "Idempotency-Key": "carry-over-2027-spring"}
    fingerprint = _post(client, PREVIEW, _body(autumn), plain).get_json()["fingerprint"]
    first = _post(client, CARRY, _body(autumn, expected=fingerprint), headers)
    second = _post(client, CARRY, _body(autumn, expected=fingerprint), headers)
    assert first.status_code == second.status_code == 200
    assert second.get_json() == first.get_json() and second.headers.get("Idempotent-Replayed") == "true"
    assert autumn.spring_rows(session) == 2


def test_a_stale_fingerprint_is_refused_and_nothing_is_written(client, session, place, autumn, jwt):
    headers = jwt("school1")
    fingerprint = _post(client, PREVIEW, _body(autumn), headers).get_json()["fingerprint"]
    autumn.pupils["day"].status = StudentStatus.DROPPED_OUT
    session.commit()
    zh = _post(client, CARRY, _body(autumn, expected=fingerprint), headers)
    assert zh.status_code == 409 and zh.get_json()["message"].startswith("预览之后结转结果已有变化")
    en = _post(client, CARRY, _body(autumn, expected=fingerprint), headers, language="en")
    assert en.status_code == 409 and en.get_json()["message"].startswith("The carry-over changed")
    assert autumn.spring_rows(session) == 0


def test_a_school_officer_cannot_preview_or_carry_another_school(client, session, place, autumn, jwt):
    district = jwt("district")
    theirs = _post(client, PREVIEW, _body(autumn, school_id=place.other_school.id), district).get_json()
    assert [line["student_id"] for line in theirs["lines"]] == [autumn.pupils["theirs"].id]
    headers = jwt("school1")
    refused = _post(client, PREVIEW, _body(autumn, school_id=place.other_school.id), headers)
    assert refused.status_code == 404 and refused.get_json()["message"] == "学校不存在，或不属于您的管理范围。"
    carried = _post(client, CARRY, _body(autumn, school_id=place.other_school.id, expected=theirs["fingerprint"]),
                    headers)
    assert carried.status_code == 404
    assert autumn.spring_rows(session) == 0
    done = _post(client, CARRY, _body(autumn, school_id=place.other_school.id, expected=theirs["fingerprint"]),
                 district)
    assert done.status_code == 200 and done.get_json()["count"] == 1  # the district may


def test_bad_terms_and_bodies_are_refused_in_the_request_language(client, session, place, autumn, jwt):
    headers = jwt("school1")
    unknown = _post(client, PREVIEW, _body(autumn, to_term_id=999999), headers)
    assert unknown.status_code == 404 and unknown.get_json()["message"] == "学期不存在。"
    backwards = _post(client, PREVIEW, {"from_term_id": autumn.spring.id, "to_term_id": autumn.autumn.id}, headers)
    assert backwards.status_code == 422
    (message,) = backwards.get_json()["message"]["to_term_id"]
    assert "结转的目标学期必须晚于原学期开始" in message
    en = _post(client, PREVIEW, {"from_term_id": autumn.spring.id, "to_term_id": autumn.autumn.id}, headers, "en")
    assert "must start after" in en.get_json()["message"]["to_term_id"][0]
    missing = _post(client, CARRY, {"from_term_id": "1", "colour": "red"}, headers)
    assert missing.status_code == 422
    assert set(missing.get_json()["message"]) == {"from_term_id", "to_term_id", "expected", "colour"}
    assert all(CJK.search(text) for texts in missing.get_json()["message"].values() for text in texts)
    assert _post(client, CARRY, ["not", "an", "object"], headers).status_code == 400
    assert autumn.spring_rows(session) == 0


def test_a_reader_may_preview_but_not_carry_over(client, session, place, autumn, jwt, make_user):
    make_user("auditor", "Auditor", district=place.school.district)
    make_user("leader", "Leader", district=place.school.district)
    make_user("teacher", "ClassTeacher", school=place.school)
    auditor = jwt("auditor")
    fingerprint = _post(client, PREVIEW, _body(autumn), auditor).get_json()["fingerprint"]
    assert _post(client, CARRY, _body(autumn, expected=fingerprint), auditor).status_code == 403
    for other in ("teacher", "leader"):  # the preview names pupils: not for a leader either
        assert _post(client, PREVIEW, _body(autumn), jwt(other)).status_code == 403
    assert autumn.spring_rows(session) == 0


def test_the_spec_documents_both_endpoints(client, place, jwt, make_user):
    make_user("admin", "Admin")
    spec = client.get("/api/v1/_openapi", headers=jwt("admin")).get_json()
    for path, answer in ((PREVIEW, "CarryOverPreview"), (CARRY, "CarriedOver")):
        responses = spec["paths"][path]["post"]["responses"]
        assert responses["200"] == {"$ref": f"#/components/responses/{answer}"}
        assert {"400", "401", "403", "404", "409", "422"} <= set(responses)
    assert spec["components"]["schemas"]["CarryOverWriteBody"]["properties"]["expected"]["type"] == "string"


def test_four_carry_overs_posted_at_once_write_once(app, client, session, place, autumn, jwt):
    """Real threads released together, each with its own session: the first carries over, the others find
    the carry-over changed since their preview (409); two rows, on SQLite and on PostgreSQL."""
    fingerprint = _post(client, PREVIEW, _body(autumn), jwt("school1")).get_json()["fingerprint"]
    body = _body(autumn, expected=fingerprint)
    pairs = [(app.test_client(), api_headers(app, "school1")) for _ in range(4)]
    answers = race(pairs, lambda pair, _i: pair[0].post(CARRY, json=body, headers=pair[1]))
    assert sorted(a.status for a in answers) == [200, 409, 409, 409], answers
    assert [a.json["count"] for a in answers if a.status == 200] == [2]
    assert autumn.spring_rows(session) == 2
