"""Browser: the pupil list, a filter, the edit form and a lookup work under our CSP, with no violation."""
from tests.e2e.conftest import sign_in


def _watch_csp(page) -> list[str]:
    """Collect CSP violations: Chromium logs each one to the console as an error."""
    violations = []

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: violations.append(f"page error: {error}"))
    return violations


def test_pupil_list_filter_edit_and_lookup_without_csp_violations(page, live_server):
    violations = _watch_csp(page)
    sign_in(page, live_server, "district")
    response = page.goto(f"{live_server}/studentmodelview/list/")
    assert "nonce-" in response.headers["content-security-policy"]
    page.click("#accordion1 a.accordion-toggle")  # the search panel starts collapsed
    page.click("#filter_form .dropdown-toggle")
    page.click("#filter_form a.filter[name=name]")
    page.fill("#filter_form table.filters input[name^=_flt_]", "李")
    page.click("#filter_form button[type=submit], #filter_form .btn-primary")
    page.wait_for_load_state("networkidle")
    assert "_flt_" in page.url
    page.locator("a[href*='/studentmodelview/edit/']").first.click()
    page.wait_for_load_state("networkidle")
    page.click("select[name=household] + .select2-container")
    page.keyboard.type("镇")
    # returns as soon as the results show; bounded generously for a busy machine
    page.wait_for_selector(".select2-results__option:not(.loading-results)", timeout=30_000)
    assert page.locator(".select2-results__option").count() > 0
    assert violations == [], violations
    assert page.outside_requests == [], page.outside_requests
