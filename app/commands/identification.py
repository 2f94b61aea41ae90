"""Moving an application through identification: submit, return, re-assess, cancel, reject, approve, archive.

Every step is checked against `app/services/workflow.py`, written in the runner's transaction and
audited as one "workflow" event (who and when from the context, the step, old → new): one application
through `transition`, many at once through `bulk_steps.transition_many` (batch scoring). Scoring and the
committee are in `app/commands/assessing.py`, notices and objections in `app/commands/notices.py`.

Approving entitles the pupil for the term (app/commands/entitlements.py) in the same transaction;
cancelling and re-assessing stop the application's entitlements not yet paid.
"""

from flask_babel import lazy_gettext as _l

from app.commands import entitlements
from app.commands.locking import lock_one
from app.commands.snapshots import take_snapshot
from app.commands.standards import class_review_on
from app.context import Context
from app.errors import DomainError, FieldErrors, NotFound
from app.labels import enum_label
from app.models import Application, ApplicationStatus, NoParentReason, Objection
from app.security import audit
from app.security.scope import limit
from app.services.entitlement_rules import STOP_CANCELLED, STOP_REASSESSED
from app.services.facts import records_a_supporter, sudden_event_window, sudden_event_within
from app.services.workflow import RefusedStep, next_status

REQUIRED = _l("is required")
AUDITED = ("status", "score", "standard_version", "suggested_tier_id", "final_tier_id", "decided_by")
STEP_LABELS = {
    "submit": _l("submit"), "class_review": _l("record the class review"), "assess": _l("score"),
    "home_visit": _l("record a home visit"), "decide": _l("record the committee decision"),
    "publish": _l("put on the public notice"), "withdraw": _l("take off the public notice"),
    "approve": _l("approve"), "reject": _l("not approve"), "return": _l("return for correction"),
    "reassess": _l("re-assess"), "cancel": _l("cancel"), "archive": _l("archive"),
}


class ApplicationNotFound(NotFound):
    """No such application in the user's scope."""


class IllegalStep(DomainError):
    """The step cannot be taken from the application's status."""


class ClassReviewFirst(IllegalStep):
    """The district asks for the class review before the school scores; it is not recorded yet."""


class ObjectionOpen(DomainError):
    """An objection to the application is still unanswered."""


class ReviewOpen(ObjectionOpen):
    """A review (复核) of an objection to the application is asked for and not decided yet."""


def load(ctx: Context, application_id: int, *, lock: bool = False) -> Application:
    """The application if it exists in the context's scope; `lock` for a step: locked and re-read,
    so two concurrent posts of one step take it once (app/commands/locking.py)."""
    session = ctx.session
    query = limit(session.query(Application).filter(Application.id == application_id), Application, ctx.scope)
    app = lock_one(session, query, Application, application_id) if lock else query.one_or_none()
    if app is None:
        raise ApplicationNotFound(_l("No such application, or it is not in your school."))
    return app


def _state(app: Application) -> dict:
    """The audited fields of an application."""
    return {key: getattr(app, key) for key in AUDITED}


def _class_review(ctx: Context, app: Application, reviews: dict | None) -> bool:
    """Whether the pupil's district asks for a class review that year; `reviews` remembers the
    answer per (district, school year) across a bulk step."""
    key = (app.student.district_id, app.school_year_id)
    if reviews is None:
        return class_review_on(ctx.session, *key)
    if key not in reviews:
        reviews[key] = class_review_on(ctx.session, *key)
    return reviews[key]


def check_step(ctx: Context, app: Application, step: str, *, reviews: dict | None = None) -> str:
    """The status after `step`, or IllegalStep with a sentence naming the step and the status
    (ClassReviewFirst when the class must review it before the school scores)."""
    review = _class_review(ctx, app, reviews) if step == "assess" else False
    try:
        return next_status(step, app.status.value, class_review=review)
    except RefusedStep as refused:
        if refused.refusal.code == "step.class_review_first":
            raise ClassReviewFirst(_l("The class review (班级评议) must be recorded before the school scores "
                                      "this application.")) from None
        raise IllegalStep(_l("Cannot %(step)s an application that is %(status)s.",
                             step=STEP_LABELS[step], status=enum_label(app.status))) from None


