"""No combination of what a role sees rebuilds a masked value: the birth date is shown as its year
wherever an ID number is masked (pages, forms, REST, audit), the full date only through the reveal."""
import json
import re

from app.models import AuditEvent, Student
from app.services.masking import mask_id_number
from app.services.validation import make_id_number

OLD_MASK = re.compile(r"\d{4}\*{10}\d{3}[\dX]")  # first four + last four: undone with the birth date


def _full_dates(pupil) -> tuple[str, ...]:
    """The ways a page could print the pupil's full birth date."""
    day = pupil.birth_date
    return day.isoformat(), f"{day.year}年{day.month}月{day.day}日", day.strftime("%Y%m%d")[:8] + "-"


def test_pupil_pages_show_the_birth_year_only_to_every_role(as_user, world):
    pupil, household = world.pupil["A"], world.household["A"]
    for user in ("teacher_a", "school_a", "district", "auditor"):
        client = as_user(user)
        for url in (f"/studentmodelview/show/{pupil.id}", "/studentmodelview/list/",
                    f"/householdmodelview/show/{household.id}"):
            page = client.get(url).get_data(as_text=True)
            assert pupil.birth_date.isoformat() not in page, (user, url)
            assert not OLD_MASK.search(page), (user, url)
        show = client.get(f"/studentmodelview/show/{pupil.id}").get_data(as_text=True)
        assert mask_id_number(pupil.id_number) in show and str(pupil.birth_date.year) in show, user


def test_pupil_edit_form_does_not_render_the_stored_birth_date(as_user, world):
    pupil = world.pupil["A"]
    page = as_user("school_a").get(f"/studentmodelview/edit/{pupil.id}").get_data(as_text=True)
    assert pupil.birth_date.isoformat() not in page and pupil.id_number not in page
    assert f'placeholder="{pupil.birth_date.year}"' in page


def _edit_form(world, pupil, **changes):
    """The pupil's edit form as posted, sensitive fields left empty (keep the stored value)."""
    form = {"name": pupil.name, "id_number": "", "student_no": "", "sex": "MALE", "birth_date": "",
            "school": str(world.a.id), "grade": "3", "class_name": "1班", "status": "ENROLLED",
            "household": str(world.household["A"].id), "version": str(pupil.version or "")}
    return {**form, **changes}


def _born_on(pupil, day) -> dict:
    """The fields of a corrected date of birth: the ID number (and its G 学籍号) say the same day."""
    id_number = make_id_number(pupil.id_number[:6], day, int(pupil.id_number[14:17]))
    return {"id_number": id_number, "student_no": "G" + id_number, "birth_date": day.isoformat()}


def test_officer_edits_a_pupil_and_an_empty_birth_date_keeps_the_stored_one(as_user, session, world):
    pupil = world.pupil["A"]
    born = pupil.birth_date
    client = as_user("school_a")
    client.post(f"/studentmodelview/edit/{pupil.id}", data=_edit_form(world, pupil, name="改名学生"))
    session.expire_all()
    row = session.get(Student, pupil.id)
    assert (row.name, row.birth_date) == ("改名学生", born)
    new_day = born.replace(day=2)
    refused = client.post(f"/studentmodelview/edit/{pupil.id}",  # a date the ID number does not say
                          data=_edit_form(world, row, name="改名学生", birth_date=new_day.isoformat()))
    assert refused.status_code in (200, 422) and "不一致" in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(Student, pupil.id).birth_date == born
    client.post(f"/studentmodelview/edit/{pupil.id}",
                data=_edit_form(world, row, name="改名学生", **_born_on(pupil, new_day)))
    session.expire_all()
    assert session.get(Student, pupil.id).birth_date == new_day


def test_a_birth_date_that_is_no_date_is_refused_and_not_stored(as_user, session, world):
    pupil = world.pupil["A"]
    page = as_user("school_a").post(f"/studentmodelview/edit/{pupil.id}",
                                    data=_edit_form(world, pupil, birth_date="2016-13-45"))
    assert page.status_code in (200, 422) and "2016-09-01" in page.get_data(as_text=True)
    session.expire_all()
    assert session.get(Student, pupil.id).birth_date == pupil.birth_date


def test_rest_answers_carry_the_birth_year_and_the_short_id_mask(client, jwt, world):
    pupil = world.pupil["A"]
    for user in ("teacher_a", "school_a"):
        headers = jwt(user)
        one = client.get(f"/api/v1/student/{pupil.id}", headers=headers).get_json()["result"]
        assert one["birth_date"] == str(pupil.birth_date.year), user
        assert one["id_number"] == mask_id_number(pupil.id_number)
        assert one["student_no"] == "G" + mask_id_number(pupil.id_number)
        household = client.get(f"/api/v1/household/{world.household['A'].id}", headers=headers)
        assert pupil.birth_date.isoformat() not in household.get_data(as_text=True)


def test_school_contact_phone_is_masked_like_a_phone(client, jwt, session, world):
    world.a.contact_phone = "13900139000"
    session.commit()
    headers = jwt("school_a")
    for url in (f"/api/v1/school/{world.a.id}", f"/api/v1/district/{world.d.id}", "/api/v1/school/"):
        text = json.dumps(client.get(url, headers=headers).get_json())
        assert "13900139000" not in text, url
    assert client.get(f"/api/v1/school/{world.a.id}", headers=headers).get_json()["result"][
        "contact_phone"] == "139****9000"


def test_full_birth_date_comes_only_through_the_audited_reveal(as_user, session, world):
    pupil = world.pupil["A"]
    url = f"/studentmodelview/reveal/{pupil.id}"
    reason = {"column": "birth_date", "reason": "核对出生日期"}
    assert as_user("school_a").post(url, data=reason).get_json()["value"] == pupil.birth_date.isoformat()
    assert session.query(AuditEvent).filter_by(action="reveal", entity_id=str(pupil.id)).count() == 1
    assert as_user("teacher_a").post(url, data=reason).status_code in (302, 403)


def test_birth_date_filters_match_exactly_for_revealing_roles_only(app, jwt, world):
    pupil = world.pupil["A"]
    exact = f"/api/v1/student/?q=(filters:!((col:birth_date,opr:eq,value:'{pupil.birth_date.isoformat()}')))"
    officer, teacher = jwt("school_a"), jwt("teacher_a")
    assert app.test_client().get(exact, headers=officer).get_json()["count"] == 1
    assert app.test_client().get(exact, headers=teacher).get_json()["count"] == 0
    odd = "/api/v1/student/?q=(filters:!((col:birth_date,opr:eq,value:'2016-99-99')))"
    assert app.test_client().get(odd, headers=officer).get_json()["count"] == 0
    later = f"/api/v1/student/?q=(filters:!((col:birth_date,opr:gt,value:'{pupil.birth_date.year}-01-01')))"
    assert app.test_client().get(later, headers=officer).status_code == 400


def test_audit_trail_keeps_the_birth_year_only(as_user, session, world):
    pupil = world.pupil["A"]
    new_day = pupil.birth_date.replace(day=2)
    as_user("school_a").post(f"/studentmodelview/edit/{pupil.id}",
                             data=_edit_form(world, pupil, **_born_on(pupil, new_day)))
    event = session.query(AuditEvent).filter_by(action="update", entity="student").one()
    assert event.old_values["birth_date"] == event.new_values["birth_date"] == str(new_day.year)
    assert pupil.birth_date.isoformat() not in json.dumps(event.old_values)
