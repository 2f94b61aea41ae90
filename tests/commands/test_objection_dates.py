"""Objection and answer dates judged against the app clock's today and the notice's period."""
from datetime import date

import pytest
from flask_babel import force_locale

from app.commands import objections as obj
from app.errors import FieldErrors
from app.models import ObjectionOutcome
from tests.commands.test_notices import THU, notice_with_two, publish
from tests.context import context

FRI, MON = date(2026, 11, 6), date(2026, 11, 9)


def published(session, place):
    """A published notice running Thursday 5 to Wednesday 11 November, and its first entry's id."""
    notice, _, _ = notice_with_two(session, place)
    publish(session, place, notice)
    session.commit()
    return notice, notice.entries[0].id


def refused(call, field: str) -> str:
    """Run `call`, expecting a refusal of `field` alone; its labelled Chinese message."""
    with pytest.raises(FieldErrors) as err:
        call()
    assert list(err.value.errors) == [field]
    with force_locale("zh"):
        return err.value.first_message()


def test_an_objection_may_be_recorded_on_the_notices_first_day(session, place, clock):
    notice, entry_id = published(session, place)
    clock.set_day(notice.starts_on)
    objection = obj.record_objection(context(session, place.scope, clock=clock), entry_id,
                                     received_on=notice.starts_on, content="家里有车")
    assert objection.received_on == THU


def test_an_objection_dated_after_today_is_refused(session, place, clock):
    _, entry_id = published(session, place)
    clock.set_day(THU)
    ctx = context(session, place.scope, clock=clock)
    message = refused(lambda: obj.record_objection(ctx, entry_id, received_on=FRI, content="明天才收到"),
                      "received_on")
    assert message == "收到日期：不能晚于今天（2026-11-05）"


def test_an_answer_dated_after_today_is_refused(session, place, clock):
    _, entry_id = published(session, place)
    clock.set_day(THU)
    ctx = context(session, place.scope, clock=clock)
    objection = obj.record_objection(ctx, entry_id, received_on=THU, content="家里开了工厂")
    message = refused(lambda: obj.answer_objection(ctx, objection.id, answer="经核实不属实", answered_on=MON,
                                                   outcome=ObjectionOutcome.DISMISSED), "answered_on")
    assert message == "答复日期：不能晚于今天（2026-11-05）"
    assert objection.answered_on is None


def test_an_answer_dated_before_receipt_is_refused_and_today_is_accepted(session, place, clock):
    _, entry_id = published(session, place)
    clock.set_day(FRI)
    ctx = context(session, place.scope, clock=clock)
    objection = obj.record_objection(ctx, entry_id, received_on=FRI, content="家里开了工厂")
    message = refused(lambda: obj.answer_objection(ctx, objection.id, answer="经核实不属实", answered_on=THU,
                                                   outcome=ObjectionOutcome.DISMISSED), "answered_on")
    assert message == "答复日期：不能早于异议收到日期（2026-11-06）"
    obj.answer_objection(ctx, objection.id, answer="经核实不属实", answered_on=FRI, outcome=ObjectionOutcome.DISMISSED)
    assert objection.answered_on == FRI
