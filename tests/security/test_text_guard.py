"""NUL characters and lone surrogates (PostgreSQL cannot store or compare them) answer 4xx wherever they come."""
import json

import pytest

from app.models import Household
from app.security.text_guard import unstorable


@pytest.mark.parametrize("value", ["a\x00", "\ud800", ["x", "\x00"], {"k": "\udfff"}, {"\x00": 1}])
def test_nul_and_lone_surrogates_are_unstorable(value):
    assert unstorable(value)


@pytest.mark.parametrize("value", ["王小丫", "第一行\n\t第二行", "😀", ["x"], {"k": 1}, 5, None])
def test_ordinary_text_and_values_are_storable(value):
    assert not unstorable(value)


@pytest.mark.parametrize("url", [
    "/api/v1/student/?q=(filters:!((col:name,opr:sw,value:'a%00')))",
    "/api/v1/household/?q=(filters:!((col:guardian_name,opr:eq,value:'%00')))",
    "/api/v1/student/?q=" + json.dumps({"filters": [{"col": "name", "opr": "ct", "value": "a\u0000"}]}),
    "/api/v1/student/?q=%7B%22filters%22%3A%5B%7B%22col%22%3A%22name%22%2C%22opr%22%3A%22ct%22%2C"
    "%22value%22%3A%22%5Cud800%22%7D%5D%7D",
    "/api/v1/household/?other=%00",
])
def test_a_nul_in_an_api_filter_answers_400(client, world, jwt, url):
    resp = client.get(url, headers=jwt("district"))
    assert resp.status_code == 400 and resp.is_json


@pytest.mark.parametrize("url", ["/studentmodelview/list/?_flt_0_name=a%00",
                                 "/householdmodelview/list/?_flt_3_guardian_name=%00",
                                 "/studentmodelview/lookup/household?q=%00"])
def test_a_nul_in_a_page_filter_answers_400(client, world, as_user, url):
    assert as_user("district").get(url).status_code == 400


def test_the_same_filters_without_nul_are_served(client, world, jwt, as_user):
    assert client.get("/api/v1/student/?q=(filters:!((col:name,opr:sw,value:'A')))",
                      headers=jwt("district")).status_code == 200
    assert as_user("district").get("/studentmodelview/list/?_flt_0_name=A").status_code == 200


@pytest.mark.parametrize("escape", ["\\u0000", "\\ud800"])
def test_a_json_body_with_unstorable_text_names_the_field_and_stores_nothing(client, session, world, jwt, escape):
    before = session.query(Household).count()
    body = '{"guardian_name": "王' + escape + '", "district": ' + str(world.d.id) + "}"
    resp = client.post("/api/v1/household/", data=body, content_type="application/json", headers=jwt("district"))
    assert resp.status_code == 422
    assert resp.get_json()["message"]["guardian_name"][0].startswith("监护人：")
    assert session.query(Household).count() == before


def test_a_custom_page_form_with_a_nul_is_refused_naming_the_field(client, world, as_user):
    resp = as_user("school_a").post("/objections/record", data={"entry_id": "1", "received_on": "2026-10-10",
                                                                 "content": "家里\x00有车"})
    assert resp.status_code == 422
    assert "含有控制字符" in resp.get_data(as_text=True)


def test_the_filter_refusal_is_translated(client, world, jwt):
    resp = client.get("/api/v1/household/?other=%00", headers=jwt("district"))
    assert resp.get_json()["message"] == "查询或筛选条件中含有不允许的字符。"
