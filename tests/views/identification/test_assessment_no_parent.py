"""The assessment page says when no parent or guardian is recorded: the household's reason, or a warning."""
from app.commands import identification
from app.models import NoParentReason, Relation
from tests.context import context


def _without_parents(session, place, reason=None, note=None):
    """Only the grandmother entered; the household's reason (if any) marked; the application submitted."""
    for member in [m for m in place.household.members if m.relation in (Relation.FATHER, Relation.MOTHER)]:
        place.household.members.remove(member)
    place.household.no_parent_reason, place.household.no_parent_note = reason, note
    session.commit()


def test_the_page_shows_the_households_reason(session, client, login, place, clock):
    _without_parents(session, place, NoParentReason.ORPHAN)
    identification.submit(context(session, place.scope, clock=clock), place.application.id)
    session.commit()
    login("school1")
    html = client.get(f"/assessment/{place.application.id}").get_data(as_text=True)
    assert 'id="zz-no-parent"' in html and "未登记父母或监护人：孤儿（父母均已去世）" in html


def test_an_older_snapshot_without_parents_or_reason_is_flagged(session, client, login, place, clock):
    identification.submit(context(session, place.scope, clock=clock), place.application.id)
    snapshot = dict(place.application.household_snapshot)
    snapshot["members"] = [m for m in snapshot["members"] if m["relation"] not in ("father", "mother")]
    place.application.household_snapshot = snapshot  # frozen before submission checked the parents
    session.commit()
    login("school1")
    html = client.get(f"/assessment/{place.application.id}").get_data(as_text=True)
    assert 'id="zz-no-parent"' in html and "未登记父母或监护人，家庭信息中也未注明原因" in html


def test_nothing_is_said_when_parents_are_recorded(session, client, login, place, clock):
    identification.submit(context(session, place.scope, clock=clock), place.application.id)
    session.commit()
    login("school1")
    assert 'id="zz-no-parent"' not in client.get(f"/assessment/{place.application.id}").get_data(as_text=True)
