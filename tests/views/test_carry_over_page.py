"""The carry-over page (结转): the preview pupil by pupil with the reasons, the carry-over written once, a
stale preview refused with nothing written, and another school's pupils out of reach (404)."""
import re

import pytest

from app.models import Entitlement, StudentStatus, Term
from tests.carry_place import entitled_in_autumn

STALE = "预览之后结转结果已有变化"  # the Stale message of app/commands/carry_over.py, in Chinese


@pytest.fixture
def autumn(session, place, clock):
    return entitled_in_autumn(session, place, clock)


def _url(autumn, **extra) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"from_term_id": autumn.autumn.id, "to_term_id": autumn.spring.id,
                                             **extra}.items())
    return f"/money/carry_over/?{query}"


def _form(html: str) -> dict:
    """The hidden fields of the carry-over form."""
    form = html.split('id="zz-carry-form"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def _rows(html: str) -> dict:
    """{pupil id: [reason of each line ("" when it carries)]} of the preview's table."""
    found = {}
    for pupil, reason in re.findall(r'<tr data-pupil="(\d+)" data-reason="([^"]*)"', html):
        found.setdefault(int(pupil), []).append(reason)
    return found


def test_the_preview_shows_who_carries_over_and_why_not(client, session, place, autumn, login):
    login("school1")
    resp = client.get(_url(autumn))
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    pupils = autumn.pupils
    assert _rows(page) == {pupils["boarder"].id: [""], pupils["day"].id: [""],
                           pupils["moved"].id: ["not_enrolled"], pupils["cancelled"].id: ["cancelled"]}
    assert "邻校生" not in page  # their own school only
    assert "已撤销认定" in page and "已不在读（转出）" in page  # the reasons in words
    assert "¥625.00" in page and "¥312.50" in page and "¥937.50" in page  # each amount and the total
    reasons = re.findall(r'<tr data-reason="([a-z_]+)"><td>[^<]+</td><td class="zz-num">(\d+)</td>', page)
    assert sorted(reasons) == [("cancelled", "1"), ("not_enrolled", "1")]
    assert 'id="zz-carry-form"' in page and _form(page)["expected"]
    assert autumn.spring_rows(session) == 0  # a preview writes nothing


def test_carrying_over_writes_once_and_posting_again_adds_nothing(client, session, place, autumn, login):
    login("school1")
    page = client.get(_url(autumn)).get_data(as_text=True)
    form = _form(page)
    done = client.post("/money/carry_over/carry", data=form, follow_redirects=True)
    assert done.status_code == 200
    assert autumn.spring_rows(session) == 2
    assert re.search(r"\b2\b", done.get_data(as_text=True).split("alert-success", 1)[1][:400])
    rows = session.query(Entitlement).filter_by(term_id=autumn.spring.id).all()
    assert {(r.student_id, str(r.amount)) for r in rows} == {(autumn.pupils["boarder"].id, "625.00"),
                                                             (autumn.pupils["day"].id, "312.50")}
    client.post("/money/carry_over/carry", data=form, follow_redirects=True)  # the same form again
    fresh = {**form, "once_token": "another-token-of-the-form-0001"}
    again = client.post("/money/carry_over/carry", data=fresh, follow_redirects=True).get_data(as_text=True)
    assert autumn.spring_rows(session) == 2  # posted twice (and thrice): nothing added
    assert STALE in again  # the old preview no longer holds (every line is carried over already)
    assert 'id="zz-carry-form"' not in again  # and the preview shown again has nothing left to carry
    assert set(sum(_rows(again).values(), [])) == {"already_entitled", "not_enrolled", "cancelled"}


def test_a_stale_preview_is_refused_nothing_is_written_and_the_preview_shown_again(client, session, place, autumn,
                                                                                 login):
    login("school1")
    form = _form(client.get(_url(autumn)).get_data(as_text=True))
    autumn.pupils["day"].status = StudentStatus.DROPPED_OUT  # meanwhile, a pupil leaves
    session.commit()
    page = client.post("/money/carry_over/carry", data=form, follow_redirects=True).get_data(as_text=True)
    assert STALE in page
    assert autumn.spring_rows(session) == 0
    assert _rows(page)[autumn.pupils["day"].id] == ["not_enrolled"]  # the preview as it is now
    assert _form(page)["expected"] != form["expected"]
    client.post("/money/carry_over/carry", data=_form(page), follow_redirects=True)
    assert autumn.spring_rows(session) == 1  # the fresh preview is carried over: the boarder


def test_a_school_officer_cannot_see_or_carry_another_school(client, session, place, autumn, login):
    login("district")
    everyone = client.get(_url(autumn)).get_data(as_text=True)
    assert "邻校生" in everyone and autumn.pupils["theirs"].id in _rows(everyone)
    theirs = _form(client.get(_url(autumn, school_id=place.other_school.id)).get_data(as_text=True))
    client.get("/logout/")
    login("school1")
    assert client.get(_url(autumn, school_id=place.other_school.id)).status_code == 404
    assert client.post("/money/carry_over/carry", data=theirs).status_code == 404
    assert client.post("/money/carry_over/carry", data={**theirs, "school_id": ""}).status_code == 302
    assert client.get(_url(autumn, to_term_id=999999)).status_code == 404  # no such term
    assert client.get(_url(autumn, from_term_id=999999)).status_code == 404
    session.expire_all()
    spring = session.query(Entitlement).filter_by(term_id=autumn.spring.id).all()
    assert autumn.pupils["theirs"].id not in {row.student_id for row in spring}  # nothing of theirs written


def test_the_district_carries_over_one_school(client, session, place, autumn, login):
    login("district")
    page = client.get(_url(autumn, school_id=place.other_school.id)).get_data(as_text=True)
    assert list(_rows(page)) == [autumn.pupils["theirs"].id]
    client.post("/money/carry_over/carry", data=_form(page), follow_redirects=True)
    session.expire_all()
    assert [r.student_id for r in session.query(Entitlement).filter_by(term_id=autumn.spring.id)] == [
        autumn.pupils["theirs"].id]


def test_by_default_the_term_before_the_current_one_is_carried_to_it(client, session, place, autumn, login):
    session.query(Term).update({"is_current": False})
    autumn.spring.is_current = True
    session.commit()
    login("school1")
    page = client.get("/money/carry_over/").get_data(as_text=True)
    assert re.search(rf'<option value="{autumn.autumn.id}" selected>', page.split('id="zz-carry-from"')[1])
    assert re.search(rf'<option value="{autumn.spring.id}" selected>', page.split('id="zz-carry-to"')[1])
    assert _rows(page)[autumn.pupils["boarder"].id] == [""]
    money = client.get(f"/money/?term_id={autumn.spring.id}").get_data(as_text=True)
    assert f"/money/carry_over/?to_term_id={autumn.spring.id}" in money  # linked from the money page


def test_a_reader_sees_the_preview_but_cannot_carry_over(client, session, place, autumn, login, make_user):
    make_user("auditor", "Auditor", district=place.school.district)
    make_user("leader", "Leader", district=place.school.district)
    login("district")
    form = _form(client.get(_url(autumn)).get_data(as_text=True))
    client.get("/logout/")
    login("auditor")
    page = client.get(_url(autumn))
    assert page.status_code == 200 and 'id="zz-carry-form"' not in page.get_data(as_text=True)
    client.post("/money/carry_over/carry", data=form)
    assert autumn.spring_rows(session) == 0
    client.get("/logout/")
    login("leader")  # the preview names pupils: not for a leader, who reads the money as figures
    assert client.get(_url(autumn)).status_code in (302, 403)
    make_user("teacher", "ClassTeacher", school=place.school)
    client.get("/logout/")
    login("teacher")
    assert client.get(_url(autumn)).status_code in (302, 403)
