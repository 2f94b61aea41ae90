"""The assessment queue page: class, grade, status and name filters, combined and kept across tabs and pages."""
import re

from werkzeug.datastructures import MultiDict

from app.models import ApplicationStatus
from app.views.identification.assessment_queue import parse_filters
from tests.factories import make_application, make_student


def test_parse_reads_grade_class_and_name():
    f = parse_filters(MultiDict({"grade": "3", "class": " 2班 ", "name": " 张 ", "status": "submitted"}), 7)
    assert (f.term_id, f.grade, f.class_name, f.name, f.status) == (7, 3, "2班", "张", ApplicationStatus.SUBMITTED)
    assert parse_filters(MultiDict({"class": "2"}), 7).class_name == "2班"  # the number alone, as typed
    f = parse_filters(MultiDict({"class": "4年级1班", "grade": "3"}), 7)  # as a class teacher's classes are written
    assert (f.grade, f.class_name) == (4, "1班")
    f = parse_filters(MultiDict({"grade": "9", "class": "", "name": "   "}), 7)
    assert (f.grade, f.class_name, f.name) == (None, None, None)
    assert parse_filters(MultiDict({"grade": "99999999999999999999"}), 7).grade is None


def _queue_names(html: str) -> list[str]:
    table = html.split('id="zz-queue"', 1)[1].split("</table>", 1)[0] if 'id="zz-queue"' in html else ""
    return re.findall(r'<td><a href="/assessment/\d+[^"]*">([^<]+)</a></td>', table)


def test_queue_page_filters_by_class_grade_status_and_name(session, client, login, place):
    for name, grade, class_name in (("张美", 3, "2班"), ("张美", 4, "2班"), ("张三", 3, "1班")):
        make_application(session, make_student(session, school=place.school, name=name, grade=grade,
                                               class_name=class_name))
    make_application(session, make_student(session, school=place.other_school, name="张美", grade=3,
                                           class_name="2班"))
    session.commit()
    login("school1")
    html = client.get("/assessment/?grade=3&class=2班&name=张").get_data(as_text=True)
    assert _queue_names(html) == ["张美"]
    assert re.search(r'name="class"[^>]*value="2班"', html) and re.search(r'name="name"[^>]*value="张"', html)
    assert '<option value="3" selected>' in html
    # the status tabs keep the pupil filters (and count only what they match)
    tab = re.search(r'<li[^>]*data-status="draft">\s*<a href="([^"]+)">[^<]*<span class="badge">(\d+)', html)
    assert tab.group(2) == "1"
    assert all(part in tab.group(1) for part in ("grade=3", "class=2", "name=", "status=draft"))
    assert _queue_names(client.get(tab.group(1).replace("&amp;", "&")).get_data(as_text=True)) == ["张美"]
    assert _queue_names(client.get("/assessment/?name=张&status=submitted").get_data(as_text=True)) == []
    assert _queue_names(client.get("/assessment/?name=张").get_data(as_text=True)) == ["张美", "张美", "张三"]


def test_district_queue_filters_by_name_across_its_schools(session, client, login, place):
    make_application(session, make_student(session, school=place.other_school, name="赵一", grade=5))
    session.commit()
    login("district")
    html = client.get("/assessment/?name=赵&grade=5").get_data(as_text=True)
    assert _queue_names(html) == ["赵一"]
    assert _queue_names(client.get(f"/assessment/?name=赵&school={place.school.id}").get_data(as_text=True)) == []
