"""Request limits: body sizes (413), ids no row can have (404), rison `q` (400), bad JWTs (401), 405's Allow."""
import io
from datetime import timedelta

import jwt as pyjwt
import pytest
from flask_jwt_extended import create_access_token

from app.models import Student

HUGE = "99999999999999999999"  # > 2^63: SQLite overflowed on it


def _student_body(world, size: int) -> bytes:
    """A JSON body of `size` bytes (mostly a long name)."""
    head = b'{"name": "'
    return head + b"x" * (size - len(head) - 2) + b'"}'


def test_a_json_body_over_one_megabyte_is_refused_with_413_in_json(client, world, jwt):
    resp = client.post("/api/v1/student/", data=_student_body(world, 1024 * 1024 + 1),
                       content_type="application/json", headers=jwt("district"))
    assert resp.status_code == 413
    assert resp.get_json()["message"] == "提交的内容过大，请精简后再试。"


def test_a_json_body_under_the_limit_is_read_and_judged(client, world, jwt):
    resp = client.post("/api/v1/student/", data=_student_body(world, 1024 * 1024 - 10),
                       content_type="application/json", headers=jwt("district"))
    assert resp.status_code == 422  # read, then refused by its rules, not by its size
    assert "name" in resp.get_json()["message"]


def test_a_form_over_the_limit_is_refused_with_the_error_page(client, session, world, as_user):
    as_user("district")
    resp = client.post("/studentmodelview/add", data={"name": "x" * (1024 * 1024 + 10)})
    assert resp.status_code == 413
    assert "提交的内容过大" in resp.get_data(as_text=True)
    assert session.query(Student).count() == 3  # the world's pupils only


def test_uploads_get_the_larger_limit_and_are_refused_above_it(client, app, world, as_user, monkeypatch):
    monkeypatch.setitem(app.config, "APP_MAX_UPLOAD_BYTES", 3 * 1024 * 1024)
    as_user("district")
    two_mb = {"file": (io.BytesIO(b"x" * 2 * 1024 * 1024), "pupils.xlsx")}
    assert client.post("/studentmodelview/add", data=two_mb, content_type="multipart/form-data").status_code != 413
    four_mb = {"file": (io.BytesIO(b"x" * 4 * 1024 * 1024), "pupils.xlsx")}
    assert client.post("/studentmodelview/add", data=four_mb, content_type="multipart/form-data").status_code == 413


