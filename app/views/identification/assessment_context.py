"""What the assessment page shows about one application, read in a few queries (no N+1)."""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.commands.assessing import standard_for
from app.commands.snapshots import take_snapshot
from app.commands.standards import NoActiveStandard, class_review_on, parameters
from app.context import Context
from app.labels import enum_label
from app.models import (
    Application,
    ApplicationStatus,
    Health,
    Household,
    NoParentReason,
    Presence,
    Relation,
    SchoolYear,
    SpecialGroup,
    Student,
    Tier,
    WorkAbility,
)
from app.security.scope import Scope, limit
from app.services import workflow
from app.services.facts import facts_from_snapshot, records_a_supporter
from app.services.masking import mask_column
from app.services.workflow import allowed_steps
from app.views.identification.indicators import DECIDED_BY, answer_text, block_label, indicator_label, reason_text

CENT = Decimal("0.01")

# why the committee decision form is closed (or, for "decided", folded away: the committee may still meet again)
DECISION_CLOSED = {
    "decided": _l("The committee's decision is recorded; the next step is the public notice. Record a new "
                  "decision only if the committee meets again."),
    "not_scored": _l("The committee decides once the application has been scored."),
    "not_submitted": _l("The committee decides once the application is submitted and scored."),
    "on_notice": _l("The pupil is on the public notice: the decision stands unless an objection is upheld."),
    "final": _l("The identification is complete; the committee's decision is no longer changed here."),
    "cancelled": _l("The application was cancelled."),
    "read_only": _l("No committee decision recorded yet; the school aid officer records it."),
}


def decision_closed(status: str, steps, decided: bool, can_assess: bool) -> str | None:
    """Why the committee decision (认定工作组评议) form is not offered open, or None when it is: the
    workflow allows "decide" only in school review; once decided there it is folded away."""
    if "decide" in steps:
        reason = "decided" if decided else (None if can_assess else "read_only")
    elif status == workflow.NOTICE:
        reason = "on_notice"
    elif status in workflow.DECIDED:
        reason = "final"
    elif status == workflow.CANCELLED:
        reason = "cancelled"
    elif status in workflow.NOT_SUBMITTED:
        reason = "not_submitted"
    else:
        reason = "not_scored"
    return DECISION_CLOSED[reason] if reason else None


@dataclass(frozen=True)
class Line:
    """One line of the score breakdown as the reviewer reads it."""

    indicator: str
    block: str
    answer: str
    points: str
    reason: str
    capped: bool


def load_application(session, pk: int, scope: Scope) -> Application | None:
    """The application with everything the page reads, in scope (None otherwise)."""
    query = session.query(Application).filter(Application.id == pk).options(
        joinedload(Application.student).joinedload(Student.household).selectinload(Household.members),
        joinedload(Application.school), joinedload(Application.term), joinedload(Application.school_year),
        joinedload(Application.standard), joinedload(Application.suggested_tier),
        joinedload(Application.final_tier), selectinload(Application.home_visits),
        selectinload(Application.decisions),
    )
    return limit(query, Application, scope).one_or_none()


def _standard(session, app: Application):
    """The version the application was scored with, else the one in force, else None."""
    try:
        return standard_for(session, app)
    except NoActiveStandard:
        return None


def group_names(session, codes) -> dict[str, str]:
    """{special group code: name} of the code list, for the codes asked."""
    codes = set(codes)
    if not codes:
        return {}
    return dict(session.execute(select(SpecialGroup.code, SpecialGroup.name).where(SpecialGroup.code.in_(codes))).all())


def breakdown(standard, stored: dict | None) -> list[Line]:
    """The stored breakdown in words; block caps hit are marked."""
    if not stored:
        return []
    raw = {i.get("code"): i for i in ((standard.data if standard else {}) or {}).get("indicators", ())}
    capped = set(stored.get("capped_blocks") or ())
    return [Line(indicator_label(ln["indicator"], raw.get(ln["indicator"])), block_label(ln["block"]),
                 answer_text((raw.get(ln["indicator"]) or {}).get("fact", ln["indicator"]), ln["answer"]),
                 ln["points"], reason_text(ln["reason"]), ln["block"] in capped)
            for ln in stored.get("lines", ())]


def rules(standard, tiers: dict, names: dict) -> dict:
    """Thresholds, direct-identification rules, block caps and the 低保 line of a standard."""
    if standard is None:
        return {}
    data = standard.data or {}

    def name(code):
        return tiers[code].name if code in tiers else code

    return {
        "version": standard.version, "name": standard.name,
        "thresholds": [(name(t), n) for t, n in data.get("thresholds", ())],
        "lowest": name(data.get("lowest_tier")),
        "direct": [(name(r["tier"]), [names.get(g, g) for g in r.get("groups", ())]) for r in data.get("direct", ())],
        "blocks": [(block_label(b), cap) for b, cap in (data.get("blocks") or {}).items()],
        "total_cap": data.get("total_cap"),
        "dibao_line": Decimal(str((data.get("parameters") or {}).get("dibao_line_per_year", "0"))),
        "class_review": parameters(standard)["class_review"],
    }


