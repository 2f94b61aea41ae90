"""REST for an application's identification: each custom endpoint runs one command and answers JSON."""

from flask_appbuilder.api import expose, protect, safe
from marshmallow import Schema, fields

from app.api.command_api import CommandApi, day_text, money_text
from app.commands import assessing
from app.commands import identification as ident
from app.models import Application, ReviewOutcome
from app.models.base import utcnow
from app.security.roles import PERMISSION_FOLD
from app.security.scope import current_scope
from app.views.interface import ZizhuInterface
from app.workbench.context import local_today

APPLICATION_LIST = ["id", "student.id", "student.name", "school.id", "term.id", "status", "score", "final_tier.name"]
# school and school year follow the pupil and the term (app/commands/rules.py)
APPLICATION_INPUT = ["student", "term", "reason", "is_midyear", "commitment_signed_on", "consent_signed_on"]
WRITE_STEPS = ("submit", "home_visit", "class_review")
ASSESS_STEPS = ("assess", "decide", "approve", "reject", "return_for_correction", "reassess", "cancel", "archive")


def _text() -> fields.Field:
    """Free text; whether it may be empty is the command's to say."""
    return fields.String(load_default="")


def _day() -> fields.Field:
    """An ISO date."""
    return fields.Date(load_default=None)


def _count() -> fields.Field:
    """A whole number of votes (not "5", not 5.5)."""
    return fields.Integer(strict=True, load_default=None)


# request bodies: types are checked here, what is required by the commands (FieldErrors)
MEETING = {"decided_on": _day(), "members": _text(), "votes_for": _count(), "votes_against": _count(),
           "votes_abstain": _count(), "minutes": _text()}
ReasonSchema = Schema.from_dict({"reason": _text()}, name="ReasonSchema")
CancelSchema = Schema.from_dict({"reason": _text(), "recover_aid": fields.Boolean(load_default=False)},
                                name="CancelSchema")
ClassReviewSchema = Schema.from_dict(
    {**MEETING, "outcome": fields.Enum(ReviewOutcome, by_value=True, required=True)}, name="ClassReviewSchema")
DecideSchema = Schema.from_dict({**MEETING, "tier": _text(), "tier_reason": _text()}, name="DecideSchema")
HomeVisitSchema = Schema.from_dict({"visited_on": _day(), "visitors": _text(), "findings": _text(),
                                    "facts_confirmed": fields.Boolean(load_default=True)}, name="HomeVisitSchema")


def meeting(values: dict) -> dict:
    """Keyword arguments of a class review or committee decision from the checked body."""
    votes = tuple(values.pop(key) for key in ("votes_for", "votes_against", "votes_abstain"))
    return {**values, "votes": votes}


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
            "assessed_on": day_text(app.assessed_on), "decided_on": day_text(app.decided_on),
            "decisions": [decision_json(d) for d in app.decisions],
            "home_visits": [visit_json(v) for v in app.home_visits]}


