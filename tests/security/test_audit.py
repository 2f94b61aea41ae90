"""Audit trail: one event per change through the views and the API, masked, append-only."""
import json
import re

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import AuditEvent, Student
from app.security import audit
from app.security.audit_capture import AuditEventImmutable
from tests.context import named
from tests.factories import make_household, make_school, make_student, pupil_id_number

SEVENTEEN_DIGITS = re.compile(r"\d{17}")


def _events(session, **filters):
    """Events of a kind, oldest first (seeding by `aid init` leaves its own, user-less ones)."""
    session.expire_all()
    return session.query(AuditEvent).filter_by(**filters).order_by(AuditEvent.id).all()


def _no_id_number(ev):
    """True when neither value set holds a full ID number."""
    stored = json.dumps([ev.old_values, ev.new_values, ev.summary], ensure_ascii=False)
    return not SEVENTEEN_DIGITS.search(stored)


def _form(school, number, **extra):
    """The pupil form of the HTML views for ID number `number` (see tests/views/test_crud.py)."""
    data = {
        "name": "张小花", "id_number": number, "student_no": "G" + number, "sex": "MALE",
        "birth_date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
        "school": str(school.id), "grade": "2", "class_name": "2班", "status": "ENROLLED",
        "household": "",
    }
    return {**data, **extra}


def test_view_create_update_delete_each_leave_one_masked_event(client, session, district_school):
    school, id_number = district_school, pupil_id_number()
    client.post("/studentmodelview/add", data=_form(school, id_number), follow_redirects=True)
    pupil = session.query(Student).filter_by(id_number=id_number).one()
    [created] = _events(session, entity="student", action="create")
    assert (created.entity_id, created.username, created.school_id) == (str(pupil.id), "district", school.id)
    assert created.user_id == pupil.created_by_fk and created.ip == "127.0.0.1" and created.request_id
    assert created.new_values["id_number"] == id_number[:4] + "*" * 12 + id_number[-2:]
    assert _no_id_number(created)

    client.post(f"/studentmodelview/edit/{pupil.id}", data=_form(school, id_number, class_name="5班"),
                follow_redirects=True)
    [updated] = _events(session, entity="student", action="update")
    assert updated.old_values == {"class_name": "2班"} and updated.new_values == {"class_name": "5班"}
    assert updated.entity_id == str(pupil.id) and updated.username == "district"

    client.post(f"/studentmodelview/delete/{pupil.id}", follow_redirects=True)
    [deleted] = _events(session, entity="student", action="delete")
    assert deleted.entity_id == str(pupil.id) and deleted.new_values is None
    assert deleted.old_values["class_name"] == "5班" and _no_id_number(deleted)
    assert len(_events(session, entity="student")) == 3


@pytest.fixture
def token(jwt, session, make_user):
    """A JWT of a district officer of a new school (returned with it)."""
    school = make_school(session)
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    return jwt("district"), school


def test_api_create_update_delete_each_leave_one_masked_event(client, session, token):
    headers, school = token
    id_number = pupil_id_number()
    body = {"name": "王小丫", "id_number": id_number, "student_no": "G" + id_number, "sex": "M",
            "birth_date": f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}",
            "school": school.id, "grade": 4, "class_name": "1班"}
    pk = client.post("/api/v1/student/", json=body, headers=headers).get_json()["id"]
    client.put(f"/api/v1/student/{pk}", json={"grade": 5}, headers=headers)
    client.delete(f"/api/v1/student/{pk}", headers=headers)
    events = _events(session, entity="student")
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert {(e.entity_id, e.username, e.school_id) for e in events} == {(str(pk), "district", school.id)}
    assert events[1].old_values == {"grade": 4} and events[1].new_values == {"grade": 5}
    assert all(_no_id_number(e) for e in events)


def test_rolled_back_change_leaves_no_event(session):
    pupil = make_student(session)
    session.rollback()
    assert _events(session, entity="student") == []
    assert pupil not in session


def test_explicit_event_joins_the_transaction_unless_committed_alone(app, session):
    make_school(session)
    audit.record(named(), "export", entity="student", row_count=3)
    audit.record(named("visitor"), "denied", entity="student", entity_id=7, commit=True)
    session.rollback()
    assert _events(session, action="export") == []
    [denied] = _events(session, action="denied")
    assert (denied.entity_id, denied.username, denied.user_id) == ("7", "visitor", None)


