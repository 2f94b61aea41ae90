"""One-time form tokens: a form posted twice (a double click, a resend) is carried out once.

Each rendered form carries a fresh token in a hidden field; the page's runner stores it as a
request key (app/commands/idempotency.py) in the transaction of the step, so a second post of the
same form finds it taken and changes nothing.
"""
import secrets

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField

from app.clock import app_clock
from app.commands import idempotency

FIELD = "once_token"
ALREADY = _l("This form was already sent and carried out; nothing was done a second time.")


def new_token() -> str:
    """A fresh one-time token."""
    return secrets.token_urlsafe(18)


def once_field() -> Markup:
    """The hidden input of a fresh token, for one form (a template global)."""
    return Markup('<input type="hidden" name="%s" value="%s">') % (FIELD, new_token())


class OnceField(HiddenField):
    """A WTForms hidden field holding a fresh token each time its form is shown; never written
    to the record."""

    def __init__(self, **kwargs):
        super().__init__(default=new_token, **kwargs)

    def populate_obj(self, obj, name):
        """The token belongs to the request, not to the record."""


def claim_form(session) -> bool:
    """Take the posted form's token in the current transaction; False (rolled back) when it was taken
    before. A form without a token (or a malformed one) is carried out as before."""
    token = request.form.get(FIELD) or None
    if token is None or not getattr(current_user, "is_authenticated", False):
        return True
    try:
        key = idempotency.checked_key(token)
        idempotency.claim_alone(session, current_user.id, key, request.path, app_clock().now())
    except idempotency.BadRequestKey:
        return True
    except IntegrityError:
        session.rollback()
        return False
    return True


class OnceFormsMixin:
    """Mixed into a page's view: its templates may call `once_field()` in each form."""

    def create_blueprint(self, appbuilder, *args, **kwargs):
        """FAB's blueprint, with `once_field` and `refused` (app/views/framework/runner.py) registered
        as template globals."""
        from app.views.framework.runner import refused

        blueprint = super().create_blueprint(appbuilder, *args, **kwargs)
        blueprint.add_app_template_global(once_field, "once_field")
        blueprint.add_app_template_global(refused, "refused")
        return blueprint
