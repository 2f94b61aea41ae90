"""The assessment page's forms: posted text to the plain values the commands take, step by step."""

from flask_babel import lazy_gettext as _l

from app.commands import assessing, identification
from app.context import Context
from app.errors import FieldErrors
from app.models import ReviewOutcome
from app.services import workflow
from app.views.framework.form_values import parse_date

BAD_NUMBER = _l("must be a whole number, 0 or more")

# workflow steps taken with one button on the page; the others have forms of their own
# (score, home visit, class review, decision) or live on the public notice (publish, withdraw)
BUTTON_STEPS = ("submit", "return", "reassess", "cancel", "reject", "approve", "archive")
ASSESS_STEPS = ("return", "reassess", "cancel", "reject", "approve", "archive")
REASON_STEPS = ("return", "reassess", "cancel", "reject")
# what each reason box asks, beside its own button
REASON_LABELS = {
    "return": _l("Why it goes back for correction"),
    "reassess": _l("Why it is assessed again"),
    "cancel": _l("Why the identification is cancelled"),
    "reject": _l("Why it is not approved"),
}
DONE = {
    "submit": _l("The application was submitted."),
    "return": _l("The application was returned for correction."),
    "reassess": _l("The application will be assessed again."),
    "cancel": _l("The identification was cancelled."),
    "reject": _l("The application was not approved."),
    "approve": _l("The application was approved."),
    "archive": _l("The application was archived."),
}


def parse_votes(form, errors: dict) -> tuple[int, int, int]:
    """(for, against, abstain) as whole numbers; empty counts as 0."""
    votes = []
    for field in ("votes_for", "votes_against", "votes_abstain"):
        text = (form.get(field) or "0").strip() or "0"
        if not text.isdigit():
            errors[field] = [BAD_NUMBER]
            votes.append(0)
        else:
            votes.append(int(text))
    return tuple(votes)


def _raise(errors: dict) -> None:
    """Refuse the form when a field could not be read."""
    if errors:
        raise FieldErrors(errors)


def home_visit(ctx: Context, pk: int, form):
    """Record a home visit from the form."""
    errors = {}
    visited_on = parse_date(form, "visited_on", errors)
    _raise(errors)
    return assessing.add_home_visit(ctx, pk, visited_on=visited_on, visitors=form.get("visitors", ""),
                                    findings=form.get("findings", ""),
                                    facts_confirmed=form.get("facts_confirmed") == "y")


def class_review(ctx: Context, pk: int, form):
    """Record the class review (班级评议) from the form."""
    errors = {}
    decided_on, votes = parse_date(form, "decided_on", errors), parse_votes(form, errors)
    outcome = form.get("outcome", ReviewOutcome.PASSED.value)
    if outcome not in {o.value for o in ReviewOutcome}:
        errors["outcome"] = [identification.REQUIRED]
    _raise(errors)
    return assessing.record_class_review(ctx, pk, outcome=ReviewOutcome(outcome), decided_on=decided_on,
                                         members=form.get("members", ""), votes=votes,
                                         minutes=form.get("minutes", ""))


def decide(ctx: Context, pk: int, form):
    """Record the committee's decision from the form."""
    errors = {}
    decided_on, votes = parse_date(form, "decided_on", errors), parse_votes(form, errors)
    _raise(errors)
    return assessing.decide(ctx, pk, tier_code=form.get("tier", ""), decided_on=decided_on,
                            members=form.get("members", ""), votes=votes, minutes=form.get("minutes", ""),
                            tier_reason=form.get("tier_reason", ""))


def take_step(ctx: Context, pk: int, step: str, form):
    """One workflow button: the command of `step` with the reason (and recovery flag) posted."""
    reason = form.get("reason", "")
    if step == "submit":
        return identification.submit(ctx, pk)
    if step == "return":
        return identification.return_for_correction(ctx, pk, reason=reason)
    if step == "reassess":
        return identification.reassess(ctx, pk, reason=reason)
    if step == "cancel":
        return identification.cancel(ctx, pk, reason=reason, recover_aid=form.get("recover_aid") == "y")
    if step == "reject":
        return identification.reject(ctx, pk, reason=reason)
    if step == "approve":
        return identification.approve(ctx, pk)
    return identification.archive(ctx, pk)


CLASS_REVIEW_CLOSED = {
    "done": _l("The class review is complete."),
    "not_held": _l("This school holds no class review: the identification standard does not ask for one."),
    "not_submitted": _l("The class review opens once the application is submitted."),
    "scored": _l("The application has been scored: the class review comes before scoring."),
    "cancelled": _l("The application was cancelled."),
    "read_only": _l("No class review recorded yet; the class teacher or the school aid officer records it."),
}


def class_review_closed(status: str, steps, decided: bool, asked: bool, can_write: bool):
    """Why the class review (班级评议) form is not offered, or None when it is."""
    if decided:
        reason = "done"
    elif "class_review" in steps:
        reason = None if can_write else "read_only"
    elif status == workflow.CANCELLED:
        reason = "cancelled"
    elif status in workflow.NOT_SUBMITTED:
        reason = "not_submitted"
    else:
        reason = "scored" if asked else "not_held"
    return CLASS_REVIEW_CLOSED[reason] if reason else None
