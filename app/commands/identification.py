"""Moving an application through identification: submit, return, re-assess, cancel, reject, approve, archive.

Every step is checked against `app/services/workflow.py`, written in the caller's transaction and
audited as one "workflow" event (who, when, the step, old → new); scoring and the committee are in
`app/commands/assessing.py`, notices and objections in `app/commands/notices.py`.
"""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from app.commands.clock import local_day
from app.errors import DomainError, FieldErrors, NotFound
from app.commands.locking import lock_one
from app.commands.snapshots import take_snapshot
from app.commands.standards import class_review_on
from app.labels import enum_label
from app.models import Application, ApplicationStatus, Objection
from app.security import audit
from app.security.scope import Scope, limit
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


class ObjectionOpen(DomainError):
    """An objection to the application is still unanswered."""


def load(session, application_id: int, scope: Scope, *, lock: bool = False) -> Application:
    """The application if it exists in `scope`; `lock` for a step: locked and re-read, so two
    concurrent posts of one step take it once (app/commands/locking.py)."""
    query = limit(session.query(Application).filter(Application.id == application_id), Application, scope)
    app = lock_one(session, query, Application, application_id) if lock else query.one_or_none()
    if app is None:
        raise ApplicationNotFound(_l("No such application, or it is not in your school."))
    return app


def _state(app: Application) -> dict:
    """The audited fields of an application."""
    return {key: getattr(app, key) for key in AUDITED}


def check_step(session, app: Application, step: str) -> str:
    """The status after `step`, or IllegalStep with a sentence naming the step and the status."""
    review = class_review_on(session, app.student.district_id, app.school_year_id) if step == "assess" else False
    try:
        return next_status(step, app.status.value, class_review=review)
    except RefusedStep as refused:
        if refused.refusal.code == "step.class_review_first":
            raise IllegalStep(_l("The class review (班级评议) must be recorded before the school scores "
                                 "this application.")) from None
        raise IllegalStep(_l("Cannot %(step)s an application that is %(status)s.",
                             step=STEP_LABELS[step], status=enum_label(app.status))) from None


def transition(session, app: Application, step: str, change=None, *, detail: str = "") -> Application:
    """Take `step`: check it, apply `change(app)`, set the new status, audit one event, flush."""
    target = check_step(session, app, step)
    old = _state(app)
    with audit.paused(session):
        if change is not None:
            change(app)
        app.status = ApplicationStatus(target)
        session.flush()
    new = _state(app)
    audit.record(audit.WORKFLOW, entity="application", entity_id=app.id, school_id=app.school_id,
                 detail=f"{step}: {detail}" if detail else step, old=old, new=new, session=session)
    return app


def blank(value) -> bool:
    """Nothing given: None, or text of spaces only."""
    return value is None or (isinstance(value, str) and not value.strip())


def need(errors: dict, field: str, value) -> None:
    """Record `field` as required when `value` is blank."""
    if blank(value):
        errors[field] = [REQUIRED]


def submit(session, application_id: int, scope: Scope, *, now: datetime) -> Application:
    """Submit: the guardian's commitment and consent must be dated; the household is frozen.

    After the term's application window only a mid-year application (sudden hardship) is accepted.
    """
    app = load(session, application_id, scope, lock=True)
    check_step(session, app, "submit")
    errors = {}
    need(errors, "commitment_signed_on", app.commitment_signed_on)
    need(errors, "consent_signed_on", app.consent_signed_on)
    if app.student.household is None:
        errors["student"] = [_l("has no household recorded; link the pupil to a household first")]
    closes = app.term.application_closes
    if closes is not None and local_day(now) > closes and not app.is_midyear:
        errors["is_midyear"] = [_l(
            "applications for this term closed on %(day)s; after that only a mid-year application "
            "(a family that met sudden hardship) can be submitted", day=closes.isoformat())]
    if errors:
        raise FieldErrors(errors)

    def change(a):
        a.household_snapshot = take_snapshot(a.student, a.student.household, now)
        a.submitted_on, a.return_reason = now, None
        _clear_assessment(a)

    return transition(session, app, "submit", change)


def _clear_assessment(app: Application) -> None:
    """Forget score and decision (a new snapshot is scored afresh, under the standard then in force)."""
    app.score = app.breakdown = app.standard_id = app.standard_version = None
    app.suggested_tier_id = app.final_tier_id = app.decided_by = None
    app.assessed_on = app.decided_on = app.tier_reason = None


def _with_reason(session, application_id: int, scope: Scope, step: str, reason: str, field: str,
                 change) -> Application:
    """A step that needs a written reason (return, re-assess, reject, cancel)."""
    app = load(session, application_id, scope, lock=True)
    check_step(session, app, step)
    if not (reason or "").strip():
        raise FieldErrors({field: [REQUIRED]})
    return transition(session, app, step, change, detail=reason.strip())


def return_for_correction(session, application_id: int, scope: Scope, *, reason: str) -> Application:
    """Send back to the family or class teacher with a reason; it is re-submitted later."""
    def change(a):
        a.return_reason = reason.strip()

    return _with_reason(session, application_id, scope, "return", reason, "return_reason", change)


def reassess(session, application_id: int, scope: Scope, *, reason: str, now: datetime) -> Application:
    """动态调整: an approved application is assessed again on the household as it is now."""
    def change(a):
        if a.student.household is None:
            raise FieldErrors({"student": [_l("has no household recorded; link the pupil to a household first")]})
        a.household_snapshot = take_snapshot(a.student, a.student.household, now)
        a.submitted_on, a.approved_on = now, None
        _clear_assessment(a)

    return _with_reason(session, application_id, scope, "reassess", reason, "reason", change)


def cancel(session, application_id: int, scope: Scope, *, reason: str, recover_aid: bool) -> Application:
    """Cancel the identification; `recover_aid` marks aid to be recovered (information proved false)."""
    def change(a):
        a.cancel_reason, a.recover_aid = reason.strip(), bool(recover_aid)

    return _with_reason(session, application_id, scope, "cancel", reason, "cancel_reason", change)


def reject(session, application_id: int, scope: Scope, *, reason: str, now: datetime) -> Application:
    """Not approved (the committee found no difficulty, or an objection was upheld)."""
    def change(a):
        a.tier_reason, a.decided_on = reason.strip(), a.decided_on or now

    return _with_reason(session, application_id, scope, "reject", reason, "tier_reason", change)


def open_objections(session, application_id: int) -> int:
    """Objections to the application not answered yet."""
    return session.query(Objection.id).filter(
        Objection.application_id == application_id, Objection.answered_on.is_(None)).count()


def approve(session, application_id: int, scope: Scope, *, today: date, now: datetime) -> Application:
    """Approve after the public notice; refused while an objection is unanswered or the notice runs."""
    from app.commands.notices import notice_of

    app = load(session, application_id, scope, lock=True)
    check_step(session, app, "approve")
    if open_objections(session, app.id):
        raise ObjectionOpen(_l("An objection to this application has not been answered yet; answer it "
                               "before approving."))
    notice = notice_of(session, app.id)
    if notice is not None and notice.ends_on >= today:
        raise IllegalStep(_l("The public notice runs until %(day)s; approve after it has ended.",
                             day=notice.ends_on.isoformat()))

    def change(a):
        a.approved_on = now

    return transition(session, app, "approve", change)


def archive(session, application_id: int, scope: Scope) -> Application:
    """Archive a finished application (建档备案)."""
    app = load(session, application_id, scope, lock=True)
    return transition(session, app, "archive")

