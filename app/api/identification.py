"""REST for an application's identification: each custom endpoint runs one command and answers JSON."""

from flask_appbuilder.api import expose, protect, safe
from flask_babel import lazy_gettext as _l
from marshmallow import Schema

from app.api.answers import assessment_json, decision_json, full_assessment_json, status_json, visit_json
from app.api.command_api import CommandApi
from app.api.schemas import CancelBody, ClassReviewBody, DecideBody, EmptyBody, HomeVisitBody, ReasonBody
from app.api.spec import documented
from app.commands import assessing
from app.commands import identification as ident
from app.fab.interface import ZizhuInterface
from app.models import Application
from app.security.request_context import current_context
from app.security.roles import PERMISSION_FOLD

APPLICATION_LIST = ["id", "student.id", "student.name", "school.id", "term.id", "status", "score", "final_tier.name"]
# school and school year follow the pupil and the term (app/commands/rules.py)
APPLICATION_INPUT = ["student", "term", "reason", "is_midyear", "commitment_signed_on", "consent_signed_on"]
WRITE_STEPS = ("submit", "home_visit", "class_review")
ASSESS_STEPS = ("assess", "decide", "approve", "reject", "return_for_correction", "reassess", "cancel", "archive")


def meeting(values: dict) -> dict:
    """Keyword arguments of a class review or committee decision from the checked body."""
    votes = tuple(values.pop(key) for key in ("votes_for", "votes_against", "votes_abstain"))
    return {**values, "votes": votes}


