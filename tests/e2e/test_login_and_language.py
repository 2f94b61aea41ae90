"""Browser: log in as a demo user, open the pupil list, switch language; nothing leaves the host."""
import re

from tests.e2e.conftest import sign_in


def test_school_officer_sees_pupils_in_chinese_and_can_switch_to_english(page, live_server):
    page.goto(live_server + "/")
    assert "/login" in page.url
    assert "登录" in page.content()
    sign_in(page, live_server, "school1")
    page.goto(f"{live_server}/studentmodelview/list/")
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    assert "学生" in body and "学籍号" in body
    assert re.search(r"[\u4e00-\u9fff]{2,3}", body)
    page.goto(f"{live_server}/lang/en")
    page.goto(f"{live_server}/studentmodelview/list/")
    page.wait_for_load_state("networkidle")
    english = page.inner_text("body")
    assert "Pupils" in english and "Student number" in english
    page.goto(f"{live_server}/lang/zh")
    page.goto(f"{live_server}/studentmodelview/list/")
    assert "学籍号" in page.inner_text("body")
    assert page.outside_requests == [], page.outside_requests


def test_household_lookup_searches_as_you_type(page, live_server):
    sign_in(page, live_server, "district")
    page.goto(f"{live_server}/studentmodelview/list/")
    first_edit = page.locator("a[href*='/studentmodelview/edit/']").first
    first_edit.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("select.zz-lookup[name=household] option").count() <= 2
    page.click("#s2id_household, select[name=household] + .select2-container")
    page.keyboard.type("镇")
    # returns as soon as the results show; bounded generously for a busy machine
    page.wait_for_selector(".select2-results__option:not(.loading-results)", timeout=30_000)
    options = page.locator(".select2-results__option").all_inner_texts()
    assert options and any("镇" in o for o in options)
    assert page.outside_requests == [], page.outside_requests