def test_event_committed_alone_waits_for_the_pending_change_and_survives_its_commit(session):
    make_school(session)
    audit.record(named("visitor"), "denied", entity="school", commit=True)
    assert db.session.info.get(audit.PENDING)  # not yet: the session holds its write locks
    session.commit()
    assert len(_events(session, action="denied")) == 1
    assert len(_events(session, entity="school", action="create")) == 1


def test_explicit_event_committed_alone_while_nothing_else_is_pending(session):
    audit.record(named("a\nINFO forged\r"), "login_failed", commit=True)
    [failed] = _events(session, action="login_failed")
    assert failed.username == "a\\x0aINFO forged\\x0d"


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm(session):
    audit.record(named(), "export", entity="student", row_count=1)
    session.commit()
    [ev] = _events(session, action="export")
    ev.row_count = 1000
    with pytest.raises(AuditEventImmutable):
        session.flush()
    session.rollback()
    session.delete(ev)
    with pytest.raises(AuditEventImmutable):
        session.flush()
    session.rollback()
    assert _events(session, action="export")[0].row_count == 1


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'login' WHERE action = 'export'",
    "DELETE FROM audit_event WHERE action = 'export'",
    "TRUNCATE audit_event",
])
def test_the_database_refuses_update_and_delete_of_events(app, session, statement):
    audit.record(named(), "export", entity="student", row_count=1, commit=True)
    if statement.startswith("TRUNCATE") and db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DBAPIError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text(statement))
    assert len(_events(session, action="export")) == 1


def test_one_flush_adds_one_insert_whatever_the_row_count(session):
    from app.models import Household

    school = make_school(session)
    session.commit()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    for i in range(3):
        session.add(Household(district_id=school.district_id, guardian_name=f"家长{i}"))
    school.name = "改名小学"
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        session.flush()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.startswith("INSERT INTO audit_event")]) == 1
    assert not any(s.startswith("SELECT") for s in statements)
    session.commit()
    assert len(_events(session, entity="household", action="create")) == 3
    assert _events(session, entity="school", action="update")[0].new_values == {"name": "改名小学"}


def test_user_changes_are_audited_without_the_password(app, session, make_user):
    user = make_user("teacher1", "ClassTeacher")
    sm = app.appbuilder.sm
    user.roles = [sm.find_role("SchoolOfficer")]
    user.active = False
    user.password = "changed-hash"
    session.commit()
    [created] = _events(session, entity="ab_user", action="create")
    [updated] = _events(session, entity="ab_user", action="update")
    assert created.new_values["username"] == "teacher1" and created.new_values["roles"] == ["ClassTeacher"]
    assert "password" not in created.new_values
    assert updated.old_values == {"active": True, "roles": ["ClassTeacher"]}
    assert updated.new_values == {"active": False, "roles": ["SchoolOfficer"]}


def test_school_is_derived_and_many_to_many_changes_are_listed(session):
    from app.models import SpecialGroup

    school = make_school(session)
    household = make_household(session, district=school.district)
    session.commit()
    household.special_groups = session.query(SpecialGroup).filter_by(code="orphan").all()
    session.commit()
    [changed] = _events(session, entity="household", action="update")
    assert changed.old_values == {"special_groups": []} and len(changed.new_values["special_groups"]) == 1
    assert changed.school_id is None
    assert _events(session, entity="school", action="create")[0].school_id == school.id


def test_a_paused_capture_records_nothing_per_row(session):
    with audit.paused(session):
        make_student(session)
        session.commit()
    audit.record(named(), "import", entity="student", row_count=1)
    session.commit()
    assert _events(session, entity="student", action="create") == []
    assert len(_events(session, action="import")) == 1


def test_embedded_id_numbers_are_scrubbed(session):
    id_number = pupil_id_number()
    audit.record(named(), "reveal", detail=f"学籍号 G{id_number}", new={"notes": "卡号 6222020200112233445"})
    session.commit()
    [ev] = _events(session, action="reveal")
    assert _no_id_number(ev) and ev.summary.endswith(id_number[-2:])
    assert ev.new_values["notes"].endswith("3445") and "622202" not in ev.new_values["notes"]
