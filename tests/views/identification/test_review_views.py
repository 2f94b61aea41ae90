"""The objections page: a dismissed objection's review (复核) asked for by the school, decided by the district."""
from flask_babel import force_locale

from app.commands import objections as obj
from app.models import ObjectionOutcome
from tests.context import context
from tests.views.identification.test_notice_views import published  # noqa: F401  (fixture)


def _dismissed(session, place, clock, notice):
    """A dismissed objection to the notice's first entry, answered today."""
    ctx = context(session, place.scope, clock=clock)
    objection = obj.record_objection(ctx, notice.entries[0].id, received_on=clock.today(), content="家里有车")
    obj.answer_objection(ctx, objection.id, answer="经核实车辆为借用", answered_on=clock.today(),
                         outcome=ObjectionOutcome.DISMISSED)
    session.commit()
    return objection


def test_the_school_records_the_request_and_the_district_decides_it(session, client, place, clock, login,
                                                                    published):  # noqa: F811
    notice, _ = published
    objection = _dismissed(session, place, clock, notice)
    page = client.get("/objections/").get_data(as_text=True)
    assert f'action="/objections/{objection.id}/review-request"' in page
    client.post(f"/objections/{objection.id}/review-request", data={
        "review_requested_on": clock.today().isoformat(), "review_request": "请求区县复核",
        "review_requested_by": "家长"})
    session.refresh(objection)
    assert objection.review_open and objection.review_requested_by == "家长"
    page = client.get("/objections/?state=review").get_data(as_text=True)
    assert f'data-objection="{objection.id}"' in page and 'data-review="open"' in page
    assert "review-decision\"" not in page  # the school sees no decision form
    refused = client.post(f"/objections/{objection.id}/review-decision", data={
        "review_ruling": "upheld", "review_answer": "维持", "review_decided_on": clock.today().isoformat()})
    assert refused.status_code in (302, 403)
    session.refresh(objection)
    assert objection.review_decided_on is None

    client.get("/logout/")
    login("district")
    page = client.get("/objections/?state=review").get_data(as_text=True)
    assert f'action="/objections/{objection.id}/review-decision"' in page
    client.post(f"/objections/{objection.id}/review-decision", data={
        "review_ruling": "upheld", "review_answer": "经复核，维持学校答复",
        "review_decided_on": clock.today().isoformat()})
    session.refresh(objection)
    assert not objection.review_open and objection.review_ruling.value == "upheld"
    assert f'data-objection="{objection.id}"' not in client.get("/objections/?state=review").get_data(as_text=True)


def test_a_refused_request_shows_its_field_message(session, client, place, clock, published):  # noqa: F811
    notice, _ = published
    objection = _dismissed(session, place, clock, notice)
    with force_locale("zh"):
        page = client.post(f"/objections/{objection.id}/review-request", data={
            "review_requested_on": clock.today().isoformat(), "review_request": " "},
            follow_redirects=True).get_data(as_text=True)
    assert "复核申请内容" in page
    session.refresh(objection)
    assert objection.review_requested_on is None
