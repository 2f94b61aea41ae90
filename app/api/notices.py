"""REST for public notices (公示) and objections (异议): read scoped, create, publish, answer, approve.

A notice's entries carry only name, grade, class, tier and aid item (and their own row id, which an
objection names). Stamps are UTC; "today" is the context's China day, as in the views.
"""

from flask_appbuilder.api import expose, protect, safe

from app.api.answers import ENTRY_FIELDS, notice_json, objection_json
from app.api.command_api import CommandApi
from app.api.schemas import AnswerBody, EmptyBody, NoticeBody, ObjectionBody, ReviewDecisionBody, ReviewRequestBody
from app.api.spec import custom_post, documented
from app.commands import notice_approval, notices, objections, reviews
from app.commands.identification import REQUIRED
from app.context import Context
from app.errors import FieldErrors
from app.fab.interface import ZizhuInterface
from app.models import Objection, PublicNotice
from app.security.roles import PERMISSION_FOLD

NOTICE_LIST = ["id", "school.id", "school.name", "term.id", "title", "status", "starts_on", "ends_on"]
OBJECTION_LIST = ["id", "notice.id", "entry.id", "entry.name", "received_on", "raised_by", "due_on",
                  "outcome", "answered_on", "review_requested_on", "review_ruling", "review_decided_on"]


def _create_notice(ctx: Context, values: dict) -> PublicNotice:
    """A draft notice; a school user's own school when the body names none."""
    school_id = values.pop("school_id") or ctx.scope.school_id
    if school_id is None:
        raise FieldErrors({"school_id": [REQUIRED]})
    return notices.create_notice(ctx, school_id=school_id, **values)


def _record_objection(ctx: Context, values: dict):
    """An objection to the body's notice entry."""
    return objections.record_objection(ctx, values.pop("entry_id"), **values)


@documented
class PublicNoticeApi(CommandApi):
    """/api/v1/public_notice/: list and read notices in scope; create, publish, withdraw, approve."""

    datamodel = ZizhuInterface(PublicNotice)
    resource_name = "public_notice"
    openapi_spec_tag = "PublicNotice"
    openapi_spec_methods = {"post": custom_post("NoticeBody", "NoticeCreated", "Draft a notice of the school's "
                                             "decided applications of one term")}
    include_route_methods = {"get", "get_list", "post", "publish", "withdraw", "approve"}
    method_permission_name = {**PERMISSION_FOLD, **dict.fromkeys(("post", "publish", "withdraw", "approve"),
                                                                 "assess")}
    list_columns = NOTICE_LIST
    show_columns = NOTICE_LIST + ["working_days", "objection_days", "contact", "published_at", "withdrawn_at",
                                  *(f"entries.{key}" for key in ENTRY_FIELDS)]
    base_order = ("id", "desc")

    def post_headless(self):
        """POST {school_id?, term_id, starts_on, title?, contact?} → 201 {id, result}: a draft notice."""
        return self.run_command(NoticeBody(), _create_notice,
                                lambda notice: {"id": notice.id, "result": notice_json(notice)}, 201)

    @expose("/<int:pk>/publish", methods=["POST"])
    @protect()
    @safe
    def publish(self, pk):
        """Publish a draft: its applications go on the notice.
        ---
        post:
          summary: Publish a draft notice; its applications go on the notice
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/EmptyBody'}}}}
          responses:
            200: {$ref: '#/components/responses/Notice'}
        """
        return self.run_command(EmptyBody(), lambda ctx, v: notices.publish_notice(ctx, pk), notice_json)

    @expose("/<int:pk>/withdraw", methods=["POST"])
    @protect()
    @safe
    def withdraw(self, pk):
        """Take a published notice down.
        ---
        post:
          summary: Take a published notice down before its end
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/EmptyBody'}}}}
          responses:
            200: {$ref: '#/components/responses/Notice'}
        """
        return self.run_command(EmptyBody(), lambda ctx, v: notices.withdraw_notice(ctx, pk), notice_json)

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    def approve(self, pk):
        """Approve every application of an ended notice (refused while an objection is open) → {approved}.
        ---
        post:
          summary: Approve every application of an ended notice (refused while an objection is open)
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/EmptyBody'}}}}
          responses:
            200: {$ref: '#/components/responses/NoticeApproved'}
        """
        return self.run_command(EmptyBody(), lambda ctx, v: notice_approval.approve_notice(ctx, pk),
                                lambda count: {"id": pk, "approved": count})


@documented
class ObjectionApi(CommandApi):
    """/api/v1/objection/: list and read objections in scope; record one; answer it; after a dismissal,
    record the family's request for a district review (复核) and the district's decision."""

    datamodel = ZizhuInterface(Objection)
    resource_name = "objection"
    openapi_spec_tag = "Objection"
    openapi_spec_methods = {"post": custom_post("ObjectionBody", "ObjectionRecorded",
                                             "Record an objection to one line of a published notice")}
    include_route_methods = {"get", "get_list", "post", "answer", "request_review", "decide_review"}
    method_permission_name = {**PERMISSION_FOLD, "answer": "assess", "request_review": "write",
                              "decide_review": "review"}
    list_columns = OBJECTION_LIST
    show_columns = OBJECTION_LIST + ["application.id", "content", "answer", "review_requested_by",
                                     "review_request", "review_answer"]
    base_order = ("id", "desc")

    def post_headless(self):
        """POST {entry_id, received_on, content, raised_by?} → 201 {id, result}: record an objection."""
        return self.run_command(ObjectionBody(), _record_objection,
                                lambda objection: {"id": objection.id, "result": objection_json(objection)}, 201)

    @expose("/<int:pk>/answer", methods=["POST"])
    @protect()
    @safe
    def answer(self, pk):
        """Answer {answer, outcome: dismissed|upheld, answered_on}; an answer is never changed.
        ---
        post:
          summary: Answer an objection once (dismissed or upheld); an answer is never changed
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/AnswerBody'}}}}
          responses:
            200: {$ref: '#/components/responses/Objection'}
        """
        return self.run_command(AnswerBody(), lambda ctx, v: objections.answer_objection(ctx, pk, **v),
                                objection_json)

    @expose("/<int:pk>/review_request", methods=["POST"])
    @protect()
    @safe
    def request_review(self, pk):
        """The family asks the district to review a dismissed objection {requested_on, content, requested_by?}.
        ---
        post:
          summary: Record the family's request for a district review (复核) of a dismissed objection, once
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/ReviewRequestBody'}}}}
          responses:
            200: {$ref: '#/components/responses/Objection'}
        """
        return self.run_command(ReviewRequestBody(), lambda ctx, v: reviews.request_review(ctx, pk, **v),
                                objection_json)

    @expose("/<int:pk>/review_decision", methods=["POST"])
    @protect()
    @safe
    def decide_review(self, pk):
        """The district decides a review {ruling: upheld|changed, answer, decided_on}; never changed.
        ---
        post:
          summary: The district's decision on a review (upheld or changed), once; changed takes the pupil off
            the notice
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/ReviewDecisionBody'}}}}
          responses:
            200: {$ref: '#/components/responses/Objection'}
        """
        return self.run_command(ReviewDecisionBody(), lambda ctx, v: reviews.decide_review(ctx, pk, **v),
                                objection_json)
