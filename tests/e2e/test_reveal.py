"""Browser: a school officer sees a masked ID number and reveals it with a reason (CSP, CSRF, audit)."""
import re

from tests.e2e.conftest import sign_in
from tests.e2e.test_csp import _watch_csp


def test_school_officer_reveals_a_masked_id_number_with_a_reason(page, live_server):
    violations = _watch_csp(page)
    sign_in(page, live_server, "school1")
    page.goto(f"{live_server}/studentmodelview/list/")
    page.locator("a[href*='/studentmodelview/show/']").first.click()
    page.wait_for_load_state("networkidle")
    masked = page.locator(".zz-masked").first
    assert re.fullmatch(r"\d{4}\*{12}[\dX]{2}", masked.inner_text().strip())
    page.once("dialog", lambda dialog: dialog.accept("核对银行卡开户信息"))
    page.locator("button.zz-reveal").first.click()
    page.wait_for_function(
        "() => /^\\d{17}[\\dX]$/.test(document.querySelector('.zz-masked').textContent.trim())")
    assert violations == [] and page.outside_requests == []
    page.goto(f"{live_server}/logout/")
    sign_in(page, live_server, "auditor")
    page.goto(f"{live_server}/auditeventmodelview/list/?_flt_0_action=reveal")
    assert "school1" in page.inner_text("body")
