"""Browser: FAB's own scripts speak the page's language: the date picker's months and weekdays in
Chinese (served from this host), English on English pages; no script error."""
from tests.e2e.conftest import sign_in


def _open_date_picker(page, base: str) -> str:
    page.goto(f"{base}/studentmodelview/list/")
    page.locator("a[href*='/studentmodelview/edit/']").first.click()
    page.wait_for_load_state("networkidle")
    page.locator(".appbuilder_date input").first.click()
    page.wait_for_selector(".datepicker-dropdown", timeout=30_000)
    return page.inner_text(".datepicker-dropdown")


def test_the_date_picker_names_months_and_weekdays_in_the_pages_language(page, live_server, console_errors):
    sign_in(page, live_server, "school1")
    page.goto(f"{live_server}/lang/zh")
    chinese = _open_date_picker(page, live_server)
    assert "月" in chinese and "一" in chinese and "Su" not in chinese, chinese
    assert page.evaluate("$.fn.datepicker.defaults.language") == "zh-CN"
    page.goto(f"{live_server}/lang/en")
    english = _open_date_picker(page, live_server)
    assert "Su" in english and "月" not in english, english
    page.goto(f"{live_server}/lang/zh")
    assert page.outside_requests == [], page.outside_requests
    assert console_errors == [], console_errors
