"""The committee decision box on the assessment page is open only while a decision is to be made, and
says why it is closed (as the class-review box does)."""
from app.commands import assessing, identification
from app.models import ApplicationStatus
from tests.context import context
from tests.views.identification.test_assessment_page import DECISION, scored, submit  # noqa: F401  (fixtures)


def _box(html: str) -> str:
    """The decision section of the page."""
    return html.split('id="zz-decision"')[1].split("</section>")[0]


def test_the_decision_form_is_open_before_the_decision(session, client, login, place, scored):  # noqa: F811
    login("school1")
    box = _box(client.get(f"/assessment/{scored.id}").get_data(as_text=True))
    assert 'id="zz-decision-form"' in box and 'id="zz-decision-closed"' not in box and "<details" not in box


def test_after_the_decision_the_form_is_folded_away_and_says_why(session, client, login, place,
                                                                  scored):  # noqa: F811
    login("school1")
    tier = scored.suggested_tier.code
    assert client.post(f"/assessment/{scored.id}/decide", data={**DECISION, "tier": tier}).status_code == 302
    box = _box(client.get(f"/assessment/{scored.id}").get_data(as_text=True))
    assert 'id="zz-decision-closed"' in box and "认定工作组评议结果已登记" in box
    assert '<details id="zz-decide-again"' in box  # the committee may still meet again: the workflow allows it
    assert box.index('id="zz-decide-again"') < box.index('id="zz-decision-form"')


def test_on_the_notice_no_decision_form_and_the_reason(session, client, login, place, clock, scored):  # noqa: F811
    ctx = context(session, place.scope, clock=clock)
    assessing.decide(ctx, scored.id, tier_code=scored.suggested_tier.code, decided_on=clock.today(),
                     members="张校长、李老师、王老师", votes=(5, 0, 1))
    identification.transition(ctx, identification.load(ctx, scored.id), "publish", detail="notice")
    session.commit()
    assert scored.status is ApplicationStatus.NOTICE
    login("school1")
    box = _box(client.get(f"/assessment/{scored.id}").get_data(as_text=True))
    assert 'id="zz-decision-form"' not in box
    assert 'id="zz-decision-closed"' in box and "该学生正在公示中" in box


def test_before_scoring_the_box_says_the_committee_decides_after_scoring(session, client, login, place,
                                                                         submit):  # noqa: F811
    app = submit()
    login("school1")
    box = _box(client.get(f"/assessment/{app.id}").get_data(as_text=True))
    assert 'id="zz-decision-form"' not in box and "申请评分后，认定工作组才能评议" in box
