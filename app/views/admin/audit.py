"""The audit trail viewer (审计日志): list, filter and show events; nothing can be changed."""
from dateutil import parser
from flask_appbuilder.fieldwidgets import DateTimePickerWidget, Select2Widget
from flask_appbuilder.models.sqla.filters import FilterGreater, FilterSmaller
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import false
from wtforms import DateTimeLocalField, SelectField

from app.clock import LOCAL_ZONE, aware
from app.fab.filters import SafeFilterConverter
from app.fab.interface import ZizhuInterface
from app.formatting import format_bool, format_date
from app.labels import COLUMN_LABELS
from app.models import AuditEvent
from app.security.audit import ACTION_LABELS
from app.views.admin.audit_summary import format_summary
from app.views.framework.base import ZizhuModelView

# audited tables (entity) -> label
ENTITY_LABELS = {
    "student": _l("Pupil"),
    "household": _l("Household"),
    "household_member": _l("Household member"),
    "application": _l("Application"),
    "special_group": _l("Special group"),
    "tier": _l("Tier"),
    "aid_item": _l("Aid item"),
    "aid_standard": _l("Aid standard"),
    "fund_account": _l("Fund account"),
    "district": _l("District"),
    "school": _l("School"),
    "school_year": _l("School year"),
    "term": _l("Term"),
    "user_scope": _l("User scope"),
    "ab_user": _l("User"),
    "ab_role": _l("Role"),
    "job": _l("Background job"),
    "assessment_standard": _l("Identification standard"),
    "public_notice": _l("Public notice"),
    "objection": _l("Objection"),
    "home_visit": _l("Home visit"),
    "review_decision": _l("Review decision"),
    "notice_entry": _l("Notice entry"),
    "allocation": _l("Allocation"),
    "quota": _l("Quota"),
    "ledger_entry": _l("Ledger entry"),
    "disbursement_batch": _l("Disbursement batch"),
    "disbursement_line": _l("Payment line"),
    "entitlement": _l("Entitlement"),
    "bank_file_layout": _l("Bank file layout"),
    "bank_file": _l("Bank file"),
    "bank_return": _l("Bank answer file"),
    "distribution": _l("Distribution in kind"),
    "distribution_line": _l("Pupil of a distribution"),
    "canteen_meal_record": _l("Canteen meal record"),
    "audit_event": _l("Audit event"),  # the audit trail's own export
    "statistical_report": _l("Statistical report"),  # a report downloaded or printed (app/reports/statistics.py)
}

LABELS = {
    "occurred_at": _l("Occurred at"),
    "username": _l("Done by"),
    "ip": _l("Source IP"),
    "action": _l("Action"),
    "entity": _l("Record type"),
    "entity_id": _l("Record ID"),
    "school_id": _l("School ID"),
    "summary": _l("Summary"),
    "row_count": _l("Rows"),
    "request_id": _l("Request ID"),
    "changes": _l("Changes"),
}


def format_action(code) -> str:
    """Translated label of an action code; unknown codes as they are."""
    return str(ACTION_LABELS.get(code, code or ""))


def format_entity(table) -> str:
    """Translated label of an audited table; unknown tables by name."""
    return str(ENTITY_LABELS.get(table, table or ""))


def format_username(name) -> str:
    """The username, or 'system' for work done outside a signed-in request."""
    return name or gettext("(system)")


def _value(value) -> str:
    """One stored value for display: lists joined, booleans as 是/否, None as nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return format_bool(value)
    if isinstance(value, list):
        return gettext("、").join(str(v) for v in value)
    return str(value)


def format_changes(rows) -> Markup:
    """(field, old, new) rows as a small table; every value is escaped."""
    if not rows:
        return Markup("")
    body = Markup("").join(
        Markup("<tr><th>{}</th><td>{}</td><td>{}</td></tr>").format(
            COLUMN_LABELS.get(field, LABELS.get(field, field)), _value(old), _value(new)
        )
        for field, old, new in rows
    )
    head = Markup("<tr><th>{}</th><th>{}</th><th>{}</th></tr>").format(
        gettext("Field"), gettext("Old value"), gettext("New value")
    )
    return Markup('<table class="table table-condensed audit-changes">{}{}</table>').format(head, body)


def _choices(labels: dict) -> list[tuple[str, str]]:
    """Select choices from a code → label map, labels in the user's language."""
    return [(code, str(label)) for code, label in labels.items()]


class LocalTimeMixin:
    """A time typed in China local time (unless it names its zone) compared with the stored moment."""

    def apply(self, query, value):
        """Parse, convert to UTC, filter; a value that is no time matches nothing."""
        try:
            typed = parser.parse(value)
            moment = aware(typed.replace(tzinfo=typed.tzinfo or LOCAL_ZONE))
        except (ValueError, OverflowError, TypeError):
            return query.filter(false())
        return super().apply(query, moment)


class LocalAfter(LocalTimeMixin, FilterGreater):
    """occurred_at after a local time."""


class LocalBefore(LocalTimeMixin, FilterSmaller):
    """occurred_at before a local time."""


class AuditFilterConverter(SafeFilterConverter):
    """Our safe filters; times are 'after' and 'before' a local time."""

    conversion_table = (("is_datetime", [LocalAfter, LocalBefore]),) + SafeFilterConverter.conversion_table


class AuditInterface(ZizhuInterface):
    """The interface of audit events, with local-time filters."""

    filter_converter_class = AuditFilterConverter


class AuditEventModelView(ZizhuModelView):
    """Read-only list and detail of audit events, newest first; no add, edit, delete or action."""

    datamodel = AuditInterface(AuditEvent)
    include_route_methods = {"list", "show", "export"}  # an auditor exports the trail as filtered
    base_permissions = ["can_read"]
    list_title = _l("Audit trail")
    show_title = _l("Audit event")
    label_columns = LABELS
    list_columns = ["occurred_at", "username", "action", "entity", "entity_id", "summary", "ip"]
    show_columns = [
        "occurred_at", "username", "ip", "action", "entity", "entity_id", "school_id", "summary",
        "row_count", "changes", "request_id",
    ]
    search_columns = ["action", "username", "entity", "entity_id", "occurred_at", "school_id"]
    order_columns = ["occurred_at", "username", "action", "entity"]
    base_order = ("id", "desc")
    formatters_columns = {
        "occurred_at": format_date,
        "username": format_username,
        "action": format_action,
        "entity": format_entity,
        "summary": format_summary,
        "changes": format_changes,
    }

    def _init_properties(self):
        """Actions and record types are chosen from their translated labels in the filters."""
        super()._init_properties()
        self.search_form_extra_fields["action"] = SelectField(
            LABELS["action"], choices=lambda: _choices(ACTION_LABELS), widget=Select2Widget()
        )
        self.search_form_extra_fields["occurred_at"] = DateTimeLocalField(
            LABELS["occurred_at"], format=["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
            widget=DateTimePickerWidget(),
        )
        self.search_form_extra_fields["entity"] = SelectField(
            LABELS["entity"], choices=lambda: _choices(ENTITY_LABELS), widget=Select2Widget()
        )
