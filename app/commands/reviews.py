"""Review (复核) after a dismissed objection: the family asks the district, the district decides.

When the school dismisses an objection (the identification stands), whoever raised it may ask the
district to review the answer. The school or the district records the request (received on, by whom,
what it says); only the district decides it: UPHELD keeps the school's answer, CHANGED takes the
application off the notice, back to school review, as an upheld objection does. While a review is
asked for and not decided, the application is not approved (`identification.approve`,
`notice_approval.approve_notice`). Dates are China days checked against today and against each other,
as the objection's are (app/commands/objections.py).
"""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from app.commands.identification import REQUIRED, blank
from app.commands.objections import after_today, check_reply, load_objection, take_off_notice
from app.context import Context
from app.errors import DomainError, FieldErrors
from app.models import ApplicationStatus, Objection, ObjectionOutcome, ReviewRuling
from app.security import audit
from app.security.scope import Scope, limit


class ReviewState(DomainError):
    """The review cannot be asked for or decided in the objection's present state."""


class DistrictDecides(DomainError):
    """A review is decided by the district, not by the school that answered the objection."""


def _audit(ctx: Context, objection: Objection, step: str, detail: str) -> None:
    """One event per review step, beside the captured change of the objection."""
    audit.record(ctx, audit.WORKFLOW, entity="objection", entity_id=objection.id, school_id=objection.school_id,
                 detail=f"{step}: {detail}")


def request_review(ctx: Context, objection_id: int, *, requested_on: date, content: str,
                   requested_by: str | None = None) -> Objection:
    """Record the family's request for a district review of a dismissed objection (once)."""
    objection = load_objection(ctx, objection_id, lock=True)
    if objection.outcome is not ObjectionOutcome.DISMISSED:
        raise ReviewState(_l("A review can be asked for only after the school has dismissed the objection."))
    if objection.review_requested_on is not None:
        raise ReviewState(_l("A review of this objection has already been asked for (on %(day)s).",
                             day=objection.review_requested_on.isoformat()))
    if objection.application.status is not ApplicationStatus.NOTICE:
        raise ReviewState(_l("%(name)s is no longer on the public notice (already approved or taken off); "
                             "a review cannot be recorded now.", name=objection.entry.name))
    errors = {}
    if blank(content):
        errors["review_request"] = [REQUIRED]
    if requested_on is None:
        errors["review_requested_on"] = [REQUIRED]
    elif requested_on < objection.answered_on:
        errors["review_requested_on"] = [_l("cannot be before the objection was answered (%(day)s)",
                                            day=objection.answered_on.isoformat())]
    elif requested_on > ctx.today:
        errors["review_requested_on"] = [after_today(ctx.today)]
    if errors:
        raise FieldErrors(errors)
    objection.review_requested_on, objection.review_request = requested_on, content.strip()
    objection.review_requested_by = (requested_by or "").strip()[:64] or None
    ctx.session.flush()
    _audit(ctx, objection, "review requested", objection.review_request)
    return objection


def _check_decision(objection: Objection, ruling, answer: str, decided_on: date | None, today: date) -> None:
    """Every field of a review decision at once: a ruling, an answer, a day between the request and today."""
    check_reply(("review_answer", "review_ruling", "review_decided_on"), answer, ruling, ReviewRuling, decided_on,
                objection.review_requested_on, _l("cannot be before the review was asked for (%(day)s)",
                                                  day=objection.review_requested_on.isoformat()), today)


def decide_review(ctx: Context, objection_id: int, *, ruling: ReviewRuling, answer: str,
                  decided_on: date) -> Objection:
    """The district's decision on a review, once; CHANGED sends the application back to school review."""
    if ctx.scope.school_id is not None:
        raise DistrictDecides(_l("A review is decided by the district; the school records the request only."))
    objection = load_objection(ctx, objection_id, lock=True)
    if objection.review_requested_on is None:
        raise ReviewState(_l("No review of this objection has been asked for."))
    if objection.review_decided_on is not None:
        raise ReviewState(_l("This review has been decided; a decision is never changed."))
    _check_decision(objection, ruling, answer, decided_on, ctx.today)
    objection.review_ruling, objection.review_answer = ruling, answer.strip()
    objection.review_decided_on = decided_on
    ctx.session.flush()
    _audit(ctx, objection, f"review {ruling.value}", objection.review_answer)
    if ruling is ReviewRuling.CHANGED and objection.application.status is ApplicationStatus.NOTICE:
        take_off_notice(ctx, objection.application, f"objection {objection.id} changed on review")
    return objection


def open_reviews(session, scope: Scope) -> int:
    """Reviews asked for and not decided yet, in scope."""
    query = limit(session.query(func.count(Objection.id)), Objection, scope)
    return query.filter(Objection.review_requested_on.isnot(None), Objection.review_decided_on.is_(None)).scalar()
