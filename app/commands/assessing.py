"""The school's assessment of an application: scoring, home visits, class review, committee decision.

Scoring keeps the standard version an application was first scored with: re-scoring the same
snapshot never changes its result, and a newer version of the standard never rewrites it.
"""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from app.commands.idempotency import AlreadyRecorded
from app.commands.identification import REQUIRED, check_step, load, need, transition
from app.commands.standards import active_standard, compiled, tier_ids
from app.context import Context
from app.errors import FieldErrors
from app.models import Application, AssessmentStandard, HomeVisit, ReviewDecision, ReviewOutcome, ReviewStage, Tier
from app.services.facts import facts_from_snapshot
from app.services.scoring import Assessment, assess


def breakdown_json(result: Assessment) -> dict:
    """The result as stored on the application (JSON: decimals as strings)."""
    return {
        "lines": [{"indicator": ln.indicator, "block": ln.block, "answer": _plain(ln.answer),
                   "points": str(ln.points), "reason": ln.reason} for ln in result.lines],
        "capped_blocks": list(result.capped_blocks),
        "score_tier": result.score_tier, "direct_tier": result.direct_tier,
        "direct_groups": list(result.direct_groups), "suggested_tier": result.suggested_tier,
        "decided_by": result.decided_by,
    }


def _plain(answer):
    """An answer JSON can hold: ratios as strings rounded to 4 places, flags and counts as they are."""
    if isinstance(answer, (bool, int)):
        return answer
    return str(answer.quantize(type(answer)("0.0001"))) if hasattr(answer, "quantize") else str(answer)


def standard_for(session, app: Application) -> AssessmentStandard:
    """The version the application was scored with; the one in force if it was never scored."""
    if app.standard_id is not None:
        return session.get(AssessmentStandard, app.standard_id)
    return active_standard(session, app.student.district_id, app.school_year_id)


def apply_result(app: Application, row: AssessmentStandard, result: Assessment, tiers: dict,
                 now: datetime) -> None:
    """Store a result on the application and mark the standard version as used."""
    store_result(app, row, result, tiers, now)
    mark_first_use(row, now)


def store_result(app, row: AssessmentStandard, result: Assessment, tiers: dict, now: datetime) -> None:
    """Store a result on the application (or on what stands for it: a bulk step's change)."""
    app.score, app.breakdown = result.total, breakdown_json(result)
    app.standard_id, app.standard_version = row.id, row.version
    app.suggested_tier_id, app.decided_by = tiers[result.suggested_tier], result.decided_by
    app.assessed_on = now


def mark_first_use(row: AssessmentStandard, now: datetime) -> None:
    """The standard version used from `now` on, unless it was before: its data never changes again."""
    if row.first_used_at is None:  # never before it was put in force (a clock behind the activation)
        row.first_used_at = max(now, row.activated_at) if row.activated_at else now


def score(ctx: Context, application_id: int) -> tuple[Application, Assessment]:
    """Score one application from its snapshot; it goes to school review (学校认定).

    Scored already, it keeps its result (the same snapshot and version give the same score): nothing
    is written again, so a repeated or concurrent post scores once."""
    app = load(ctx, application_id, lock=True)
    check_step(ctx, app, "assess")
    row = standard_for(ctx.session, app)
    result = assess(compiled(row), facts_from_snapshot(app.household_snapshot))
    if app.score is not None:
        return app, result
    tiers = tier_ids(ctx.session)
    transition(ctx, app, "assess", lambda a: apply_result(a, row, result, tiers, ctx.now),
               detail=f"v{row.version} {result.total}")
    return app, result


def add_home_visit(ctx: Context, application_id: int, *, visited_on: date, visitors: str, findings: str,
                   facts_confirmed: bool) -> HomeVisit:
    """Record a home visit or interview (家访) against an open application."""
    app = load(ctx, application_id, lock=True)
    check_step(ctx, app, "home_visit")
    errors = {}
    for field, value in (("visited_on", visited_on), ("visitors", visitors), ("findings", findings)):
        need(errors, field, value)
    if errors:
        raise FieldErrors(errors)
    visit = HomeVisit(application_id=app.id, visited_on=visited_on, visitors=visitors.strip(),
                      findings=findings.strip(), facts_confirmed=bool(facts_confirmed))
    ctx.session.add(visit)
    ctx.session.flush()
    return visit


