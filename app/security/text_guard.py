"""Text no database can store (NUL, lone surrogates) refused at the door: a 4xx, never a 500 from PostgreSQL."""
from flask import current_app, jsonify, request
from flask_appbuilder import ModelView
from flask_babel import lazy_gettext as _l

from app.errors import FieldErrors
from app.messages import reason_message

BAD_FILTER = _l("A search or filter value contains a character that is not allowed.")


def unstorable(value) -> bool:
    """Whether a value (nested in lists and dicts too) holds a NUL or a lone surrogate: PostgreSQL refuses both."""
    if isinstance(value, str):
        return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(unstorable(k) or unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(unstorable(v) for v in value)
    return False


def _first_bad_field(pairs) -> str | None:
    """The first key whose value cannot be stored (None when all can)."""
    return next((str(key) for key, value in pairs if unstorable(key) or unstorable(value)), None)


def _checks_its_own_fields() -> bool:
    """A CRUD form (FAB's add/edit) shows such a field's error under it; leave it to its validators."""
    view = getattr(current_app.view_functions.get(request.endpoint), "__self__", None)
    return isinstance(view, ModelView) and request.endpoint.rsplit(".", 1)[-1] in ("add", "edit")


def refuse_unstorable_text(error):
    """before_request: a query value → 400; a JSON or form field → 422 naming the field."""
    if any(unstorable(v) for _k, v in request.args.items(multi=True)):
        return error(400, BAD_FILTER)
    if request.is_json:
        body = request.get_json(silent=True)
        field = _first_bad_field(body.items()) if isinstance(body, dict) else None
        if field is None and isinstance(body, list) and unstorable(body):
            field = "body"
    elif request.form and not _checks_its_own_fields():
        field = _first_bad_field(request.form.items(multi=True))
    else:
        field = None
    if field is None:
        return None
    refusal = FieldErrors({field: [reason_message("text.control")]})
    if request.path.startswith("/api/"):
        return jsonify(message=refusal.as_dict()), 422
    return error(422, str(refusal))


def init_app(app, error) -> None:
    """Register the check; `error(status, message)` renders a translated page or JSON answer."""
    app.before_request(lambda: refuse_unstorable_text(error))
