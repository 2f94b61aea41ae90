"""What the custom endpoints answer: the JSON built from a record, and its schema in the OpenAPI spec."""
from datetime import UTC
from decimal import Decimal

from marshmallow import Schema, fields

from app.api.schemas import enum_text, instant, money
from app.models import (
    Application,
    ApplicationStatus,
    JobStatus,
    NoticeEntry,
    NoticeStatus,
    Objection,
    ObjectionOutcome,
    PublicNotice,
    ReviewOutcome,
    ReviewRuling,
    ReviewStage,
)

ENTRY_FIELDS = ("id", "name", "grade", "class_name", "tier_name", "aid_item")
CENT = Decimal("0.01")


def money_text(value) -> str | None:
    """A Decimal as a string with two places ("67.00"); None stays None."""
    return None if value is None else str(Decimal(value).quantize(CENT))


def day_text(value) -> str | None:
    """An ISO date, or None."""
    return None if value is None else value.isoformat()


def instant_text(value) -> str | None:
    """A stored (naive UTC) date and time as ISO 8601 with its offset, or None."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def field_messages(message: dict) -> dict[str, list[str]]:
    """A 422's refused fields as {field: [message, …]}, whatever shape marshmallow gave them (a lazy
    message alone, or one per item of a list: {"terms": {"0": […]}})."""
    return {str(name): _messages(value) for name, value in message.items()}


def _messages(value) -> list[str]:
    """Every message under one field, in order, each once."""
    if isinstance(value, dict):
        found = [text for item in value.values() for text in _messages(item)]
    elif isinstance(value, (list, tuple)):
        found = [text for item in value for text in _messages(item)]
    else:
        found = [str(value)]
    return list(dict.fromkeys(found))


def _null(field: fields.Field) -> fields.Field:
    """The same field, null allowed."""
    field.allow_none = True
    return field


# --- identification ---------------------------------------------------------------------------
class ApplicationState(Schema):
    """Where an application stands after a step."""

    id = fields.Integer(required=True)
    status = enum_text(ApplicationStatus, required=True)
    final_tier = _null(fields.String(metadata={"description": "code of the final tier"}))


class Decision(Schema):
    """A class or committee decision, never edited."""

    id = fields.Integer(required=True)
    stage = enum_text(ReviewStage, required=True)
    outcome = enum_text(ReviewOutcome, required=True)
    decided_on = _null(fields.Date())
    members = fields.String()
    votes_for, votes_against, votes_abstain = fields.Integer(), fields.Integer(), fields.Integer()
    tier, suggested_tier = _null(fields.String()), _null(fields.String())
    tier_reason, minutes = _null(fields.String()), _null(fields.String())


class HomeVisit(Schema):
    """A home visit."""

    id = fields.Integer(required=True)
    visited_on = _null(fields.Date())
    visitors = fields.String()
    findings = fields.String()
    facts_confirmed = fields.Boolean()


class BreakdownLine(Schema):
    """One indicator of the score: the answer found and the points it gave."""

    indicator = fields.String()
    block = _null(fields.String())
    answer = fields.Raw(allow_none=True, metadata={"description": "a flag, a count or a ratio as a string"})
    points = money()
    reason = _null(fields.String())


class Score(Schema):
    """The stored score: total, breakdown, tiers and the standard version it was scored with."""

    id = fields.Integer(required=True)
    status = enum_text(ApplicationStatus, required=True)
    total = money(allow_none=True)
    breakdown = fields.List(fields.Nested(BreakdownLine))
    capped_blocks, direct_groups = _null(fields.List(fields.String())), _null(fields.List(fields.String()))
    suggested_tier, score_tier, direct_tier = _null(fields.String()), _null(fields.String()), _null(fields.String())
    decided_by = _null(fields.String(metadata={"description": "score, or direct (by special group)"}))
    standard_version, standard_id = _null(fields.Integer()), _null(fields.Integer())


class Assessment(Score):
    """The stored score with the final tier, its reason, the decisions and the home visits."""

    final_tier, tier_reason = _null(fields.String()), _null(fields.String())
    assessed_on, decided_on = instant(allow_none=True), instant(allow_none=True)
    decisions = fields.List(fields.Nested(Decision))
    home_visits = fields.List(fields.Nested(HomeVisit))


class HomeVisitAdded(Schema):
    """The application's id and the visit recorded."""

    id = fields.Integer(required=True)
    home_visit = fields.Nested(HomeVisit, required=True)


class DecisionMade(ApplicationState):
    """Where the application stands and the committee's decision."""

    decision = fields.Nested(Decision, required=True)


def status_json(app: Application) -> dict:
    """Where the application stands."""
    return {"id": app.id, "status": app.status.value,
            "final_tier": app.final_tier.code if app.final_tier else None}


def decision_json(decision) -> dict:
    """A class or committee decision."""
    return {"id": decision.id, "stage": decision.stage.value, "outcome": decision.outcome.value,
            "decided_on": day_text(decision.decided_on), "members": decision.members,
            "votes_for": decision.votes_for, "votes_against": decision.votes_against,
            "votes_abstain": decision.votes_abstain, "tier": decision.tier.code if decision.tier else None,
            "suggested_tier": decision.suggested_tier.code if decision.suggested_tier else None,
            "tier_reason": decision.tier_reason, "minutes": decision.minutes}


def visit_json(visit) -> dict:
    """A home visit."""
    return {"id": visit.id, "visited_on": day_text(visit.visited_on), "visitors": visit.visitors,
            "findings": visit.findings, "facts_confirmed": visit.facts_confirmed}


