"""Objections (异议) to entries of a public notice: record, answer, and what is due when.

An objection is recorded while its notice is published and must be answered within the notice's
objection working days; an application is approved only once every objection to it is answered.
An UPHELD objection takes the application off the notice (back to school review): the committee
decides again, and the pupil is either not approved or listed on a new notice with the new tier.
After a DISMISSED one the family may ask the district for a review (复核, app/commands/reviews.py).
"""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from app.commands import identification
from app.commands.identification import REQUIRED, blank
from app.commands.locking import lock_one
from app.commands.notices import NoticeState, calendar_for, load_notice, notice_calendar
from app.commands.standards import NoActiveStandard
from app.context import Context
from app.errors import DomainError, FieldErrors, NotFound
from app.models import ApplicationStatus, NoticeEntry, NoticeStatus, Objection, ObjectionOutcome, SchoolYear
from app.security.scope import Scope, limit
from app.services.workdays import next_working_day


class ObjectionNotFound(NotFound):
    """No such objection or notice entry in the user's scope."""


class ObjectionAnswered(DomainError):
    """An answered objection is never changed."""


def _entry(ctx: Context, entry_id: int) -> NoticeEntry:
    """The notice entry if it is in the context's scope."""
    query = ctx.session.query(NoticeEntry).filter(NoticeEntry.id == entry_id)
    entry = limit(query, NoticeEntry, ctx.scope).one_or_none()
    if entry is None:
        raise ObjectionNotFound(_l("No such notice entry, or it is not in your school."))
    return entry


def load_objection(ctx: Context, objection_id: int, *, lock: bool = False) -> Objection:
    """The objection if it is in the context's scope; `lock` for a step."""
    query = limit(ctx.session.query(Objection).filter(Objection.id == objection_id), Objection, ctx.scope)
    objection = lock_one(ctx.session, query, Objection, objection_id) if lock else query.one_or_none()
    if objection is None:
        raise ObjectionNotFound(_l("No such objection, or it is not in your school."))
    return objection


def record_objection(ctx: Context, entry_id: int, *, received_on: date, content: str,
                     raised_by: str | None = None) -> Objection:
    """Record an objection received during the notice (from its first day) and not after today; it is due N
    working days after receipt."""
    entry = _entry(ctx, entry_id)
    notice = load_notice(ctx, entry.notice_id, lock=True)  # serialised with approval
    if notice.status is not NoticeStatus.PUBLISHED:
        raise NoticeState(_l("Objections are recorded while the notice is published."))
    if entry.application.status is not ApplicationStatus.NOTICE:
        raise NoticeState(_l("%(name)s is no longer on the public notice (already approved or taken off).",
                             name=entry.name))
    errors = {}
    if blank(content):
        errors["content"] = [REQUIRED]
    if received_on is None:
        errors["received_on"] = [REQUIRED]
    elif not notice.starts_on <= received_on <= notice.ends_on:
        errors["received_on"] = [_l("must fall within the notice, %(start)s to %(end)s",
                                    start=notice.starts_on.isoformat(), end=notice.ends_on.isoformat())]
    elif received_on > ctx.today:
        errors["received_on"] = [after_today(ctx.today)]
    if errors:
        raise FieldErrors(errors)
    due_on = notice_calendar(ctx.session, notice).add(received_on + timedelta(days=1), notice.objection_days)
    objection = Objection(notice_id=notice.id, entry_id=entry.id, application_id=entry.application_id,
                          school_id=notice.school_id, received_on=received_on, content=content.strip(),
                          raised_by=(raised_by or "").strip()[:64] or None, due_on=due_on)
    ctx.session.add(objection)
    ctx.session.flush()
    return objection


def after_today(today: date):
    """The refusal of a day later than today."""
    return _l("cannot be after today (%(day)s)", day=today.isoformat())


def check_reply(fields: tuple[str, str, str], answer: str, choice, choices: type, day: date | None,
                since: date, too_early, today: date) -> None:
    """Every field of a reply at once (an objection's answer, a review's decision): the text, a
    choice of `choices` and a day from `since` to today; `fields` name them (text, choice, day)."""
    text_field, choice_field, day_field = fields
    errors = {}
    if blank(answer):
        errors[text_field] = [REQUIRED]
    if not isinstance(choice, choices):
        errors[choice_field] = [REQUIRED]
    if day is None:
        errors[day_field] = [REQUIRED]
    elif day < since:
        errors[day_field] = [too_early]
    elif day > today:
        errors[day_field] = [after_today(today)]
    if errors:
        raise FieldErrors(errors)


def _check_answer(objection: Objection, answer: str, outcome, answered_on: date, today: date) -> None:
    """Answer, outcome and a date from receipt to today are required."""
    check_reply(("answer", "outcome", "answered_on"), answer, outcome, ObjectionOutcome, answered_on,
                objection.received_on, _l("cannot be before the objection was received (%(day)s)",
                                          day=objection.received_on.isoformat()), today)


def answer_objection(ctx: Context, objection_id: int, *, answer: str, outcome: ObjectionOutcome,
                     answered_on: date) -> Objection:
    """Answer once; an upheld objection sends the application back to school review, where the
    committee decides again before it can go on a new notice."""
    objection = load_objection(ctx, objection_id, lock=True)
    if objection.answered_on is not None:
        raise ObjectionAnswered(_l("This objection has been answered; an answer is never changed."))
    _check_answer(objection, answer, outcome, answered_on, ctx.today)
    objection.answer, objection.outcome, objection.answered_on = answer.strip(), outcome, answered_on
    ctx.session.flush()
    app = objection.application
    if outcome is ObjectionOutcome.UPHELD and app.status is ApplicationStatus.NOTICE:
        take_off_notice(ctx, app, f"objection {objection.id} upheld")
    return objection


def take_off_notice(ctx: Context, app, detail: str):
    """Take the application off its notice, back to school review, undecided: the committee decides
    again (an upheld objection, or a review that changed the identification)."""
    def undecide(a):
        a.final_tier_id = a.decided_on = None  # the committee must decide again

    return identification.transition(ctx, app, "withdraw", undecide, detail=detail)


@dataclass(frozen=True)
class ObjectionsDue:
    """Unanswered objections: all of them, those due by the next working day, those overdue."""

    open: int
    soon: int
    overdue: int
    soon_until: date


def soon_until(session, scope: Scope, today: date) -> date:
    """The next working day after today (with the scope district's holidays when it has a standard)."""
    year = session.query(SchoolYear).filter(SchoolYear.start_date <= today,
                                            SchoolYear.end_date >= today).first()
    if scope.district_id is not None and year is not None:
        try:
            return calendar_for(session, scope.district_id, year.id).next_working_day(today + timedelta(days=1))
        except NoActiveStandard:
            pass
    return next_working_day(today + timedelta(days=1))


def objections_due(session, scope: Scope, *, today: date) -> ObjectionsDue:
    """Counts of unanswered objections in scope: open, due by the next working day, overdue."""
    until = soon_until(session, scope, today)
    unanswered = limit(session.query(Objection.due_on, func.count(Objection.id)), Objection, scope).filter(
        Objection.answered_on.is_(None)).group_by(Objection.due_on)
    total = soon = overdue = 0
    for due_on, count in unanswered:
        total += count
        if due_on < today:
            overdue += count
        elif due_on <= until:
            soon += count
    return ObjectionsDue(total, soon, overdue, until)
