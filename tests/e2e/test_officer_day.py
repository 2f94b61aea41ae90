"""Browser: a school officer's whole day on a fresh demo, as `school1` clicks through it.

Register a family (household, both parents, the pupil), apply, submit, score, record the home visit, take
the committee's decision, publish the notice (公示), record an objection on its first day, answer it,
and approve once the notice period has ended. Every step goes through the pages a user clicks (menus,
buttons and fields by their Chinese labels) and checks what the user sees: the flash message and the
status. Days pass on the demo's own clock (`clocked_server`), moved by the test; the officer signs in
again on each new day. Screenshots of the key steps go to tests/e2e/screenshots/officer-day/.
"""
import re
import time
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect

from app.services.validation import make_id_number
from tests.e2e.conftest import DEMO_DAY, sign_in

SHOTS = Path(__file__).resolve().parent / "screenshots" / "officer-day"
SCHOOL = "示范县城关镇中心小学"  # school1's school in the demo district
# the family: a compound surname no demo name has, so every picker and list finds exactly this family
FATHER, MOTHER, PUPIL = "欧阳建国", "龙秀英", "欧阳晨曦"
BIRTH = date(DEMO_DAY.year - 8, 3, 15)  # a third-grader
PUPIL_ID = make_id_number("430121", BIRTH, 987)  # an odd sequence number: a boy
WAIT = 30_000  # ms: the bound of every wait for a page or an element, never a duration
NEEDY_TIERS = re.compile("特别困难|比较困难|一般困难")
NOTICE_PERIOD = re.compile(r"公示期：(\d{4}-\d{2}-\d{2}) 至 (\d{4}-\d{2}-\d{2})")


class Day:
    """The officer's browser page with the steps every page of the walk shares."""

    def __init__(self, page, server):
        self.page, self.server = page, server
        self.timings: list[tuple[str, float]] = []
        self._started = time.perf_counter()

    def done(self, step: str, shot: str | None = None) -> None:
        """Note how long `step` took (from the end of the last one) and take its screenshot."""
        now = time.perf_counter()
        self.timings.append((step, now - self._started))
        self._started = now
        if shot:
            SHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SHOTS / f"{len(self.timings):02d}-{shot}.png"), full_page=True)

    def menu(self, category: str, item: str) -> None:
        """Open a navbar menu and click one of its entries (the entries start with an icon)."""
        self.page.wait_for_load_state("load")  # the menus' script has run
        navbar = self.page.locator(".navbar")
        navbar.get_by_role("link", name=category).click()
        navbar.locator(".dropdown.open .dropdown-menu").get_by_role(
            "link", name=re.compile(rf"^[^\u4e00-\u9fff]*{item}$")).click()

    def flash(self, text) -> None:
        """The page shows the flash message `text` (a string or a pattern)."""
        expect(self.page.locator(".alert").filter(has_text=text).first).to_be_visible()

    def field(self, label: str):
        """The text box of the form field labelled `label` (the label may carry the required mark)."""
        return self.page.get_by_role("textbox", name=label, exact=True)

    def choose(self, label: str, option: str, typed: str | None = None) -> None:
        """Pick `option` in the select box of the field labelled `label`, typing `typed` first when the
        box looks its options up as one types."""
        target = self.page.locator("label", has_text=re.compile(rf"^\s*{label}\s*\*?\s*$")).get_attribute("for")
        self.page.locator(f"[id='{target}'] ~ .select2-container .select2-selection").click()
        if typed is not None:
            self.page.locator(".select2-container--open .select2-search__field").fill(typed)
        self.page.locator(".select2-results__option", has_text=re.compile(rf"^{option}$")).click()

    def type_date(self, label: str, day: date) -> None:
        """Type a date into a date picker field key by key, as a user does (the picker drops a pasted value)."""
        box = self.field(label)
        box.click()
        box.press("Control+a")  # over whatever the field holds
        box.press_sequentially(day.isoformat())
        box.press("Tab")
        expect(box).to_have_value(day.isoformat())

    def row(self, name: str, within=None):
        """The table row with a cell that reads exactly `name` (on the page, or `within` a part of it)."""
        scope = within if within is not None else self.page
        return scope.get_by_role("row").filter(has=self.page.get_by_role("cell", name=name, exact=True))

    def household_button(self, name: str) -> None:
        """Click one of the household page's buttons (above its tabs, whichever tab is open)."""
        self.page.wait_for_load_state("load")  # the tabs' script has run
        self.page.get_by_role("link", name=name).click()
        self.page.wait_for_load_state("load")  # the form's scripts (ID number → birth date) have run

    def click_and_confirm(self, link: str) -> None:
        """Click a button that asks first (its script is bound once the page has loaded), then accept."""
        self.page.wait_for_load_state("load")
        self.page.get_by_role("link", name=link).click()
        self.page.get_by_role("dialog").get_by_role("link", name="确定").click()

    def next_day(self, day: date) -> None:
        """The officer signs out from the user menu; the demo's clock moves on to 09:00 of `day`; she signs
        in again."""
        self.page.wait_for_load_state("load")
        self.page.locator(".navbar-right .dropdown").filter(has_text="退出登录").locator(".dropdown-toggle").click()
        self.page.get_by_role("link", name=re.compile("退出登录")).click()
        expect(self.page.locator("input[name=username]")).to_be_visible()
        self.server.clock.set_day(day)
        sign_in(self.page, self.server.base, "school1")
        expect(self.page.get_by_text(f"{SCHOOL} · 学年")).to_be_visible()