def assessment_json(app: Application) -> dict:
    """The stored result: total, breakdown lines, tiers and the standard version it was scored with."""
    stored = app.breakdown or {}
    lines = [{**line, "points": money_text(line["points"])} for line in stored.get("lines", [])]
    return {"id": app.id, "status": app.status.value, "total": money_text(app.score), "breakdown": lines,
            **{key: stored.get(key) for key in ("capped_blocks", "suggested_tier", "score_tier",
                                                "direct_tier", "direct_groups")},
            "decided_by": app.decided_by, "standard_version": app.standard_version,
            "standard_id": app.standard_id}


def full_assessment_json(app: Application) -> dict:
    """The stored result with the final tier, decisions and home visits."""
    return {**assessment_json(app), **status_json(app), "tier_reason": app.tier_reason,
            "assessed_on": instant_text(app.assessed_on), "decided_on": instant_text(app.decided_on),
            "decisions": [decision_json(d) for d in app.decisions],
            "home_visits": [visit_json(v) for v in app.home_visits]}


# --- public notices and objections ------------------------------------------------------------
class NoticeLine(Schema):
    """What the public sees of one line of a notice (its id is what an objection names)."""

    id = fields.Integer(required=True)
    name, class_name, tier_name = fields.String(), fields.String(), fields.String()
    grade = fields.Integer()
    aid_item = _null(fields.String())


class Notice(Schema):
    """A notice with its period and lines."""

    id, school_id, term_id = fields.Integer(required=True), fields.Integer(), fields.Integer()
    status = enum_text(NoticeStatus, required=True)
    title, contact = fields.String(), _null(fields.String())
    starts_on, ends_on = fields.Date(), fields.Date()
    working_days, objection_days = fields.Integer(), fields.Integer()
    published_at, withdrawn_at = instant(allow_none=True), instant(allow_none=True)
    entries = fields.List(fields.Nested(NoticeLine))


class NoticeCreated(Schema):
    """The new draft's id and the draft."""

    id = fields.Integer(required=True)
    result = fields.Nested(Notice, required=True)


class NoticeApproved(Schema):
    """The notice's id and how many applications were approved."""

    id = fields.Integer(required=True)
    approved = fields.Integer(required=True)


class ObjectionState(Schema):
    """An objection, its due date and the school's answer."""

    id, notice_id, entry_id, application_id = (fields.Integer(required=True), fields.Integer(),
                                               fields.Integer(), fields.Integer())
    received_on, due_on, answered_on = fields.Date(), _null(fields.Date()), _null(fields.Date())
    raised_by, content, answer = _null(fields.String()), fields.String(), _null(fields.String())
    outcome = enum_text(ObjectionOutcome, allow_none=True)
    # the review (复核) the family may ask the district for after a dismissal
    review_requested_on, review_decided_on = _null(fields.Date()), _null(fields.Date())
    review_requested_by, review_request, review_answer = (_null(fields.String()), _null(fields.String()),
                                                          _null(fields.String()))
    review_ruling = enum_text(ReviewRuling, allow_none=True)


class ObjectionRecorded(Schema):
    """The new objection's id and the objection."""

    id = fields.Integer(required=True)
    result = fields.Nested(ObjectionState, required=True)


def entry_json(entry: NoticeEntry) -> dict:
    """What the public sees of one line of a notice."""
    return {key: getattr(entry, key) for key in ENTRY_FIELDS}


def notice_json(notice: PublicNotice) -> dict:
    """A notice with its period and entries."""
    return {"id": notice.id, "status": notice.status.value, "school_id": notice.school_id,
            "term_id": notice.term_id, "title": notice.title, "starts_on": day_text(notice.starts_on),
            "ends_on": day_text(notice.ends_on), "working_days": notice.working_days,
            "objection_days": notice.objection_days, "contact": notice.contact,
            "published_at": instant_text(notice.published_at), "withdrawn_at": instant_text(notice.withdrawn_at),
            "entries": [entry_json(e) for e in notice.entries]}


def objection_json(objection: Objection) -> dict:
    """An objection, its due date and the school's answer."""
    return {"id": objection.id, "notice_id": objection.notice_id, "entry_id": objection.entry_id,
            "application_id": objection.application_id, "received_on": day_text(objection.received_on),
            "raised_by": objection.raised_by, "content": objection.content, "due_on": day_text(objection.due_on),
            "answer": objection.answer, "outcome": objection.outcome.value if objection.outcome else None,
            "answered_on": day_text(objection.answered_on),
            "review_requested_on": day_text(objection.review_requested_on),
            "review_requested_by": objection.review_requested_by, "review_request": objection.review_request,
            "review_ruling": objection.review_ruling.value if objection.review_ruling else None,
            "review_answer": objection.review_answer, "review_decided_on": day_text(objection.review_decided_on)}


# --- jobs and reveal ----------------------------------------------------------------------------
class JobStarted(Schema):
    """The queued job's id and status."""

    id = fields.Integer(required=True)
    status = enum_text(JobStatus, required=True)


class JobProgress(JobStarted):
    """Progress of a job: percent, rows, time left, and why it failed, in the user's language."""

    status_label = fields.String()
    active, stalled, has_file = fields.Boolean(), fields.Boolean(), fields.Boolean()
    rows_done, rows_total = _null(fields.Integer()), _null(fields.Integer())
    percent, seconds_left = _null(fields.Integer()), _null(fields.Integer())
    time_left, message = _null(fields.String()), _null(fields.String())
    summary = fields.Dict()


class Revealed(Schema):
    """One full sensitive value (the reveal is audited)."""

    value = fields.String(allow_none=True, required=True)


ANSWERS = (ApplicationState, Decision, HomeVisit, BreakdownLine, Score, Assessment, HomeVisitAdded,
           DecisionMade, NoticeLine, Notice, NoticeCreated, NoticeApproved, ObjectionState, ObjectionRecorded,
           JobStarted, JobProgress, Revealed)
