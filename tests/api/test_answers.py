"""The shape of a 422's refused fields: always {field: [message, …]}."""
from flask_babel import lazy_gettext

from app.api.answers import field_messages
from tests.factories import make_school


def test_a_lazy_message_alone_becomes_a_list(app):
    with app.test_request_context():
        message = lazy_gettext("is required")
        assert field_messages({"outcome": message}) == {"outcome": [str(message)]}


def test_messages_already_listed_stay_as_they_are(app):
    assert field_messages({"members": ["is required", "is too long"]}) == {"members": ["is required", "is too long"]}


def test_messages_per_list_item_are_gathered_once_under_the_field(app):
    per_item = {"terms": {0: ["no such record"], 1: "no such record", 2: ["must be a whole number"]}}
    assert field_messages(per_item) == {"terms": ["no such record", "must be a whole number"]}


def test_a_job_answers_a_wrong_type_with_a_list_of_messages(client, session, make_user, jwt):
    school = make_school(session)
    session.commit()
    make_user("officer", "SchoolOfficer", school=school)
    resp = client.post("/api/v1/job/start/pupil_roster", json={"grade": 2.5}, headers=jwt("officer"))
    assert resp.status_code == 422 and isinstance(resp.get_json()["message"]["grade"], list)
