"""A step refused on its fields (FieldErrors) leaves each message for its own field: the page the step's
redirect leads to can show it under the field (app/views/framework/runner.py `refused`)."""
from flask import render_template_string, session

from app.views.framework.runner import REFUSED, refused

MACRO = "{% from 'zizhu/_field_errors.html' import field_errors %}{{ field_errors('visited_on') }}"


def test_a_refused_visit_keeps_each_field_message_for_the_assessment_page(client, place, login):
    login("school1")
    pk = place.application.id
    resp = client.post(f"/assessment/{pk}/visit", data={"visited_on": "2026-02-30", "visitors": "", "findings": ""})
    assert resp.status_code == 302
    with client.session_transaction() as kept:
        refusal = kept[REFUSED]
    assert refusal["path"] == f"/assessment/{pk}"
    assert refusal["fields"]["visited_on"]  # the date's own message, for under the date field


def test_the_page_it_leads_to_shows_them_once_under_their_field(app):
    with app.test_request_context("/assessment/7"):
        session[REFUSED] = {"path": "/assessment/7", "fields": {"visited_on": ["不是有效日期"]}}
        html = render_template_string(MACRO)
        assert 'id="visited_on-errors"' in html and "不是有效日期" in html
        assert REFUSED not in session  # shown once
    with app.test_request_context("/assessment/8"):
        session[REFUSED] = {"path": "/assessment/7", "fields": {"visited_on": ["不是有效日期"]}}
        assert refused("visited_on") == []  # another page: not this form's messages
        assert render_template_string(MACRO).strip() == ""