def transition(ctx: Context, app: Application, step: str, change=None, *, detail: str = "") -> Application:
    """Take `step`: check it, apply `change(app)`, set the new status, flush, audit one event."""
    target = check_step(ctx, app, step)
    old = _state(app)
    with audit.paused(ctx.session):
        if change is not None:
            change(app)
        app.status = ApplicationStatus(target)
        ctx.session.flush()
    audit.record(ctx, audit.WORKFLOW, entity="application", entity_id=app.id, school_id=app.school_id,
                 detail=_summary(step, detail), old=old, new=_state(app))
    return app


def _summary(step: str, detail: str) -> str:
    """The event's summary: the step, and its detail after a colon."""
    return f"{step}: {detail}" if detail else step


def blank(value) -> bool:
    """Nothing given: None, or text of spaces only."""
    return value is None or (isinstance(value, str) and not value.strip())


def need(errors: dict, field: str, value) -> None:
    """Record `field` as required when `value` is blank."""
    if blank(value):
        errors[field] = [REQUIRED]


def submit(ctx: Context, application_id: int) -> Application:
    """Submit: the guardian's commitment and consent must be dated; the household is frozen.

    The household records a father, mother or guardian, or says why none is recorded. After the
    term's application window only a mid-year application is accepted, and only with the household's
    sudden event (what and when) recorded within the window the scorer counts it in; an application
    returned for correction goes back whenever corrected.
    """
    app = load(ctx, application_id, lock=True)
    check_step(ctx, app, "submit")
    errors = {}
    need(errors, "commitment_signed_on", app.commitment_signed_on)
    need(errors, "consent_signed_on", app.consent_signed_on)
    household = app.student.household
    if household is None:
        errors["student"] = [_l("has no household recorded; link the pupil to a household first")]
    else:
        _check_supporters(household, errors)
    closes = app.term.application_closes
    if closes is not None and ctx.today > closes:
        if app.is_midyear:
            if household is not None:
                _check_sudden_event(household, ctx.today, errors)
        # an application returned for correction was submitted in the window: sent back corrected, it is no
        # new application, whenever the school gets to it
        elif app.status is not ApplicationStatus.RETURNED:
            errors["is_midyear"] = [_l(
                "applications for this term closed on %(day)s; after that only a mid-year application "
                "(a family that met a sudden event) can be submitted", day=closes.isoformat())]
    if errors:
        raise FieldErrors(errors)

    def change(a):
        a.household_snapshot = take_snapshot(a.student, a.student.household, ctx.now)
        a.submitted_on, a.return_reason = ctx.now, None
        _clear_assessment(a)

    return transition(ctx, app, "submit", change)


def _check_supporters(household, errors: dict) -> None:
    """A father, mother or guardian recorded (any whereabouts), or the reason why none is; "other"
    needs its note. A parent nobody entered is never taken for a parent who cannot work."""
    if records_a_supporter(household.members):
        return
    if household.no_parent_reason is None:
        errors["no_parent_reason"] = [_l(
            "no father, mother or guardian is recorded for the household; enter them, or mark on the "
            "household why none is recorded (orphan, whereabouts unknown…)")]
    elif household.no_parent_reason is NoParentReason.OTHER and blank(household.no_parent_note):
        errors["no_parent_note"] = [_l("is required when the reason is other")]


def _check_sudden_event(household, today, errors: dict) -> None:
    """A mid-year application after the window: the household's sudden event, what and when, dated
    within the window the scorer counts (app/services/facts.py: the 12 months up to today)."""
    if blank(household.sudden_event):
        errors["sudden_event"] = [_l("is required on the household for a mid-year application after the "
                                     "window: what happened")]
    if household.sudden_event_on is None:
        errors["sudden_event_on"] = [_l("is required on the household for a mid-year application after the "
                                        "window: when it happened")]
    elif not sudden_event_within(household.sudden_event_on, today):
        first, last = sudden_event_window(today)
        errors["sudden_event_on"] = [_l(
            "must lie within the 12 months before the application (%(first)s to %(last)s) for a mid-year "
            "application after the window", first=first.isoformat(), last=last.isoformat())]