def _check_votes(members: str, votes: tuple[int, int, int], decided_on) -> None:
    """Members and date are required; votes are whole numbers, not negative."""
    errors = {}
    need(errors, "members", members)
    need(errors, "decided_on", decided_on)
    for field, value in zip(("votes_for", "votes_against", "votes_abstain"), votes, strict=True):
        if value is None or int(value) < 0:
            errors[field] = [_l("must be a whole number, 0 or more")]
    if errors:
        raise FieldErrors(errors)


def record_class_review(ctx: Context, application_id: int, *, outcome: ReviewOutcome, decided_on: date,
                        members: str, votes: tuple[int, int, int], minutes: str = "") -> ReviewDecision:
    """The class's democratic review (班级评议); the application moves on to the school either way."""
    app = load(ctx, application_id, lock=True)
    check_step(ctx, app, "class_review")
    _check_votes(members, votes, decided_on)
    decision = ReviewDecision(application_id=app.id, stage=ReviewStage.CLASS, outcome=outcome,
                              decided_on=decided_on, members=members.strip(), votes_for=votes[0],
                              votes_against=votes[1], votes_abstain=votes[2], minutes=minutes or None)
    ctx.session.add(decision)
    transition(ctx, app, "class_review", detail=outcome.value)
    return decision


def _refuse_repeat(session, app: Application, tier_id: int, decided_on, members: str, votes: tuple) -> None:
    """AlreadyRecorded when the committee's latest decision, still in force, is this one (a form sent twice)."""
    latest = session.query(ReviewDecision).filter_by(application_id=app.id, stage=ReviewStage.SCHOOL).order_by(
        ReviewDecision.id.desc()).first()
    if latest is not None and app.final_tier_id == tier_id and (
            latest.tier_id, latest.decided_on, latest.members, (latest.votes_for, latest.votes_against,
                                                                 latest.votes_abstain)
    ) == (tier_id, decided_on, members.strip(), tuple(votes)):
        raise AlreadyRecorded(_l("This decision of the committee is already recorded."))


def decide(ctx: Context, application_id: int, *, tier_code: str, decided_on: date, members: str,
           votes: tuple[int, int, int], minutes: str = "", tier_reason: str = "") -> ReviewDecision:
    """The committee's decision (认定工作组): a final tier; differing from the suggestion needs a reason."""
    app = load(ctx, application_id, lock=True)
    check_step(ctx, app, "decide")
    session = ctx.session
    if app.score is None:
        raise FieldErrors({"score": [_l("is missing; score the application before the committee decides")]})
    _check_votes(members, votes, decided_on)
    tier = session.query(Tier).filter_by(code=tier_code, active=True).one_or_none()
    if tier is None:
        raise FieldErrors({"final_tier": [REQUIRED]})
    if tier.id != app.suggested_tier_id and not (tier_reason or "").strip():
        raise FieldErrors({"tier_reason": [_l("is required when the final tier differs from the suggested tier")]})
    outcome = ReviewOutcome.PASSED if tier.is_needy else ReviewOutcome.NOT_PASSED
    _refuse_repeat(session, app, tier.id, decided_on, members, votes)
    decision = ReviewDecision(
        application_id=app.id, stage=ReviewStage.SCHOOL, outcome=outcome, decided_on=decided_on,
        members=members.strip(), votes_for=votes[0], votes_against=votes[1], votes_abstain=votes[2],
        tier_id=tier.id, suggested_tier_id=app.suggested_tier_id, tier_reason=(tier_reason or "").strip() or None,
        minutes=(minutes or "").strip() or None)
    session.add(decision)

    def change(a):
        a.final_tier_id, a.decided_on = tier.id, ctx.now
        a.tier_reason = decision.tier_reason

    transition(ctx, app, "decide", change, detail=tier.code)
    return decision