def register_the_family(day: Day) -> None:
    """From the workbench a new household; from the household's page both parents, the pupil and the
    application, each form coming back to the household's page."""
    page = day.page
    page.get_by_role("link", name="新增家庭").click()
    day.field("监护人").fill(FATHER)
    day.field("电话").fill("13907310001")
    day.field("地址").fill("城关镇东风路12号")
    page.get_by_label("居住在农村").check()
    page.get_by_role("button", name="保存").click()
    day.flash(f"已新增家庭：{FATHER}")
    expect(page.get_by_role("heading", name="家庭")).to_be_visible()  # the new household's page
    expect(page.get_by_text(FATHER).first).to_be_visible()
    expect(page.get_by_text("孤儿")).to_have_count(0)  # no reason for missing parents is recorded unasked
    household = page.url
    day.done("household saved")

    day.household_button("新增家庭成员")
    day.field("姓名").fill(FATHER)
    day.choose("与学生关系", "父亲")
    day.field("出生年份").fill(str(DEMO_DAY.year - 38))
    day.choose("劳动能力", "部分劳动能力")
    day.choose("健康状况", "慢性病")
    day.field("年收入（元）").fill("9600")
    day.field("职业").fill("务农")
    page.get_by_role("button", name="保存").click()
    day.flash(f"已新增家庭成员：{FATHER}")
    expect(page).to_have_url(household)

    day.household_button("新增家庭成员")
    day.field("姓名").fill(MOTHER)
    day.choose("与学生关系", "母亲")
    day.field("出生年份").fill(str(DEMO_DAY.year - 36))
    day.choose("在家情况", "下落不明或服刑")
    day.field("年收入（元）").fill("0")
    page.get_by_role("button", name="保存").click()
    day.flash(f"已新增家庭成员：{MOTHER}")
    expect(page).to_have_url(household)
    page.wait_for_load_state("load")
    page.get_by_role("link", name="家庭成员", exact=True).click()
    members = page.locator("#HouseholdMemberModelView")
    expect(day.row(FATHER, members)).to_contain_text("父亲")
    expect(day.row(MOTHER, members)).to_contain_text("母亲")
    day.done("parents added", "household-members")

    day.household_button("新增学生")
    day.field("姓名").fill(PUPIL)
    day.field("身份证号").fill(PUPIL_ID)
    expect(day.field("出生日期")).to_have_value(BIRTH.isoformat())  # read from the ID number
    day.field("学籍号").fill("G" + PUPIL_ID)
    day.choose("学校", SCHOOL, typed="城关")
    day.field("年级").fill("3")
    day.field("班级").fill("1班")
    page.get_by_role("button", name="保存").click()
    day.flash(f"已新增学生：{PUPIL}")
    expect(page).to_have_url(household)
    page.wait_for_load_state("load")
    page.get_by_role("link", name="学生", exact=True).click()
    pupil = day.row(PUPIL, page.locator("#StudentModelView"))
    expect(pupil).to_contain_text("男")  # the sex, from the ID number too
    expect(pupil).to_contain_text("1班")
    day.done("pupil added", "household-pupil")

    day.household_button(f"新增资助申请：{PUPIL}")
    expect(page.get_by_text(PUPIL).first).to_be_visible()  # the pupil is already chosen
    day.field("申请理由").fill("父亲患慢性病只能做些农活，母亲外出务工后下落不明，家中无其他收入。")
    day.type_date("承诺书签署日期", DEMO_DAY)
    day.type_date("知情同意书签署日期", DEMO_DAY)
    page.get_by_role("button", name="保存").click()
    day.flash(f"已新增资助申请：{PUPIL}")
    expect(page).to_have_url(household)
    day.done("application saved", "household-done")


