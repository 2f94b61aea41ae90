"""REST for public notices (公示) and objections (异议): read scoped, create, publish, answer, approve.

A notice's entries carry only name, grade, class, tier and aid item (and their own row id, which an
objection names). Stamps are UTC; "today" is the day in the schools' time zone, as in the views.
"""

from flask_appbuilder.api import expose, protect, safe
from marshmallow import Schema, fields

from app.api.command_api import CommandApi, day_text
from app.commands import notice_approval, notices, objections
from app.commands.errors import FieldErrors
from app.commands.identification import REQUIRED
from app.models import NoticeEntry, Objection, ObjectionOutcome, PublicNotice
from app.models.base import utcnow
from app.security.roles import PERMISSION_FOLD
from app.views.interface import ZizhuInterface
from app.workbench.context import local_today as today  # tests move this clock

ENTRY_FIELDS = ("id", "name", "grade", "class_name", "tier_name", "aid_item")
NOTICE_LIST = ["id", "school.id", "school.name", "term.id", "title", "status", "starts_on", "ends_on"]
OBJECTION_LIST = ["id", "notice.id", "entry.id", "entry.name", "received_on", "raised_by", "due_on",
                  "outcome", "answered_on"]

NoticeSchema = Schema.from_dict({
    "school_id": fields.Integer(strict=True, load_default=None), "term_id": fields.Integer(strict=True, required=True),
    "starts_on": fields.Date(load_default=None), "title": fields.String(load_default=None, allow_none=True),
    "contact": fields.String(load_default=None, allow_none=True)}, name="NoticeSchema")
ObjectionSchema = Schema.from_dict({
    "entry_id": fields.Integer(strict=True, required=True), "received_on": fields.Date(load_default=None),
    "content": fields.String(load_default=""), "raised_by": fields.String(load_default=None, allow_none=True)},
    name="ObjectionSchema")
AnswerSchema = Schema.from_dict({
    "answer": fields.String(load_default=""), "answered_on": fields.Date(load_default=None),
    "outcome": fields.Enum(ObjectionOutcome, by_value=True, load_default=None)}, name="AnswerSchema")


def entry_json(entry: NoticeEntry) -> dict:
    """What the public sees of one line of a notice."""
    return {key: getattr(entry, key) for key in ENTRY_FIELDS}


def notice_json(notice: PublicNotice) -> dict:
    """A notice with its period and entries."""
    return {"id": notice.id, "status": notice.status.value, "school_id": notice.school_id,
            "term_id": notice.term_id, "title": notice.title, "starts_on": day_text(notice.starts_on),
            "ends_on": day_text(notice.ends_on), "working_days": notice.working_days,
            "objection_days": notice.objection_days, "contact": notice.contact,
            "published_at": day_text(notice.published_at), "withdrawn_at": day_text(notice.withdrawn_at),
            "entries": [entry_json(e) for e in notice.entries]}


def objection_json(objection: Objection) -> dict:
    """An objection, its due date and the school's answer."""
    return {"id": objection.id, "notice_id": objection.notice_id, "entry_id": objection.entry_id,
            "application_id": objection.application_id, "received_on": day_text(objection.received_on),
            "raised_by": objection.raised_by, "content": objection.content, "due_on": day_text(objection.due_on),
            "answer": objection.answer, "outcome": objection.outcome.value if objection.outcome else None,
            "answered_on": day_text(objection.answered_on)}


def _create_notice(session, scope, values: dict) -> PublicNotice:
    """A draft notice; a school user's own school when the body names none."""
    school_id = values.pop("school_id") or scope.school_id
    if school_id is None:
        raise FieldErrors({"school_id": [REQUIRED]})
    return notices.create_notice(session, scope, school_id=school_id, **values)


class PublicNoticeApi(CommandApi):
    """/api/v1/public_notice/: list and read notices in scope; create, publish, withdraw, approve."""

    datamodel = ZizhuInterface(PublicNotice)
    resource_name = "public_notice"
    openapi_spec_tag = "PublicNotice"
    include_route_methods = {"get", "get_list", "post", "publish", "withdraw", "approve"}
    method_permission_name = {**PERMISSION_FOLD, **dict.fromkeys(("post", "publish", "withdraw", "approve"),
                                                                 "assess")}
    list_columns = NOTICE_LIST
    show_columns = NOTICE_LIST + ["working_days", "objection_days", "contact", "published_at", "withdrawn_at",
                                  *(f"entries.{key}" for key in ENTRY_FIELDS)]
    base_order = ("id", "desc")
    not_found = (notices.NoticeNotFound,)

    def post_headless(self):
        """POST {school_id?, term_id, starts_on, title?, contact?} → 201 {id, result}: a draft notice."""
        return self.run_command(NoticeSchema(), _create_notice,
                                lambda notice: {"id": notice.id, "result": notice_json(notice)}, 201)

    @expose("/<int:pk>/publish", methods=["POST"])
    @protect()
    @safe
    def publish(self, pk):
        """Publish a draft: its applications go on the notice."""
        return self.run_command(None, lambda s, scope, v: notices.publish_notice(s, pk, scope, now=utcnow()),
                                notice_json)

    @expose("/<int:pk>/withdraw", methods=["POST"])
    @protect()
    @safe
    def withdraw(self, pk):
        """Take a published notice down."""
        return self.run_command(None, lambda s, scope, v: notices.withdraw_notice(s, pk, scope, now=utcnow()),
                                notice_json)

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    def approve(self, pk):
        """Approve every application of an ended notice (refused while an objection is open) → {approved}."""
        return self.run_command(
            None, lambda s, scope, v: notice_approval.approve_notice(s, pk, scope, today=today(), now=utcnow()),
            lambda count: {"id": pk, "approved": count})


class ObjectionApi(CommandApi):
    """/api/v1/objection/: list and read objections in scope; record one; answer it."""

    datamodel = ZizhuInterface(Objection)
    resource_name = "objection"
    openapi_spec_tag = "Objection"
    include_route_methods = {"get", "get_list", "post", "answer"}
    method_permission_name = {**PERMISSION_FOLD, "answer": "assess"}
    list_columns = OBJECTION_LIST
    show_columns = OBJECTION_LIST + ["application.id", "content", "answer"]
    base_order = ("id", "desc")
    not_found = (objections.ObjectionNotFound,)

    def post_headless(self):
        """POST {entry_id, received_on, content, raised_by?} → 201 {id, result}: record an objection."""
        def command(s, scope, v):
            return objections.record_objection(s, v.pop("entry_id"), scope, **v)

        return self.run_command(ObjectionSchema(), command,
                                lambda objection: {"id": objection.id, "result": objection_json(objection)}, 201)

    @expose("/<int:pk>/answer", methods=["POST"])
    @protect()
    @safe
    def answer(self, pk):
        """Answer {answer, outcome: dismissed|upheld, answered_on}; an answer is never changed."""
        return self.run_command(AnswerSchema(),
                                lambda s, scope, v: objections.answer_objection(s, pk, scope, **v), objection_json)
