"""The notice page reads honestly: an ended, approved notice is 公示期满 with its approvals (not 已撤下),
全部批准 and 登记异议 are offered only while the commands would accept them, and the answer form's
fields carry visible labels."""
from datetime import timedelta

import pytest

from app.commands import notices as cmd
from app.models import NoticeStatus, Objection
from tests.commands.test_notices import notice_with_two
from tests.context import context
from tests.views.identification.test_notice_views import days_ago


@pytest.fixture
def ended(session, place, login, clock):
    """A notice published 15 days ago whose period has ended; school1 signed in."""
    notice, _, _ = notice_with_two(session, place, starts_on=clock.today() - timedelta(days=14))
    cmd.publish_notice(days_ago(session, place, clock, 15), notice.id)
    session.commit()
    assert notice.ends_on < clock.today()
    login("school1")
    return notice


def test_an_approved_ended_notice_reads_as_ended_with_its_approvals(session, client, ended):
    assert client.post(f"/notices/{ended.id}/approve").status_code == 302
    session.expire_all()
    assert ended.status is NoticeStatus.WITHDRAWN  # taken down, as the hourly task would
    html = client.get(f"/notices/{ended.id}").get_data(as_text=True)
    assert 'data-shown="ended"' in html and "公示期满" in html
    assert 'id="zz-notice-approved"' in html and "已批准 2 人" in html
    assert "已撤下" not in html and "撤下时间" not in html
    assert 'id="zz-notice-approve"' not in html  # nothing is left to approve
    row = client.get("/notices/").get_data(as_text=True).split(f'data-notice="{ended.id}"')[1].split("</tr>")[0]
    assert 'data-shown="ended"' in row and "公示期满" in row and "已撤下" not in row


def test_the_hourly_take_down_of_an_ended_notice_reads_as_ended(session, client, place, clock, ended):
    assert cmd.withdraw_expired(context(session, None, clock=clock)) == 1
    session.commit()
    html = client.get(f"/notices/{ended.id}").get_data(as_text=True)
    assert 'data-shown="ended"' in html and "已撤下" not in html
    assert 'id="zz-notice-approve"' in html  # its pupils still wait for approval
    assert 'id="zz-ended"' in client.get(f"/notices/{ended.id}/print").get_data(as_text=True)


def test_a_notice_taken_down_early_still_reads_as_withdrawn(session, client, place, login, clock):
    notice, _, _ = notice_with_two(session, place, starts_on=clock.today())
    cmd.publish_notice(context(session, place.scope, clock=clock), notice.id)
    session.commit()
    clock.set_day(notice.starts_on)
    login("school1")
    assert client.post(f"/notices/{notice.id}/withdraw").status_code == 302
    html = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert 'data-shown="withdrawn"' in html and "撤下时间" in html
    assert 'id="zz-record-objection"' not in html and 'id="zz-objection-closed"' in html


def test_after_the_period_only_an_objection_received_in_it_is_recorded(session, client, ended):
    """A letter received on the last day is still recorded the next morning (dated by that day);
    once nobody waits for approval the form is closed."""
    html = client.get(f"/notices/{ended.id}").get_data(as_text=True)
    last = ended.ends_on.isoformat()
    assert 'id="zz-record-objection"' in html and 'id="zz-objection-late"' in html
    assert f'value="{last}" min="{ended.starts_on.isoformat()}" max="{last}"' in html
    assert client.post(f"/notices/{ended.id}/approve").status_code == 302
    html = client.get(f"/notices/{ended.id}").get_data(as_text=True)
    assert 'id="zz-record-objection"' not in html and 'id="zz-objection-closed"' in html


def test_the_objection_form_is_offered_during_the_notice_with_labelled_answer_fields(session, client, place,
                                                                                   login, clock):
    notice, _, _ = notice_with_two(session, place, starts_on=clock.today())
    cmd.publish_notice(context(session, place.scope, clock=clock), notice.id)
    entry = notice.entries[0]
    objection = Objection(notice_id=notice.id, entry_id=entry.id, school_id=place.school.id,
                          application_id=entry.application_id, received_on=notice.starts_on,
                          content="异议", due_on=notice.ends_on)
    session.add(objection)
    session.commit()
    clock.set_day(notice.starts_on)
    login("school1")
    html = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert 'id="zz-record-objection"' in html and 'id="zz-objection-closed"' not in html
    for name, label in (("answer", "答复"), ("outcome", "结论"), ("answered_on", "答复日期")):
        assert f'<label class="control-label" for="zz-answer-{name}-{objection.id}">{label}</label>' in html, name
        assert f'id="zz-answer-{name}-{objection.id}"' in html
    assert "aria-label" not in html.split('id="zz-objections"')[1].split("</table>")[0]