def submit_the_application(day: Day) -> None:
    """The draft found with the applications list's quick search, opened on the assessment page, submitted."""
    page = day.page
    day.menu("困难认定", "资助申请")
    page.get_by_role("searchbox").fill(PUPIL)
    page.get_by_role("search").get_by_role("button", name="查询").click()
    row = day.row(PUPIL)
    expect(row).to_contain_text("草稿")
    row.get_by_role("link", name="查看").click()
    page.get_by_role("link", name="进入认定评审").click()
    heading = page.get_by_role("heading", name=re.compile(PUPIL))
    expect(heading).to_contain_text("草稿")
    page.get_by_role("button", name="提交", exact=True).click()
    day.flash("申请已提交。")
    expect(heading).to_contain_text("已提交")
    frozen = page.get_by_role("region", name=re.compile("提交时的家庭情况"))
    expect(day.row(FATHER, frozen)).to_contain_text("慢性病")
    expect(day.row(MOTHER, frozen)).to_contain_text("下落不明或服刑")
    day.done("submitted", "submitted")


def assess_visit_and_decide(day: Day) -> str:
    """Score, record the home visit and the committee's decision on the suggested tier; returns the tier."""
    page = day.page
    page.get_by_role("button", name="量化得分").click()
    day.flash("申请已评分。")
    score = page.get_by_role("region", name="量化得分")
    expect(score).to_contain_text("建议等级")
    suggested = NEEDY_TIERS.search(score.inner_text())
    assert suggested, f"the family should be in difficulty:\n{score.inner_text()}"
    tier = suggested.group(0)
    # school1's school holds no class review (班级评议): the page says so instead of offering the form
    expect(page.get_by_role("region", name="班级评议")).to_contain_text("本校不设班级评议")
    day.done("scored", "scored")

    visits = page.get_by_role("region", name="家访记录")
    visits.get_by_label("家访人员").fill("张琴玲、班主任李老师")
    visits.get_by_label("家访情况").fill("住自建砖房，父亲慢性病需长期服药，母亲多年未归，与申报一致。")
    visits.get_by_role("button", name="保存家访记录").click()
    day.flash("家访记录已保存。")
    expect(page.get_by_role("region", name="家访记录")).to_contain_text("班主任李老师")
    day.done("home visit")

    decision = page.get_by_role("region", name="认定工作组评议")
    expect(decision.get_by_label("认定等级")).to_have_value(re.compile(".+"))
    expect(decision.get_by_label("认定等级").locator("option:checked")).to_have_text(f"{tier} (建议)")
    decision.get_by_label("参会人员").fill("校长、资助专干、班主任、家长代表")
    decision.get_by_label("同意票").fill("7")
    decision.get_by_role("button", name="登记评议结果").click()
    day.flash("认定工作组评议结果已登记。")
    expect(page.get_by_role("region", name="认定工作组评议")).to_contain_text(f"认定等级: {tier}")
    day.done("decided", "decided")
    return tier


def publish_the_notice(day: Day, tier: str) -> tuple[date, date]:
    """A draft notice from the notices page, previewed, saved and published; returns its first and last day."""
    page = day.page
    day.menu("困难认定", "公示管理")
    page.get_by_role("link", name="新建公示").click()
    expect(day.row(PUPIL)).to_contain_text(tier)  # the preview
    page.get_by_label("异议受理").fill("城关镇中心小学资助办公室，电话 0731-84561234")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("heading", name=re.compile("认定结果公示"))).to_contain_text("草稿")
    day.done("notice drafted", "notice-draft")

    day.click_and_confirm("发布")
    day.flash("公示已发布。")
    expect(page.get_by_role("heading", name=re.compile("认定结果公示"))).to_contain_text("已发布")
    expect(day.row(PUPIL)).to_contain_text("公示")
    period = NOTICE_PERIOD.search(page.inner_text("body"))
    assert period, "the notice page shows its period"
    day.done("published", "notice-published")
    return date.fromisoformat(period.group(1)), date.fromisoformat(period.group(2))


