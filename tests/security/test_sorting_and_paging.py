"""Sorting by a masked column is refused like filtering on it; absurd pages answer, never a 500."""
import pytest

MASKED = ("student_no", "id_number", "birth_date", "school.contact_phone")
HUGE = "99999999999999999999"


@pytest.mark.parametrize("column", MASKED)
def test_api_refuses_to_sort_pupils_by_a_masked_column(client, world, jwt, column):
    resp = client.get(f"/api/v1/student/?q=(order_column:{column},order_direction:asc)", headers=jwt("school_a"))
    assert resp.status_code == 400


def test_api_refusal_to_sort_by_a_listed_masked_column_is_translated(client, world, jwt):
    resp = client.get("/api/v1/student/?q=(order_column:student_no,order_direction:asc)",
                      headers={**jwt("school_a"), "Accept-Language": "zh"})
    assert resp.status_code == 400 and "排序" in resp.get_json()["message"]


def test_api_sorts_pupils_by_name(client, world, jwt):
    resp = client.get("/api/v1/student/?q=(order_column:name,order_direction:asc)", headers=jwt("school_a"))
    assert resp.status_code == 200 and resp.get_json()["count"] == 1


def test_api_refuses_to_sort_households_by_phone(client, world, jwt):
    headers = jwt("school_a")
    assert client.get("/api/v1/household/?q=(order_column:phone,order_direction:desc)",
                      headers=headers).status_code == 400
    assert client.get("/api/v1/household/?q=(order_column:guardian_name,order_direction:desc)",
                      headers=headers).status_code == 200


@pytest.mark.parametrize("column", ("student_no", "id_number", "birth_date"))
def test_list_page_refuses_to_sort_by_a_masked_column(as_user, column):
    client = as_user("school_a")
    resp = client.get(f"/studentmodelview/list/?_oc_StudentModelView={column}&_od_StudentModelView=asc")
    assert resp.status_code == 400


def test_list_page_sorts_by_name_and_offers_no_sort_link_on_a_masked_column(as_user):
    client = as_user("school_a")
    resp = client.get("/studentmodelview/list/?_oc_StudentModelView=name&_od_StudentModelView=asc")
    assert resp.status_code == 200 and "A学生" in resp.get_data(as_text=True)
    page = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert "_oc_StudentModelView=name" in page and "_oc_StudentModelView=student_no" not in page


def test_related_list_on_a_show_page_refuses_a_masked_order(as_user, world):
    client = as_user("school_a")
    url = f"/householdmodelview/show/{world.household['A'].id}"
    assert client.get(url + "?_oc_StudentModelView=student_no&_od_StudentModelView=asc").status_code == 400
    assert client.get(url + "?_oc_StudentModelView=name&_od_StudentModelView=asc").status_code == 200


@pytest.mark.parametrize("q", (f"(page:{HUGE},page_size:10)", "(page:4611686018427387904,page_size:100)",
                               f"(page:0,page_size:{HUGE})", "(page:-5,page_size:-5)", "(page:3,page_size:0)"))
def test_api_absurd_pages_answer_without_a_server_error(client, world, jwt, q):
    resp = client.get(f"/api/v1/student/?q={q}", headers=jwt("school_a"))
    assert resp.status_code < 500
    if resp.status_code == 200:
        assert len(resp.get_json()["result"]) <= 100


def test_api_page_beyond_any_list_is_refused_and_the_first_page_is_not(client, world, jwt):
    headers = jwt("school_a")
    assert client.get(f"/api/v1/student/?q=(page:{HUGE},page_size:10)", headers=headers).status_code == 400
    assert client.get("/api/v1/student/?q=(page:5,page_size:10)", headers=headers).get_json()["ids"] == []
    assert len(client.get("/api/v1/student/?q=(page:0,page_size:10)", headers=headers).get_json()["ids"]) == 1


@pytest.mark.parametrize("args", (f"page_StudentModelView={HUGE}", "page_StudentModelView=4611686018427387904",
                                  f"psize_StudentModelView={HUGE}", "psize_StudentModelView=0",
                                  "page_StudentModelView=-3&psize_StudentModelView=-3"))
def test_list_page_absurd_pages_answer_without_a_server_error(as_user, args):
    resp = as_user("school_a").get(f"/studentmodelview/list/?{args}")
    assert resp.status_code == 200


@pytest.mark.parametrize("args", ("page_StudentModelView=abc", "psize_StudentModelView=1e5",
                                  "page_StudentModelView=" + "9" * 5000))
def test_list_page_with_a_page_that_is_no_number_is_a_bad_request(as_user, args):
    assert as_user("school_a").get(f"/studentmodelview/list/?{args}").status_code == 400
    assert as_user("school_a").get("/studentmodelview/list/?page_StudentModelView=0").status_code == 200