def _members(snapshot: dict) -> list[dict]:
    """Members of the snapshot with their coded values in words."""
    return [{**m, "relation": enum_label(Relation(m["relation"])),
             "work_ability": enum_label(WorkAbility(m["work_ability"])), "health": enum_label(Health(m["health"])),
             "presence": enum_label(Presence(m.get("presence", "present"))),
             "annual_income": Decimal(m["annual_income"])} for m in snapshot.get("members", ())]


def household_facts(snapshot: dict | None, names: dict, dibao_line: Decimal | None) -> dict | None:
    """The household as frozen at submission: members, groups, sudden event, per-capita income."""
    if not snapshot:
        return None
    facts = facts_from_snapshot(snapshot)
    per_capita = (facts.household_income / facts.household_size).quantize(CENT)
    household = snapshot["household"]
    return {
        "taken_on": snapshot.get("taken_on"), "members": _members(snapshot), "household": household,
        "groups": [names.get(g, g) for g in facts.groups], "income": facts.household_income,
        "size": facts.household_size, "per_capita": per_capita, "dibao_line": dibao_line,
        "ratio": (per_capita / dibao_line).quantize(CENT) if dibao_line else None,
        "no_parent": no_parent(snapshot),
    }


def no_parent(snapshot: dict) -> dict | None:
    """When no father, mother or guardian is in the snapshot: the household's reason in words (None when
    not marked) and its note; None when one is recorded."""
    if records_a_supporter(snapshot.get("members", ())):
        return None
    household = snapshot.get("household", {})
    code = household.get("no_parent_reason")
    return {"reason": enum_label(NoParentReason(code)) if code else None, "note": household.get("no_parent_note")}


def live_differs(ctx: Context, app: Application) -> bool:
    """Whether the household (or the pupil's class) has changed since the snapshot was taken."""
    snapshot, student = app.household_snapshot, app.student
    if not snapshot or student.household is None:
        return bool(snapshot)
    live = take_snapshot(student, student.household, ctx.now)
    live.pop("taken_on")
    return live != {key: value for key, value in snapshot.items() if key != "taken_on"}


def earlier_years(session, app: Application, scope: Scope) -> list:
    """The pupil's other applications with their final tier and school year, newest first."""
    query = (session.query(SchoolYear.name, Application.status, Tier.name, Application.id)
             .select_from(Application).join(SchoolYear, SchoolYear.id == Application.school_year_id)
             .outerjoin(Tier, Tier.id == Application.final_tier_id)
             .filter(Application.student_id == app.student_id, Application.id != app.id))
    return limit(query, Application, scope).order_by(Application.id.desc()).limit(20).all()


def neighbours(session, app: Application, scope: Scope, status: str | None) -> tuple:
    """(previous id, next id) in the queue of the application's school and term."""
    where = [Application.term_id == app.term_id, Application.school_id == app.school_id]
    if status:
        where.append(Application.status == ApplicationStatus(status))
    base = limit(session.query(func.max(Application.id)).filter(*where), Application, scope)
    prev_id = base.filter(Application.id < app.id).scalar()
    nxt = limit(session.query(func.min(Application.id)).filter(*where), Application, scope)
    return prev_id, nxt.filter(Application.id > app.id).scalar()


def page(ctx: Context, pk: int, status_filter: str | None) -> dict | None:
    """Everything the page of one application shows; None when it is not in the scope."""
    session, scope = ctx.session, ctx.scope
    app = load_application(session, pk, scope)
    if app is None:
        return None
    standard = _standard(session, app)
    tiers = {t.code: t for t in session.query(Tier).order_by(Tier.rank.desc())}
    stored = app.breakdown or {}
    codes = set((app.household_snapshot or {}).get("household", {}).get("groups") or ()) | set(
        stored.get("direct_groups") or ())
    for rule in ((standard.data or {}).get("direct", ()) if standard else ()):
        codes.update(rule.get("groups", ()))
    names = group_names(session, codes | {"disabled_student"})
    standard_rules = rules(standard, tiers, names)
    review = class_review_on(session, app.student.district_id, app.school_year_id)
    return {
        "app": app, "student": app.student, "standard": standard_rules, "lines": breakdown(standard, stored),
        "stored": stored, "decided_by": DECIDED_BY.get(app.decided_by or ""),
        "direct_groups": [names.get(g, g) for g in stored.get("direct_groups") or ()],
        "facts": household_facts(app.household_snapshot, names, standard_rules.get("dibao_line")),
        "live_differs": live_differs(ctx, app), "history": earlier_years(session, app, scope),
        "neighbours": neighbours(session, app, scope, status_filter), "steps": allowed_steps(
            app.status.value, class_review=review), "tiers": [t for t in tiers.values() if t.active],
        "class_decision": next((d for d in app.decisions if d.stage.value == "class"), None),
        "masked": {key: mask_column(key, getattr(app.student, key)) for key in ("id_number", "student_no")},
    }
