"""Custom endpoints' dates and text follow the same bounds as stored records; REST numbers are strict."""
import pytest

from app.models import HomeVisit
from tests.api.test_custom_bodies import MEETING, VISIT, _post


def _ready_for_a_visit(client, headers, pk):
    for step, body in (("submit", {}), ("class_review", {"outcome": "passed", **MEETING}), ("assess", {})):
        assert _post(client, headers, pk, step, body).status_code == 200


@pytest.mark.parametrize("field,value", [
    ("visited_on", "0001-01-01"), ("visited_on", "2101-01-01"), ("findings", "母亲\x07患病"),
    ("visitors", "李老师\u202e王老师"), ("findings", "\x00"),
])
def test_a_home_visit_with_a_date_or_text_out_of_bounds_is_refused(client, session, place, jwt, field, value):
    headers, pk = jwt("school1"), place.application.id
    _ready_for_a_visit(client, headers, pk)
    resp = _post(client, headers, pk, "home_visit", {**VISIT, field: value})
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert list(resp.get_json()["message"]) == [field]
    assert session.query(HomeVisit).count() == 0


def test_multi_line_findings_are_kept_with_plain_line_ends(client, session, place, jwt):
    headers, pk = jwt("school1"), place.application.id
    _ready_for_a_visit(client, headers, pk)
    resp = _post(client, headers, pk, "home_visit", {**VISIT, "findings": "  母亲长期患病\r\n父亲务农  "})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert session.query(HomeVisit).one().findings == "母亲长期患病\n父亲务农"


@pytest.mark.parametrize("grade", [1.5, "3", True])
def test_a_resource_number_must_be_a_whole_number(client, session, place, jwt, grade):
    pupil = place.application.student_id
    resp = client.put(f"/api/v1/student/{pupil}", json={"grade": grade}, headers=jwt("school1"))
    assert resp.status_code == 422 and "grade" in resp.get_json()["message"]
    assert client.put(f"/api/v1/student/{pupil}", json={"grade": 4}, headers=jwt("school1")).status_code == 200
