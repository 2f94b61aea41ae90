"""Standard versions under concurrency: a stale draft form is refused; drafts and activations stay consistent."""
import pytest

from app.commands import standard_versions as versions
from app.errors import FieldErrors
from app.models import AssessmentStandard, SchoolYear, StandardStatus
from tests.context import context
from tests.race import page_client, race

THREADS = 8


def _draft(session, place) -> AssessmentStandard:
    """A draft copied from the standard in force."""
    draft = versions.copy_version(context(session, place.district_scope), place.standard.id)
    session.commit()
    return draft


def test_a_draft_saved_from_a_form_opened_before_another_save_is_refused(session, place):
    draft = _draft(session, place)
    opened, ctx = draft.row_version, context(session, place.district_scope)
    versions.update_draft(ctx, draft.id, data=draft.data, name="甲", row_version=opened)
    session.commit()
    with pytest.raises(FieldErrors) as refused:
        versions.update_draft(ctx, draft.id, data=draft.data, name="乙", row_version=opened)
    assert "standard" in refused.value.errors
    session.rollback()
    session.expire_all()
    assert session.get(AssessmentStandard, draft.id).name == "甲"


def test_a_draft_saved_from_a_form_opened_after_the_last_save_is_saved(session, place):
    draft, ctx = _draft(session, place), context(session, place.district_scope)
    versions.update_draft(ctx, draft.id, data=draft.data, name="甲", row_version=draft.row_version)
    session.commit()
    versions.update_draft(ctx, draft.id, data=draft.data, name="乙", row_version=draft.row_version)
    session.commit()
    assert draft.name == "乙"


def test_eight_new_drafts_at_once_get_eight_different_versions(app, session, place):
    year_id = session.query(SchoolYear.id).filter_by(is_current=True).scalar()
    clients = [page_client(app, "district") for _ in range(THREADS)]
    answers = race(clients, lambda c, i: c.post("/standards/new", data={"school_year_id": year_id}))
    assert all(a.status == 302 for a in answers)
    session.expire_all()
    numbers = [v for (v,) in session.query(AssessmentStandard.version).filter_by(
        district_id=place.school.district_id, school_year_id=year_id)]
    assert len(numbers) == THREADS + 1 and len(set(numbers)) == THREADS + 1


def test_two_drafts_put_in_force_at_once_leave_one_in_force(app, session, place):
    drafts = [_draft(session, place).id for _ in range(2)]
    clients = [page_client(app, "district") for _ in drafts]
    answers = race(clients, lambda c, i: c.post(f"/standards/{drafts[i]}/activate"))
    assert all(a.status == 302 for a in answers)
    session.expire_all()
    active = session.query(AssessmentStandard).filter_by(district_id=place.school.district_id,
                                                         status=StandardStatus.ACTIVE).count()
    assert active == 1
