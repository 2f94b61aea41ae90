"""Browser: a list's quick search box filters the list, shows the filter as a chip, and the chip removes it."""
from urllib.parse import unquote

from tests.e2e.conftest import sign_in


def test_quick_search_filters_and_its_chip_removes_it(page, live_server, console_errors):
    sign_in(page, live_server, "school1")
    page.goto(f"{live_server}/studentmodelview/list/")
    first = page.locator("td.zz-col-name").first.inner_text().strip()[0]
    page.get_by_role("searchbox").fill(first)
    page.get_by_role("search").get_by_role("button", name="查询").click()
    page.wait_for_load_state("networkidle")
    assert f"_flt_0_search={first}" in unquote(page.url)
    names = [n.strip() for n in page.locator("td.zz-col-name").all_inner_texts()]
    assert names and all(n.startswith(first) for n in names)
    chip = page.locator("a.zz-chip")
    assert chip.count() == 1 and f"快速搜索：{first}" in chip.inner_text()
    chip.click()
    page.wait_for_load_state("networkidle")
    assert "_flt_0_search" not in page.url and page.locator("a.zz-chip").count() == 0
    assert not console_errors
