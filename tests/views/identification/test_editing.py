"""A submitted application changes only through the identification steps: no edit, no delete."""
from app.commands import identification
from app.models import Application, ApplicationStatus
from tests.context import context


def test_a_draft_can_be_edited_and_deleted(session, client, login, place):
    login("school1")
    resp = client.post(f"/applicationmodelview/edit/{place.application.id}", data={
        "student": str(place.student.id), "term": str(place.application.term_id), "reason": "母亲重病",
        "commitment_signed_on": "2026-10-01", "consent_signed_on": "2026-10-01"}, follow_redirects=True)
    assert resp.status_code == 200
    session.expire_all()
    assert session.get(Application, place.application.id).reason == "母亲重病"
    client.post(f"/applicationmodelview/delete/{place.application.id}", follow_redirects=True)
    session.expire_all()
    assert session.get(Application, place.application.id) is None


def test_a_submitted_application_is_neither_edited_nor_deleted(session, client, login, place, clock):
    identification.submit(context(session, place.scope, clock=clock), place.application.id)
    session.commit()
    login("school1")
    client.post(f"/applicationmodelview/edit/{place.application.id}", data={
        "student": str(place.student.id), "term": str(place.application.term_id), "reason": "改过的理由",
        "commitment_signed_on": "2026-10-01", "consent_signed_on": "2026-10-01"}, follow_redirects=True)
    client.post(f"/applicationmodelview/delete/{place.application.id}", follow_redirects=True)
    session.expire_all()
    app = session.get(Application, place.application.id)
    assert app is not None and app.reason == "家庭收入低" and app.status is ApplicationStatus.SUBMITTED


def test_the_api_refuses_too(session, client, jwt, place, clock):
    identification.submit(context(session, place.scope, clock=clock), place.application.id)
    session.commit()
    headers = jwt("school1")
    put = client.put(f"/api/v1/application/{place.application.id}", headers=headers, json={"reason": "改"})
    assert put.status_code == 422 and "status" in put.get_json()["message"]
    delete = client.delete(f"/api/v1/application/{place.application.id}", headers=headers)
    assert delete.status_code == 422
    session.expire_all()
    assert session.get(Application, place.application.id).reason == "家庭收入低"
