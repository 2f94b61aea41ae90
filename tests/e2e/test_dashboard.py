"""Browser: the leader's dashboard draws every chart with the app's own ECharts, no request leaving 127.0.0.1."""
from pathlib import Path

from tests.e2e.conftest import sign_in

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots" / "dashboard"
SECTIONS = 5  # coverage, groups, progress, spending, trends (app/queries/dashboard.py)
DRAWN = """() => {
  const charts = Array.from(document.querySelectorAll('.zz-chart'));
  return document.querySelectorAll('[data-zz-charts][data-zz-loaded]').length === SECTIONS && charts.length > 0
    && charts.every(el => window.echarts.getInstanceByDom(el) && el.querySelector('canvas')
                          && el.getAttribute('data-zz-rendered'));
}""".replace("SECTIONS", str(SECTIONS))


def test_leader_dashboard_draws_every_chart_offline(page, live_server, console_errors):
    sign_in(page, live_server, "leader")
    page.click(".zz-toolbar a.btn[href$='/reports/dashboard/']")  # the workbench's quick action
    page.wait_for_function(DRAWN, timeout=30_000)
    charts = page.eval_on_selector_all(".zz-chart", "els => els.map(el => el.getAttribute('data-zz-chart'))")
    assert {"coverage_school", "special_groups", "applications_school", "money_source", "trend_money"} <= set(charts)
    assert page.locator(".zz-chart-error:visible").count() == 0
    assert page.locator("[data-zz-kpi]").first.inner_text() not in ("", "…")
    axis = page.evaluate("""() => window.echarts.getInstanceByDom(document.querySelector('[data-zz-chart=totals]'))
        .getOption().xAxis[0].data""")
    assert len(axis) > 1 and not any(name.startswith("示范县") for name in axis)  # the names' common prefix dropped
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "leader-district.png"), full_page=True)
    assert page.outside_requests == [], page.outside_requests
    assert console_errors == [], console_errors


def test_a_click_on_a_schools_bar_opens_that_schools_dashboard(page, live_server):
    sign_in(page, live_server, "leader")
    page.goto(f"{live_server}/reports/dashboard/")
    page.wait_for_function(DRAWN, timeout=30_000)
    canvas = page.locator("[data-zz-chart=totals] canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    bar = page.evaluate("""() => window.echarts.getInstanceByDom(document.querySelector('[data-zz-chart=totals]'))
        .getModel().getSeriesByIndex(0).getData().getItemLayout(0)""")  # the first school's pupils
    with page.expect_navigation():
        page.mouse.click(box["x"] + bar["x"] + bar["width"] / 2, box["y"] + bar["y"] + bar["height"] / 2)
    assert "school=" in page.url
    page.wait_for_function(DRAWN, timeout=30_000)
    assert page.locator(".breadcrumb li").count() == 2
    charts = page.eval_on_selector_all(".zz-chart", "els => els.map(el => el.getAttribute('data-zz-chart'))")
    assert "totals" in charts and not {"coverage_township", "money_school", "objections_overdue"} & set(charts)
    page.screenshot(path=str(SCREENSHOTS / "leader-school.png"), full_page=True)
    assert page.outside_requests == [], page.outside_requests
