"""The what-if simulation through the command and the page: counts, budget, and nothing written."""
from datetime import date
from decimal import Decimal

import pytest

from app.clock import FixedClock, day_start
from app.commands import assessing, identification, simulation
from app.commands import standard_versions as versions
from app.commands.standards import seed_standard
from app.errors import FieldErrors
from app.models import Application, AssessmentStandard, AuditEvent, HukouType, Relation
from tests.context import context
from tests.factories import current_term, make_application, make_household, make_member, make_school, make_student

TODAY = date(2026, 10, 8)  # the living subsidy in force that day


def form_fields(data: dict, **changes) -> dict:
    """The edit form's fields holding `data` (as a browser would post them), with changes."""
    fields = {"direct_rows": str(len(data["direct"]))}
    for ind in data["indicators"]:
        code = ind["code"]
        if ind["kind"] == "flag":
            fields[f"ind.{code}.points"] = str(ind["points"])
        elif ind["kind"] == "choice":
            fields.update({f"ind.{code}.opt.{k}": str(v) for k, v in ind["options"].items()})
        else:
            for i, (bound, points) in enumerate(ind["brackets"]):
                fields[f"ind.{code}.bound.{i}"], fields[f"ind.{code}.points.{i}"] = str(bound), str(points)
    fields.update({f"block.{b}": str(c) for b, c in data["blocks"].items()})
    fields.update({f"threshold.{t}": str(n) for t, n in data["thresholds"]})
    for i, rule in enumerate(data["direct"]):
        fields[f"direct.{i}.groups"], fields[f"direct.{i}.tier"] = rule["groups"], rule["tier"]
    params = data["parameters"]
    fields.update(total_cap=str(data["total_cap"]), dibao_line_per_year=params["dibao_line_per_year"],
                  notice_working_days=str(params["notice_working_days"]),
                  objection_working_days=str(params["objection_working_days"]))
    fields.update(changes)
    return fields


@pytest.fixture
def scored(session, place):
    """place's application scored (67 points, 比较困难) and an urban boarder of two able parents
    elsewhere (12 000 shared by 3 ≤ the 低保 line: 35 points, 一般困难)."""
    household = make_household(session, district=place.school.district, hukou_type=HukouType.URBAN,
                               lives_rural=False)
    make_member(session, household, annual_income=Decimal("12000"))
    make_member(session, household, name="张丽", relation=Relation.MOTHER, annual_income=Decimal(0))
    boarder = make_student(session, school=place.other_school, household=household, boarding=True)
    other = make_application(session, boarder)
    ctx = context(session, place.district_scope)
    for app in (place.application, other):
        identification.submit(ctx, app.id)
        assessing.score(ctx, app.id)
    session.commit()
    assert (place.application.score, other.score) == (67, 35)
    return place


def _on_the_day(session, scored):
    """The district officer's context on TODAY."""
    return context(session, scored.district_scope, clock=FixedClock(day_start(TODAY)))


def test_the_version_in_force_moves_nobody(session, scored):
    report = simulation.what_if(_on_the_day(session, scored), scored.standard.id,
                                school_year_id=scored.application.school_year_id)
    total = report.result.total
    assert (total.considered, total.moved) == (2, 0)
    assert total.before == {"relative": 1, "general": 1}
    assert total.budget_before == total.budget_after == Decimal("937.50")  # 312.50 + 625 (boarder)


def test_a_higher_threshold_moves_pupils_and_lowers_the_budget(session, scored):
    data = scored.standard.data | {"thresholds": [["special", 80], ["relative", 68], ["general", 40]]}
    report = simulation.what_if(_on_the_day(session, scored), scored.standard.id,
                                school_year_id=scored.application.school_year_id, data=data)
    by_school = {r.school_id: r for r in report.result.schools}
    mine, other = by_school[scored.school.id], by_school[scored.other_school.id]
    assert (mine.moved_down, mine.after) == (1, {"general": 1})
    assert mine.difference == 0  # 比较困难 and 一般困难 get the same living subsidy
    assert (other.moved_down, other.after) == (1, {"none": 1})
    assert other.difference == Decimal("-625.00") and report.result.total.difference == Decimal("-625.00")


def test_a_standard_that_cannot_be_scored_is_refused(session, scored):
    data = scored.standard.data | {"total_cap": "lots"}
    with pytest.raises(FieldErrors):
        simulation.what_if(_on_the_day(session, scored), scored.standard.id,
                           school_year_id=scored.application.school_year_id, data=data)


def _counts(session):
    return (session.query(Application).count(), session.query(AssessmentStandard).count(),
            session.query(AuditEvent).count())


def test_simulating_on_the_page_writes_nothing(client, session, scored, login):
    draft = versions.copy_version(context(session, scored.district_scope), scored.standard.id)
    session.commit()
    data_before = dict(draft.data)
    login("district")
    counts = _counts(session)  # the sign-in is audited; the simulation must add nothing
    year_id = str(current_term(session).school_year_id)
    fields = form_fields(draft.data, **{"threshold.general": "40", "school_year_id": year_id})
    page = client.post(f"/standards/simulate/{draft.id}", data=fields)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="zz-sim-table"' in text
    assert 'id="zz-sim-moved">1<' in text
    session.expire_all()
    assert _counts(session) == counts and session.get(AssessmentStandard, draft.id).data == data_before
    assert client.get(f"/standards/simulate/{draft.id}?run=1").status_code == 200
    assert client.get("/standards/simulate/").status_code == 302


def test_another_districts_standard_cannot_be_simulated(client, session, scored, login):
    other = seed_standard(session, make_school(session).district_id, current_term(session).school_year_id)
    session.commit()
    login("district")
    assert client.get(f"/standards/simulate/{other.id}").status_code == 404
    assert client.post(f"/standards/simulate/{other.id}", data=form_fields(other.data)).status_code == 404
