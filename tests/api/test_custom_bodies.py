"""Custom endpoints take only what their spec declares, and answer what it describes."""
import pytest

from app.models import Application, ApplicationStatus, HomeVisit, Job

MEETING = {"decided_on": "2026-10-09", "members": "张校长、李老师、王老师", "votes_for": 5, "votes_against": 0,
           "votes_abstain": 0, "minutes": "一致同意"}
VISIT = {"visited_on": "2026-10-08", "visitors": "李老师、王老师", "findings": "母亲长期患病"}


@pytest.fixture
def spec(client, make_user, jwt):
    """The served OpenAPI spec (an administrator may read it)."""
    make_user("admin", "Admin")
    return client.get("/api/v1/_openapi", headers=jwt("admin")).get_json()


def _post(client, headers, pk, step, body):
    """POST /api/v1/application/<pk>/<step> with a JSON body."""
    return client.post(f"/api/v1/application/{pk}/{step}", json=body, headers=headers)


def test_a_step_without_options_refuses_an_unknown_field(client, session, place, jwt):
    headers, pk = jwt("school1"), place.application.id
    refused = _post(client, headers, pk, "submit", {"status": "approved"})
    assert refused.status_code == 422 and list(refused.get_json()["message"]) == ["status"]
    session.expire_all()
    assert session.get(Application, pk).status == ApplicationStatus.DRAFT
    assert _post(client, headers, pk, "submit", {}).status_code == 200


def test_a_step_refuses_a_body_that_is_not_an_object(client, session, place, jwt):
    headers, pk = jwt("school1"), place.application.id
    assert _post(client, headers, pk, "submit", ["x"]).status_code == 400
    assert client.post(f"/api/v1/application/{pk}/submit", headers=headers).status_code == 200  # no body


def test_text_longer_than_its_column_is_refused_with_the_field_named(client, session, place, jwt):
    headers, pk = jwt("school1"), place.application.id
    assert _post(client, headers, pk, "submit", {}).status_code == 200
    assert _post(client, headers, pk, "class_review", {"outcome": "passed", **MEETING}).status_code == 200
    assert _post(client, headers, pk, "assess", {}).status_code == 200
    too_long = _post(client, headers, pk, "home_visit", {**VISIT, "visitors": "李" * 101})
    assert too_long.status_code == 422
    assert list(too_long.get_json()["message"]) == ["visitors"]
    assert session.query(HomeVisit).count() == 0
    assert _post(client, headers, pk, "home_visit", {**VISIT, "visitors": "李" * 100}).status_code == 201


def test_a_notice_refuses_an_id_beyond_the_database_range(client, session, place, jwt):
    headers = jwt("school1")
    huge = client.post("/api/v1/public_notice/", json={"term_id": 2**63, "starts_on": "2026-11-02"},
                       headers=headers)
    assert huge.status_code == 422 and "term_id" in huge.get_json()["message"]
    words = client.post("/api/v1/public_notice/", json={"term_id": "1", "starts_on": "2026-11-02"},
                        headers=headers)
    assert words.status_code == 422 and "term_id" in words.get_json()["message"]


def test_a_job_refuses_a_body_that_is_not_an_object(client, session, place, jwt):
    resp = client.post("/api/v1/job/start/pupil_roster", json=[1, 2], headers=jwt("school1"))
    assert resp.status_code == 400
    assert session.query(Job).count() == 0


def test_a_job_refuses_unknown_and_out_of_range_options(client, session, place, jwt):
    headers = jwt("school1")
    unknown = client.post("/api/v1/job/start/pupil_roster", json={"colour": "red"}, headers=headers)
    assert unknown.status_code == 422 and "colour" in unknown.get_json()["message"]
    grade = client.post("/api/v1/job/start/pupil_roster", json={"grade": 9}, headers=headers)
    assert grade.status_code == 422 and "grade" in grade.get_json()["message"]
    assert session.query(Job).count() == 0
    started = client.post("/api/v1/job/start/pupil_roster", json={"grade": 3}, headers=headers)
    assert started.status_code == 201, started.get_json()


def _json_schema(spec, node):
    """An OpenAPI 3.0 schema as plain JSON Schema: $refs inlined, `nullable` as a null type."""
    if isinstance(node, list):
        return [_json_schema(spec, item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _json_schema(spec, spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]])
    out = {key: _json_schema(spec, value) for key, value in node.items() if key not in ("nullable", "example")}
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def _answer_schema(spec, path, status="200"):
    """The JSON Schema of a POST's answer with `status`."""
    response = spec["paths"][path]["post"]["responses"][status]
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return _json_schema(spec, response["content"]["application/json"]["schema"])


def test_the_steps_answer_what_the_spec_describes(client, session, place, jwt, spec):
    jsonschema = pytest.importorskip("jsonschema")
    headers, pk = jwt("school1"), place.application.id
    steps = [("submit", {}, "200"), ("class_review", {"outcome": "passed", **MEETING}, "200"),
             ("assess", {}, "200"), ("home_visit", VISIT, "201"),
             ("decide", {**MEETING, "tier": "relative"}, "200"), ("decide", {"tier": "nonsense"}, "422"),
             ("approve", {}, "409")]
    for step, body, status in steps:
        resp = _post(client, headers, pk, step, body)
        assert str(resp.status_code) == status, (step, resp.get_json())
        jsonschema.validate(resp.get_json(), _answer_schema(spec, f"/api/v1/application/{{pk}}/{step}", status))


def test_an_answer_with_an_undeclared_field_would_break_the_spec(spec):
    jsonschema = pytest.importorskip("jsonschema")
    schema = _answer_schema(spec, "/api/v1/application/{pk}/submit")
    jsonschema.validate({"id": 1, "status": "submitted", "final_tier": None}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": 1, "status": "submitted", "final_tier": None, "score": 1.5}, schema)


def test_the_application_info_describes_each_input_field(client, session, place, jwt):
    info = client.get("/api/v1/application/_info", headers=jwt("school1")).get_json()
    described = {field["name"]: field["description"] for field in info["add_columns"]}
    for name in ("student", "term", "reason", "is_midyear", "commitment_signed_on", "consent_signed_on"):
        assert described[name] and "Content-Type" not in described[name], (name, described[name])
    assert "学生" in described["student"]  # in the reader's language (zh by default)