def _clear_assessment(app: Application) -> None:
    """Forget score and decision (a new snapshot is scored afresh, under the standard then in force)."""
    app.score = app.breakdown = app.standard_id = app.standard_version = None
    app.suggested_tier_id = app.final_tier_id = app.decided_by = None
    app.assessed_on = app.decided_on = app.tier_reason = None


def _with_reason(ctx: Context, application_id: int, step: str, reason: str, field: str, change) -> Application:
    """A step that needs a written reason (return, re-assess, reject, cancel)."""
    app = load(ctx, application_id, lock=True)
    check_step(ctx, app, step)
    if not (reason or "").strip():
        raise FieldErrors({field: [REQUIRED]})
    return transition(ctx, app, step, change, detail=reason.strip())


def return_for_correction(ctx: Context, application_id: int, *, reason: str) -> Application:
    """Send back to the family or class teacher with a reason; it is re-submitted later."""
    def change(a):
        a.return_reason = reason.strip()

    return _with_reason(ctx, application_id, "return", reason, "return_reason", change)


def reassess(ctx: Context, application_id: int, *, reason: str) -> Application:
    """动态调整: an approved application is assessed again on the household as it is now."""
    def change(a):
        if a.student.household is None:
            raise FieldErrors({"student": [_l("has no household recorded; link the pupil to a household first")]})
        a.household_snapshot = take_snapshot(a.student, a.student.household, ctx.now)
        a.submitted_on, a.approved_on = ctx.now, None
        _clear_assessment(a)

    app = _with_reason(ctx, application_id, "reassess", reason, "reason", change)
    entitlements.stop_for_application(ctx, app, STOP_REASSESSED, reason)  # its unpaid entitlements stop
    return app


def cancel(ctx: Context, application_id: int, *, reason: str, recover_aid: bool) -> Application:
    """Cancel the identification; `recover_aid` marks aid to be recovered (information proved false)."""
    def change(a):
        a.cancel_reason, a.recover_aid = reason.strip(), bool(recover_aid)

    app = _with_reason(ctx, application_id, "cancel", reason, "cancel_reason", change)
    entitlements.stop_for_application(ctx, app, STOP_CANCELLED, reason)  # its unpaid entitlements stop
    return app


def reject(ctx: Context, application_id: int, *, reason: str) -> Application:
    """Not approved (the committee found no difficulty, or an objection was upheld)."""
    def change(a):
        a.tier_reason, a.decided_on = reason.strip(), a.decided_on or ctx.now

    return _with_reason(ctx, application_id, "reject", reason, "tier_reason", change)


def open_objections(session, application_id: int) -> int:
    """Objections to the application not answered yet."""
    return session.query(Objection.id).filter(
        Objection.application_id == application_id, Objection.answered_on.is_(None)).count()


def open_reviews(session, application_id: int) -> int:
    """Reviews (复核) of the application's objections asked for and not decided by the district yet."""
    return session.query(Objection.id).filter(
        Objection.application_id == application_id, Objection.review_requested_on.isnot(None),
        Objection.review_decided_on.is_(None)).count()


def approve(ctx: Context, application_id: int) -> Application:
    """Approve after the public notice; refused while an objection is unanswered, a review of one is
    undecided, or the notice runs."""
    from app.commands.notices import notice_of

    app = load(ctx, application_id, lock=True)
    check_step(ctx, app, "approve")
    if open_objections(ctx.session, app.id):
        raise ObjectionOpen(_l("An objection to this application has not been answered yet; answer it "
                               "before approving."))
    if open_reviews(ctx.session, app.id):
        raise ReviewOpen(_l("The family has asked the district to review an objection to this application, "
                            "and the district has not decided yet; approve after its decision."))
    notice = notice_of(ctx.session, app.id)
    if notice is not None and notice.ends_on >= ctx.today:
        raise IllegalStep(_l("The public notice runs until %(day)s; approve after it has ended.",
                             day=notice.ends_on.isoformat()))

    def change(a):
        a.approved_on = ctx.now

    transition(ctx, app, "approve", change)
    entitlements.entitle(ctx, app)  # the one approval step: the notice's approval comes here for each pupil
    return app


def archive(ctx: Context, application_id: int) -> Application:
    """Archive a finished application (建档备案)."""
    app = load(ctx, application_id, lock=True)
    return transition(ctx, app, "archive")
