"""Lost updates on the CRUD pages: an edit form carries the version it was opened on; a stale save is refused."""
import re

from app.models import Student
from tests.factories import make_school, make_student
from tests.race import fresh, page_client, race

STALE_ZH = "已有其他人修改过它"
THREADS = 8


def _opened(client, pupil) -> dict:
    """The edit form of `pupil` as the page renders it: its version and the fields we post back."""
    path = f"/studentmodelview/edit/{pupil.id}"
    page = fresh(client.application, lambda: client.get(path)).get_data(as_text=True)
    version = re.search(r'<input[^>]*name="version"[^>]*value="(\d+)"', page) or re.search(
        r'<input[^>]*value="(\d+)"[^>]*name="version"', page)
    assert version, "the edit form carries no version"
    return {
        "name": pupil.name, "id_number": "", "student_no": pupil.student_no, "sex": pupil.sex.name,
        "birth_date": pupil.birth_date.isoformat(), "school": str(pupil.school_id), "grade": str(pupil.grade),
        "class_name": pupil.class_name, "status": pupil.status.name, "household": "",
        "version": version.group(1),
    }


def _save(client, pupil, form: dict):
    """Post an edit form of `pupil`."""
    path = f"/studentmodelview/edit/{pupil.id}"
    return fresh(client.application, lambda: client.post(path, data=form, follow_redirects=True))


def _stored(session, pupil) -> Student:
    """The pupil as committed."""
    session.expire_all()
    return session.get(Student, pupil.id)


def _pupil(session, make_user):
    """A pupil of 2班 and the district officer who edits it."""
    school = make_school(session)
    pupil = make_student(session, school=school, class_name="2班")
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    return pupil


def test_the_second_of_two_open_edit_forms_is_refused_and_the_first_change_kept(app, session, make_user):
    pupil = _pupil(session, make_user)
    first, second = page_client(app, "district"), page_client(app, "district")
    form_a, form_b = _opened(first, pupil), _opened(second, pupil)
    saved = _save(first, pupil, {**form_a, "class_name": "3班"})
    assert saved.status_code == 200 and STALE_ZH not in saved.get_data(as_text=True)
    refused = _save(second, pupil, {**form_b, "name": "王小二"})
    page = refused.get_data(as_text=True)
    assert refused.status_code in (200, 409, 422) and STALE_ZH in page
    assert "王小二" in page  # the officer's input is kept on the form
    row = _stored(session, pupil)
    assert (row.class_name, row.name) == ("3班", pupil.name)


def test_an_edit_form_opened_after_a_save_saves(app, session, make_user):
    pupil = _pupil(session, make_user)
    client = page_client(app, "district")
    _save(client, pupil, {**_opened(client, pupil), "class_name": "3班"})
    again = _save(client, pupil, {**_opened(client, _stored(session, pupil)), "name": "王小二"})
    assert STALE_ZH not in again.get_data(as_text=True)
    row = _stored(session, pupil)
    assert (row.class_name, row.name) == ("3班", "王小二")


def test_eight_concurrent_saves_of_one_version_keep_exactly_one(app, session, make_user):
    pupil = _pupil(session, make_user)
    clients = [page_client(app, "district") for _ in range(THREADS)]
    forms, path = [_opened(c, pupil) for c in clients], f"/studentmodelview/edit/{pupil.id}"
    answers = race(clients, lambda c, i: c.post(path, data={**forms[i], "class_name": f"{i + 3}班"}))
    saved = [a for a in answers if a.status == 302]  # a refused save shows the form again
    assert len(saved) == 1, [(a.status, a.headers.get("Location")) for a in answers]
    assert all(a.status < 500 for a in answers)
    row = _stored(session, pupil)
    assert row.version == 2  # one save went through; the other seven were refused