class ApplicationApi(CommandApi):
    """/api/v1/application/: the resource plus one endpoint per workflow step."""

    datamodel = ZizhuInterface(Application)
    resource_name = "application"
    openapi_spec_tag = "Application"
    list_columns = APPLICATION_LIST
    add_columns = edit_columns = APPLICATION_INPUT
    method_permission_name = {**PERMISSION_FOLD, "assessment": "read",
                              **dict.fromkeys(WRITE_STEPS, "write"), **dict.fromkeys(ASSESS_STEPS, "assess")}
    not_found = (ident.ApplicationNotFound,)

    def step(self, pk: int, command, schema: Schema | None = None, field: str | None = None):
        """Run an identification command on application `pk`; answer its status (`field` is the
        command's name of the body's `reason`)."""
        return self.run_command(schema, lambda s, scope, v: command(s, pk, scope, **v), status_json,
                                aliases={field: "reason"} if field else None)

    @expose("/<int:pk>/submit", methods=["POST"])
    @protect()
    @safe
    def submit(self, pk):
        """Submit: the household facts are frozen as a snapshot."""
        return self.step(pk, lambda s, i, scope: ident.submit(s, i, scope, now=utcnow()))

    @expose("/<int:pk>/class_review", methods=["POST"])
    @protect()
    @safe
    def class_review(self, pk):
        """Record the class review {outcome, decided_on, members, votes_*, minutes}."""
        def command(s, scope, v):
            return assessing.record_class_review(s, pk, scope, **meeting(v)).application

        return self.run_command(ClassReviewSchema(), command, status_json)

    @expose("/<int:pk>/assess", methods=["POST"])
    @protect()
    @safe
    def assess(self, pk):
        """Score the snapshot: total, breakdown, suggested tier and standard version."""
        return self.run_command(None, lambda s, scope, v: assessing.score(s, pk, scope, now=utcnow())[0],
                                assessment_json)

    @expose("/<int:pk>/home_visit", methods=["POST"])
    @protect()
    @safe
    def home_visit(self, pk):
        """Record a home visit {visited_on, visitors, findings, facts_confirmed} → 201."""
        return self.run_command(HomeVisitSchema(), lambda s, scope, v: assessing.add_home_visit(s, pk, scope, **v),
                                lambda visit: {"id": pk, "home_visit": visit_json(visit)}, 201)

    @expose("/<int:pk>/decide", methods=["POST"])
    @protect()
    @safe
    def decide(self, pk):
        """The committee decision {tier, decided_on, members, votes_*, minutes, tier_reason}."""
        def command(s, scope, v):
            kw = meeting(v)
            return assessing.decide(s, pk, scope, tier_code=kw.pop("tier"), now=utcnow(), **kw)

        return self.run_command(DecideSchema(), command,
                                lambda d: {**status_json(d.application), "decision": decision_json(d)},
                                aliases={"final_tier": "tier"})

    @expose("/<int:pk>/return", methods=["POST"])
    @protect()
    @safe
    def return_for_correction(self, pk):
        """Return for correction {reason}."""
        return self.step(pk, ident.return_for_correction, ReasonSchema(), "return_reason")

    @expose("/<int:pk>/reassess", methods=["POST"])
    @protect()
    @safe
    def reassess(self, pk):
        """Re-assess an approved application (动态调整) {reason}."""
        return self.step(pk, lambda s, i, scope, **v: ident.reassess(s, i, scope, now=utcnow(), **v),
                         ReasonSchema())

    @expose("/<int:pk>/cancel", methods=["POST"])
    @protect()
    @safe
    def cancel(self, pk):
        """Cancel {reason, recover_aid}."""
        return self.step(pk, ident.cancel, CancelSchema(), "cancel_reason")

    @expose("/<int:pk>/reject", methods=["POST"])
    @protect()
    @safe
    def reject(self, pk):
        """Not approved {reason}."""
        return self.step(pk, lambda s, i, scope, **v: ident.reject(s, i, scope, now=utcnow(), **v),
                         ReasonSchema(), "tier_reason")

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    def approve(self, pk):
        """Approve after the public notice has ended and every objection is answered."""
        return self.step(pk, lambda s, i, scope: ident.approve(s, i, scope, today=local_today(), now=utcnow()))

    @expose("/<int:pk>/archive", methods=["POST"])
    @protect()
    @safe
    def archive(self, pk):
        """Archive an approved or rejected application."""
        return self.step(pk, ident.archive)

    @expose("/<int:pk>/assessment", methods=["GET"])
    @protect()
    @safe
    def assessment(self, pk):
        """The stored result, tiers, decisions and home visits (never re-scored)."""
        try:
            app = ident.load(self.datamodel.session, pk, current_scope())
        except ident.ApplicationNotFound as err:
            return self.response(404, message=str(err))
        return self.response(200, **full_assessment_json(app))
