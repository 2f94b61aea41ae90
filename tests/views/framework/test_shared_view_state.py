"""Views serve every request at once: what one request sets (its search filters) never reaches another."""
import re

from tests.factories import make_school, make_student
from tests.race import page_client, race

NAMES = ["甲同学", "乙同学", "丙同学", "丁同学", "戊同学", "己同学", "庚同学", "辛同学"]


def _view(app, name: str):
    """The registered view called `name`."""
    return next(v for v in app.appbuilder.baseviews if type(v).__name__ == name)


def test_each_request_gets_its_own_search_filters(app, session):
    view = _view(app, "StudentModelView")
    with app.test_request_context("/studentmodelview/list/?_flt_0_name=甲"):
        first = view._filters
        assert view._filters is first  # one object for the whole request
    with app.test_request_context("/studentmodelview/list/"):
        assert view._filters is not first and view._filters.filters == []


def test_eight_concurrent_filtered_lists_each_show_their_own_pupil(app, session, make_user):
    school = make_school(session)
    for name in NAMES:
        make_student(session, school=school, name=name)
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    clients = [page_client(app, "district") for _ in NAMES]
    pages = []

    def send(client, i):
        resp = client.get(f"/studentmodelview/list/?_flt_0_name={NAMES[i]}")
        pages.append((i, resp.get_data(as_text=True)))
        return resp

    answers = race(clients, send)
    assert [a.status for a in answers] == [200] * len(NAMES)
    for i, html in pages:
        shown = {n for n in NAMES if re.search(rf">\s*{n}\s*<", html)}
        assert shown == {NAMES[i]}, (NAMES[i], shown)
