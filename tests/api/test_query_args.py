"""REST list arguments: absurd pages and page sizes answer 400 in words, sane ones answer the list."""
import pytest

from tests.factories import make_school, make_student


@pytest.fixture
def headers(session, make_user, jwt):
    school = make_school(session)
    for _ in range(3):
        make_student(session, school=school)
    session.commit()
    make_user("school_q", "SchoolOfficer", school=school)
    return jwt("school_q")


@pytest.mark.parametrize("q", [
    "(page_size:0)", "(page_size:-5)", "(page_size:101)", "(page_size:100000000000000000000000)",
    "(page:-1)", "(page:99999999999999999999)", "(page:30000000,page_size:100)",
])
def test_an_absurd_page_or_page_size_is_refused_in_words(client, headers, q):
    resp = client.get(f"/api/v1/student/?q={q}", headers=headers)
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert "须为" in resp.get_json()["message"]


@pytest.mark.parametrize("q", ["(page_size:abc)", "(page_size:1.5)", "(page:abc)", "(page_size:!t)"])
def test_a_value_of_the_wrong_type_is_refused_in_words(client, headers, q):
    resp = client.get(f"/api/v1/student/?q={q}", headers=headers)
    assert resp.status_code == 400
    assert resp.get_json()["message"] == "查询参数 q 中有值的类型不对或超出范围。"


@pytest.mark.parametrize("q,rows", [("(page_size:1)", 1), ("(page_size:100)", 3), ("(page:0,page_size:2)", 2),
                                    ("(page:1,page_size:2)", 1), ("(page:1000,page_size:100)", 0)])
def test_sane_paging_answers_the_list(client, headers, q, rows):
    resp = client.get(f"/api/v1/student/?q={q}", headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert len(resp.get_json()["result"]) == rows
