"""The district's standard versions: drafts, edits refused once used, activation, and who sees what."""
import copy
from datetime import UTC, datetime

import pytest

from app.commands import assessing, identification
from app.commands import standard_versions as versions
from app.commands.standards import active_standard, seed_standard
from app.errors import FieldErrors
from app.models import AssessmentStandard, AuditEvent, StandardStatus
from tests.context import context
from tests.factories import current_term, make_school


def _scored(session, place):
    ctx = context(session, place.scope)
    identification.submit(ctx, place.application.id)
    assessing.score(ctx, place.application.id)
    session.commit()
    return place.application


def _district(session, place):
    """The district officer's context."""
    return context(session, place.district_scope)


def _stricter(data, general_from=70):
    data = copy.deepcopy(data)
    data["thresholds"] = [["special", 80], ["relative", 75], ["general", general_from]]
    return data


def test_a_used_or_active_version_is_never_edited(session, place):
    _scored(session, place)
    ctx = _district(session, place)
    with pytest.raises(versions.StandardLocked):
        versions.update_draft(ctx, place.standard.id, data=place.standard.data, name="x")
    draft = versions.copy_version(ctx, place.standard.id)
    draft.first_used_at = ctx.now  # a draft that somehow scored something is frozen too
    with pytest.raises(versions.StandardLocked):
        versions.update_draft(ctx, draft.id, data=draft.data, name="x")
    with pytest.raises(versions.StandardLocked):
        versions.delete_draft(ctx, draft.id)


def test_activation_retires_the_old_version_and_scored_applications_keep_v1(session, place):
    app = _scored(session, place)
    assert (app.standard_version, app.score) == (1, 67)
    ctx = _district(session, place)
    draft = versions.copy_version(ctx, place.standard.id)
    assert (draft.version, draft.status) == (2, StandardStatus.DRAFT)
    versions.update_draft(ctx, draft.id, data=_stricter(draft.data), name="2026 修订", notes="门槛提高")
    versions.activate(ctx, draft.id)
    session.commit()
    assert place.standard.status is StandardStatus.RETIRED and draft.status is StandardStatus.ACTIVE
    assert active_standard(session, place.school.district_id, app.school_year_id).id == draft.id
    assert versions.scored_with(session, place.standard.id) == 1
    # scoring the same application again still uses version 1 and gives the same result
    _, result = assessing.score(context(session, place.scope), app.id)
    session.commit()
    assert app.standard_version == 1 and result.standard_version == 1 and app.suggested_tier.code == "relative"
    events = session.query(AuditEvent).filter_by(entity="assessment_standard").all()
    assert {e.action for e in events} >= {"create", "update"}


def test_a_new_draft_from_the_default_gets_the_next_version(session, place):
    year_id = current_term(session).school_year_id
    ctx = _district(session, place)
    row = versions.create_from_default(ctx, district_id=place.school.district_id, school_year_id=year_id)
    assert (row.version, row.status) == (2, StandardStatus.DRAFT)
    versions.delete_draft(ctx, row.id)
    assert session.get(AssessmentStandard, row.id) is None


def test_a_standard_that_cannot_be_scored_is_refused_naming_the_part(session, place):
    ctx = _district(session, place)
    draft = versions.copy_version(ctx, place.standard.id)
    data = copy.deepcopy(draft.data)
    data["thresholds"] = [["special", 30], ["relative", 50]]
    with pytest.raises(FieldErrors) as err:
        versions.update_draft(ctx, draft.id, data=data, name="x")
    assert list(err.value.errors) == ["thresholds"]
    data = copy.deepcopy(draft.data)
    data["indicators"][0]["brackets"][0][1] = "abc"
    with pytest.raises(FieldErrors) as err:
        versions.update_draft(ctx, draft.id, data=data, name="x")
    assert list(err.value.errors) == ["income_ratio"]
    data = copy.deepcopy(draft.data)
    data["parameters"].update(notice_working_days=0, holidays=["2026-13-01"])
    data["direct"][0]["groups"].append("no_such_group")
    with pytest.raises(FieldErrors) as err:
        versions.update_draft(ctx, draft.id, data=data, name="x")
    assert set(err.value.errors) == {"notice_working_days", "holidays", "direct"}


def test_a_school_cannot_change_its_districts_standard(session, place):
    with pytest.raises(versions.StandardNotFound):
        versions.copy_version(context(session, place.scope), place.standard.id)


def test_another_districts_standard_is_not_found(session, place):
    other = seed_standard(session, make_school(session).district_id, current_term(session).school_year_id)
    session.commit()
    with pytest.raises(versions.StandardNotFound):
        versions.load(_district(session, place), other.id)
    assert versions.load(context(session), other.id).id == other.id


# --- pages ---------------------------------------------------------------------------------------