@documented
class ApplicationApi(CommandApi):
    """/api/v1/application/: the resource plus one endpoint per workflow step."""

    datamodel = ZizhuInterface(Application)
    resource_name = "application"
    openapi_spec_tag = "Application"
    list_columns = APPLICATION_LIST
    add_columns = edit_columns = APPLICATION_INPUT
    description_columns = {
        "student": _l("The pupil applying (an id of a pupil of one's school)"),
        "term": _l("The term applied for (an id)"),
        "reason": _l("The family's own account of its difficulties"),
        "is_midyear": _l("A mid-year application after a sudden event, outside the term's window: the "
                         "household must record the sudden event and its date, within the 12 months before"),
        "commitment_signed_on": _l("The day the family signed the commitment that its statements are true"),
        "consent_signed_on": _l("The day the family consented to the checking of its information"),
    }
    method_permission_name = {**PERMISSION_FOLD, "assessment": "read",
                              **dict.fromkeys(WRITE_STEPS, "write"), **dict.fromkeys(ASSESS_STEPS, "assess")}

    def step(self, pk: int, command, schema: Schema | None = None, field: str | None = None):
        """Run `command(ctx, pk, **body)` on application `pk`; answer its status (`field` is the
        command's name of the body's `reason`; no schema: the body must be empty)."""
        return self.run_command(schema or EmptyBody(), lambda ctx, v: command(ctx, pk, **v), status_json,
                                aliases={field: "reason"} if field else None)

    @expose("/<int:pk>/submit", methods=["POST"])
    @protect()
    @safe
    def submit(self, pk):
        """Submit: the household facts are frozen as a snapshot.
        ---
        post:
          summary: Submit a draft or returned application; the household facts are frozen as a snapshot
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/EmptyBody'}}}}
          responses:
            200: {$ref: '#/components/responses/ApplicationState'}
        """
        return self.step(pk, ident.submit)

    @expose("/<int:pk>/class_review", methods=["POST"])
    @protect()
    @safe
    def class_review(self, pk):
        """Record the class review {outcome, decided_on, members, votes_*, minutes}.
        ---
        post:
          summary: Record the class review (班级评议) of a submitted application, once
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/ClassReviewBody'}}}
          responses:
            200: {$ref: '#/components/responses/ApplicationState'}
        """
        return self.run_command(ClassReviewBody(),
                                lambda ctx, v: assessing.record_class_review(ctx, pk, **meeting(v)).application,
                                status_json)

    @expose("/<int:pk>/assess", methods=["POST"])
    @protect()
    @safe
    def assess(self, pk):
        """Score the snapshot: total, breakdown, suggested tier and standard version.
        ---
        post:
          summary: Score the snapshot with the standard in force; the application goes to the school's review
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/EmptyBody'}}}}
          responses:
            200: {$ref: '#/components/responses/Score'}
        """
        return self.run_command(EmptyBody(), lambda ctx, v: assessing.score(ctx, pk)[0], assessment_json)

    @expose("/<int:pk>/home_visit", methods=["POST"])
    @protect()
    @safe
    def home_visit(self, pk):
        """Record a home visit {visited_on, visitors, findings, facts_confirmed} → 201.
        ---
        post:
          summary: Record a home visit (家访) of an application under review
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/HomeVisitBody'}}}}
          responses:
            201: {$ref: '#/components/responses/HomeVisitAdded'}
        """
        return self.run_command(HomeVisitBody(), lambda ctx, v: assessing.add_home_visit(ctx, pk, **v),
                                lambda visit: {"id": pk, "home_visit": visit_json(visit)}, 201)

    @expose("/<int:pk>/decide", methods=["POST"])
    @protect()
    @safe
    def decide(self, pk):
        """The committee decision {tier, decided_on, members, votes_*, minutes, tier_reason}.
        ---
        post:
          summary: Record the committee's decision (认定工作组) and the tier decided
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/DecideBody'}}}}
          responses:
            200: {$ref: '#/components/responses/DecisionMade'}
        """
        def command(ctx, v):
            kw = meeting(v)
            return assessing.decide(ctx, pk, tier_code=kw.pop("tier"), **kw)

        return self.run_command(DecideBody(), command,
                                lambda d: {**status_json(d.application), "decision": decision_json(d)},
                                aliases={"final_tier": "tier"})

    @expose("/<int:pk>/return", methods=["POST"])
    @protect()
    @safe
    def return_for_correction(self, pk):
        """Return for correction {reason}.
        ---
        post:
          summary: Return the application to the school for correction, with the reason
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/ReasonBody'}}}}
          responses:
            200: {$ref: '#/components/responses/ApplicationState'}
        """
        return self.step(pk, ident.return_for_correction, ReasonBody(), "return_reason")

    @expose("/<int:pk>/reassess", methods=["POST"])
    @protect()
    @safe
    def reassess(self, pk):
        """Re-assess an approved application (动态调整) {reason}.
        ---
        post:
          summary: Re-assess an approved application (动态调整), with the reason
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/ReasonBody'}}}}
          responses:
            200: {$ref: '#/components/responses/ApplicationState'}
        """
        return self.step(pk, ident.reassess, ReasonBody())

    @expose("/<int:pk>/cancel", methods=["POST"])
    @protect()
    @safe
    def cancel(self, pk):
        """Cancel {reason, recover_aid}.
        ---
        post:
          summary: Cancel the application, with the reason and whether paid aid is recovered
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/CancelBody'}}}}
          responses:
            200: {$ref: '#/components/responses/ApplicationState'}
        """
        return self.step(pk, ident.cancel, CancelBody(), "cancel_reason")

    @expose("/<int:pk>/reject", methods=["POST"])
    @protect()
    @safe
    def reject(self, pk):
        """Not approved {reason}.
        ---
        post:
          summary: Do not approve the application, with the reason
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/ReasonBody'}}}}
          responses:
            200: {$ref: '#/components/responses/ApplicationState'}
        """
        return self.step(pk, ident.reject, ReasonBody(), "tier_reason")

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    def approve(self, pk):
        """Approve after the public notice has ended and every objection is answered.
        ---
        post:
          summary: Approve the application after its public notice has ended and every objection is answered
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/EmptyBody'}}}}
          responses:
            200: {$ref: '#/components/responses/ApplicationState'}
        """
        return self.step(pk, ident.approve)

    @expose("/<int:pk>/archive", methods=["POST"])
    @protect()
    @safe
    def archive(self, pk):
        """Archive an approved or rejected application.
        ---
        post:
          summary: Archive an approved or rejected application
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/EmptyBody'}}}}
          responses:
            200: {$ref: '#/components/responses/ApplicationState'}
        """
        return self.step(pk, ident.archive)

    @expose("/<int:pk>/assessment", methods=["GET"])
    @protect()
    @safe
    def assessment(self, pk):
        """The stored result, tiers, decisions and home visits (never re-scored).
        ---
        get:
          summary: The stored score, tiers, decisions and home visits of an application (never re-scored)
          responses:
            200: {$ref: '#/components/responses/Assessment'}
            400: {$ref: '#/components/responses/400'}
        """
        try:
            app = ident.load(current_context(), pk)
        except ident.ApplicationNotFound as err:
            return self.response(404, message=str(err))
        return self.response(200, **full_assessment_json(app))