def test_a_body_without_content_length_is_cut_at_the_limit(client, world, jwt):
    body = _student_body(world, 2 * 1024 * 1024)
    resp = client.post("/api/v1/student/", input_stream=io.BytesIO(body), content_type="application/json",
                       headers={**jwt("district"), "Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True})  # as gunicorn sets for chunked
    assert resp.status_code == 413


def test_a_small_body_without_content_length_is_read_whole(client, world, jwt):
    body = io.BytesIO('{"class_name": "5班"}'.encode())
    resp = client.put(f"/api/v1/student/{world.pupil['A'].id}", input_stream=body,
                      content_type="application/json", headers={**jwt("district"), "Transfer-Encoding": "chunked"},
                      environ_overrides={"wsgi.input_terminated": True})
    assert resp.status_code == 200, resp.get_data(as_text=True)


@pytest.mark.parametrize("method", ["get", "put", "delete"])
@pytest.mark.parametrize("pk", [HUGE, "9223372036854775808", "2147483648"])
def test_an_id_no_row_can_have_answers_404_on_the_api(client, world, jwt, method, pk):
    resp = getattr(client, method)(f"/api/v1/student/{pk}", json={"class_name": "2班"}, headers=jwt("district"))
    assert resp.status_code == 404


@pytest.mark.parametrize("pk", ["-1", "1e3", "１", "0x1", "1.0"])
def test_a_pk_that_is_not_an_id_is_refused_never_served(client, world, jwt, pk):
    headers = jwt("district")
    assert client.put(f"/api/v1/student/{pk}", json={"class_name": "2班"}, headers=headers).status_code == 404
    assert client.delete(f"/api/v1/student/{pk}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/student/{pk}", headers=headers).status_code in (404, 405)  # GET wants <int:pk>


@pytest.mark.parametrize("path", ["show", "edit", "delete"])
def test_an_id_no_row_can_have_answers_404_on_pages(client, world, as_user, path):
    as_user("district")
    assert client.get(f"/studentmodelview/{path}/{HUGE}").status_code == 404
    assert client.get(f"/householdmodelview/{path}/2147483648").status_code == 404


def test_custom_int_routes_refuse_huge_ids_and_real_ids_still_work(client, world, jwt):
    headers = jwt("district")
    assert client.post(f"/api/v1/application/{HUGE}/class_review", json={}, headers=headers).status_code == 404
    assert client.post(f"/api/v1/student/{HUGE}/reveal", json={}, headers=headers).status_code == 404
    assert client.get(f"/api/v1/student/{world.pupil['A'].id}", headers=headers).status_code == 200
    assert client.get("/api/v1/student/2147483647", headers=headers).status_code == 404


@pytest.mark.parametrize("q", ["(", "1e+5", "!!", "5", "!(1,2)", "'text'", "(a:", "(page:1e)", "[1]", '{"a":'])
def test_a_malformed_rison_q_answers_400_with_a_translated_message(client, world, jwt, q):
    resp = client.get("/api/v1/student/", query_string={"q": q}, headers=jwt("district"))
    assert resp.status_code == 400
    assert resp.get_json()["message"] == "查询参数 q 不是有效的 rison 对象。"


@pytest.mark.parametrize("q", ["(page:0,page_size:2)", '{"page": 0, "page_size": 2}'])
def test_a_well_formed_rison_or_json_q_is_served(client, world, jwt, q):
    resp = client.get("/api/v1/student/", query_string={"q": q}, headers=jwt("district"))
    assert resp.status_code == 200 and len(resp.get_json()["result"]) == 2


def _foreign_token() -> str:
    """A well-formed access token signed with a key that is not ours."""
    return pyjwt.encode({"sub": "1", "type": "access", "fresh": False, "jti": "x"}, "another-key-" * 4,
                        algorithm="HS256")


@pytest.mark.parametrize("header", ["Bearer abc", "Bearer a.b.c", "Bearer", "Basic YWJjOmRlZg==", "foreign", "expired"])
def test_a_bad_token_answers_401_not_422(client, app, world, header):
    if header == "foreign":
        header = "Bearer " + _foreign_token()
    if header == "expired":
        with app.app_context():
            header = "Bearer " + create_access_token(identity="1", expires_delta=timedelta(seconds=-10))
    resp = client.get("/api/v1/student/", headers={"Authorization": header})
    assert resp.status_code == 401
    assert resp.get_json()["message"] == "请重新登录：访问令牌缺失、无效或已过期。"


def test_a_good_token_is_served(client, world, jwt):
    assert client.get("/api/v1/student/", headers=jwt("district")).status_code == 200


def test_405_keeps_its_allow_header_on_the_api_and_on_pages(client, world, jwt, as_user):
    resp = client.delete("/api/v1/student/", headers=jwt("district"))
    assert resp.status_code == 405 and "GET" in resp.headers["Allow"] and "POST" in resp.headers["Allow"]
    assert resp.is_json
    as_user("district")
    page = client.delete("/studentmodelview/list/")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]


@pytest.mark.parametrize("url", [
    "/studentmodelview/lookup/household?page=99999999999999999999",
    "/studentmodelview/lookup/household?page=" + "9" * 5000,
    "/studentmodelview/list/?_flt_0_grade=9223372036854775808",
    "/householdmembermodelview/list/?_flt_0_birth_year=-99999999999999999999",
])
def test_a_number_past_64_bits_in_a_page_query_answers_400(client, world, as_user, url):
    resp = as_user("district").get(url)
    assert resp.status_code == 400
    assert "请求中的数字过大" in resp.get_data(as_text=True)


@pytest.mark.parametrize("q", ["(filters:!((col:grade,opr:eq,value:99999999999999999999)))",
                               "(filters:!((col:school,opr:rel_o_m,value:99999999999999999999)))"])
def test_a_number_past_64_bits_in_q_answers_400(client, world, jwt, q):
    resp = client.get("/api/v1/student/", query_string={"q": q}, headers=jwt("district"))
    assert resp.status_code == 400


def test_numbers_within_64_bits_are_served(client, world, as_user, jwt):
    assert as_user("district").get("/studentmodelview/list/?_flt_0_grade=9223372036854775807").status_code == 200
    resp = client.get("/api/v1/student/", query_string={"q": "(filters:!((col:grade,opr:eq,value:3)))"},
                      headers=jwt("district"))
    assert resp.status_code == 200 and resp.get_json()["count"] == 2  # schools A and B of the district