def test_school_officer_reads_only_the_districts_standards_and_cannot_edit(client, session, place, login):
    other = seed_standard(session, make_school(session).district_id, current_term(session).school_year_id)
    draft = versions.copy_version(_district(session, place), place.standard.id)
    session.commit()
    login("school1")
    page = client.get("/standards/").get_data(as_text=True)
    assert f'data-id="{place.standard.id}"' in page and f'data-id="{other.id}"' not in page
    assert 'id="zz-std-new"' not in page
    assert client.get(f"/standards/{place.standard.id}").status_code == 200
    assert client.get(f"/standards/{other.id}").status_code == 404
    assert client.get(f"/standards/{draft.id}/edit").status_code == 403
    assert client.post(f"/standards/{draft.id}/activate").status_code == 403
    assert client.post(f"/standards/{place.standard.id}/copy").status_code == 403


def test_district_officer_edits_a_draft_through_the_form_and_puts_it_in_force(client, session, place, login):
    login("district")
    resp = client.post(f"/standards/{place.standard.id}/copy")
    draft = session.query(AssessmentStandard).filter_by(version=2).one()
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/standards/{draft.id}/edit")
    form = client.get(f"/standards/{draft.id}/edit").get_data(as_text=True)
    assert 'name="ind.income_ratio.bound.0"' in form and 'name="threshold.special"' in form
    fields = {
        "name": "修订版", "notes": "", "ind.income_ratio.bound.0": "1.0", "ind.income_ratio.points.0": "40",
        "ind.income_ratio.bound.1": "1.5", "ind.income_ratio.points.1": "25",
        "ind.income_ratio.bound.2": "", "ind.income_ratio.points.2": "",
        "ind.parents_unable.opt.2": "20", "ind.parents_unable.opt.1": "12", "ind.parents_unable.opt.0": "0",
        **{f"ind.{c}.points": "5" for c in ("family_illness", "single_parent", "sudden_event", "rural")},
        "ind.siblings_in_school.bound.0": "2", "ind.siblings_in_school.points.0": "5",
        "ind.siblings_in_school.bound.1": "1", "ind.siblings_in_school.points.1": "3",
        **{f"block.{b}": "40" for b in ("income", "labour", "health", "family", "events", "burden", "area")},
        "total_cap": "100", "threshold.special": "75", "threshold.relative": "55", "threshold.general": "30",
        "direct_rows": "2", "direct.0.groups": ["dibao", "orphan"], "direct.0.tier": "special",
        "dibao_line_per_year": "9000", "notice_working_days": "7", "objection_working_days": "3",
        "class_review": "y", "holidays": "2026-10-01\n2026-10-02\n", "workdays": "",
    }
    assert client.post(f"/standards/{draft.id}/edit", data=fields).status_code == 302
    session.refresh(draft)
    assert draft.data["indicators"][0]["brackets"] == [["1.0", 40], ["1.5", 25]]
    assert draft.data["thresholds"] == [["special", 75], ["relative", 55], ["general", 30]]
    assert draft.data["direct"] == [{"groups": ["dibao", "orphan"], "tier": "special"}]
    assert draft.data["parameters"]["holidays"] == ["2026-10-01", "2026-10-02"]
    assert draft.data["parameters"]["class_review"] is True and draft.name == "修订版"
    bad = client.post(f"/standards/{draft.id}/edit", data={**fields, "threshold.special": "20"})
    assert bad.status_code == 200 and 'id="zz-std-errors"' in bad.get_data(as_text=True)
    page = client.get(f"/standards/{draft.id}").get_data(as_text=True)
    assert 'id="zz-std-activate"' in page
    assert client.post(f"/standards/{draft.id}/activate").status_code == 302
    session.expire_all()
    assert draft.status is StandardStatus.ACTIVE and place.standard.status is StandardStatus.RETIRED
    assert client.post(f"/standards/{draft.id}/edit", data=fields).status_code == 302
    session.refresh(draft)
    assert draft.name == "修订版" and draft.data["parameters"]["notice_working_days"] == 7


def test_an_administrator_chooses_the_district_of_a_new_draft(session, client, login, make_user, place):
    from app.models import AssessmentStandard

    make_user("root", "Admin")
    login("root")
    page = client.get("/standards/").get_data(as_text=True)
    assert 'name="district_id"' in page
    year = place.standard.school_year_id
    refused = client.post("/standards/new", data={"school_year_id": str(year)}, follow_redirects=True)
    assert refused.status_code == 200
    assert session.query(AssessmentStandard).count() == 1
    client.post("/standards/new", data={"school_year_id": str(year), "district_id": str(place.school.district_id)})
    session.expire_all()
    assert session.query(AssessmentStandard).filter_by(version=2, district_id=place.school.district_id).count() == 1


def test_a_version_is_never_shown_as_first_used_before_it_was_put_in_force(client, session, place, login, clock):
    place.standard.activated_at = datetime(2026, 9, 10, 2, tzinfo=UTC)
    place.standard.first_used_at = None
    session.commit()
    clock.set(datetime(2026, 9, 1, 2, tzinfo=UTC))  # scored on a clock behind the activation
    ctx = context(session, place.scope, clock=clock)
    identification.submit(ctx, place.application.id)
    assessing.score(ctx, place.application.id)
    session.commit()
    login("district")
    for page in (client.get("/standards/"), client.get(f"/standards/{place.standard.id}")):
        html = page.get_data(as_text=True)
        assert "2026-09-10 10:00" in html and "2026-09-01" not in html