def open_the_notice(day: Day, first_day: date) -> None:
    """The notices page, then the notice that starts on `first_day` (the demo has notices of its own)."""
    day.menu("困难认定", "公示管理")
    day.page.get_by_role("row").filter(has_text=first_day.isoformat()).get_by_role("link").first.click()


def record_and_answer_an_objection(day: Day, first_day: date) -> None:
    """On the notice's first day a parent objects; the next day the school answers (dismissed)."""
    page = day.page
    day.next_day(first_day)
    open_the_notice(day, first_day)
    pupils = page.get_by_label("学生", exact=True)
    pupils.select_option(pupils.locator("option", has_text=PUPIL).get_attribute("value"))
    expect(page.get_by_label("收到日期")).to_have_value(first_day.isoformat())
    page.get_by_label("提出人").fill("同班学生家长")
    page.get_by_label("异议", exact=True).fill(f"{PUPIL}家去年买了一辆小汽车，家庭并不困难。")
    page.get_by_role("button", name="保存异议").click()
    day.flash(re.compile(r"异议已登记，请于 \d{4}-\d{2}-\d{2} 前答复。"))
    entry = day.row(PUPIL)
    expect(entry).to_contain_text("答复期限")
    day.done("objection recorded", "objection")

    day.next_day(first_day + timedelta(days=1))
    open_the_notice(day, first_day)
    entry = day.row(PUPIL)
    entry.get_by_role("textbox", name="答复", exact=True).fill("经再次家访核实，该车辆为亲属所有，维持认定。")
    entry.get_by_role("combobox", name="结论").select_option(label="异议不成立，维持认定")
    entry.get_by_role("button", name="答复").click()
    day.flash("答复已登记。")
    expect(day.row(PUPIL)).to_contain_text("异议不成立，维持认定")
    day.done("objection answered", "objection-answered")


def approve_after_the_notice(day: Day, first_day: date, last_day: date, tier: str) -> None:
    """The day after the notice ends, from the workbench's to-do: approve everyone on it."""
    page = day.page
    day.next_day(last_day + timedelta(days=1))
    page.get_by_role("link", name=re.compile("公示期满、待批准的公示")).click()
    page.get_by_role("row").filter(has_text=first_day.isoformat()).get_by_role("link").first.click()
    day.click_and_confirm("全部批准")
    day.flash(re.compile(r"已批准 \d+ 份申请。"))
    expect(day.row(PUPIL)).to_contain_text("认定通过")
    day.done("approved", "approved")

    day.menu("困难认定", "资助申请")
    row = day.row(PUPIL)
    expect(row).to_contain_text("认定通过")
    expect(row).to_contain_text(tier)
    day.done("application list", "applications")


def test_a_school_officer_takes_a_new_family_from_registration_to_approval(page, clocked_server, console_errors):
    expect.set_options(timeout=WAIT)  # a busy machine only makes it slower
    page.set_default_timeout(WAIT)
    page.set_viewport_size({"width": 1280, "height": 900})
    day = Day(page, clocked_server)
    sign_in(page, clocked_server.base, "school1")
    expect(page.get_by_text(f"{SCHOOL} · 学年")).to_be_visible()

    try:
        register_the_family(day)
        submit_the_application(day)
        tier = assess_visit_and_decide(day)
        first_day, last_day = publish_the_notice(day, tier)
        assert first_day > DEMO_DAY  # the notice starts on a later working day
        record_and_answer_an_objection(day, first_day)
        approve_after_the_notice(day, first_day, last_day, tier)
    except Exception:
        day.done("failed here", "failure")
        raise
    finally:
        expect.set_options(timeout=5_000)  # Playwright's default, for the other tests

    (SHOTS / "timings.txt").write_text("".join(f"{step}: {seconds:.2f} s\n" for step, seconds in day.timings))
    assert page.outside_requests == [], page.outside_requests
    assert console_errors == [], console_errors
