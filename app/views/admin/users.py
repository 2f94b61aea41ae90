"""Users of the district: district officers create, change and disable them (never delete)."""
from datetime import UTC

from flask import current_app
from flask_appbuilder.fields import QuerySelectField, QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget, Select2Widget
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from werkzeug.security import generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Regexp

from app.commands.users import Manager, grantable_roles, manager_of, save_user, visible_users
from app.errors import FieldErrors
from app.fab.interface import ZizhuInterface
from app.formatting import format_date
from app.models import School, User, UserScope
from app.runner import run
from app.security.names import role_labels
from app.security.passwords import check_password_policy
from app.security.request_context import current_context
from app.security.roles import ROLE_LABELS
from app.security.scope import limit
from app.views.framework.base import ZizhuModelView


def _pk(row) -> int:
    return row.id


def _role_label(role) -> str:
    return str(ROLE_LABELS.get(role.name, role.name))


def current_manager() -> Manager:
    """The signed-in user (page session or JWT) as a user manager."""
    return manager_of(current_context())


class ManageableUsersFilter(BaseFilter):
    """Limits every query of the view (list, show, edit, actions) to the users one may manage."""

    name = "manageable"
    arg_name = "manageable"

    def apply(self, query, value):
        """Add the user rule's criterion (none for read-only roles)."""
        where = visible_users(current_manager())
        return query if where is None else query.filter(where)


def _roles_field():
    """Role picker listing only the roles the signed-in manager may hand out, in Chinese."""
    def roles():
        sm = current_app.appbuilder.sm
        names = grantable_roles(current_manager())
        return sm.session.query(sm.role_model).filter(sm.role_model.name.in_(names))
    return QuerySelectMultipleField(_l("Roles"), query_func=roles, get_label=_role_label, get_pk_func=_pk,
                                    widget=Select2ManyWidget(), validators=[DataRequired()])


class DistrictUserModelView(ZizhuModelView):
    """Accounts of the district's staff, with the school (and classes) each works for."""

    datamodel = ZizhuInterface(User)
    class_permission_name = "UserScope"
    list_title = _l("Users")
    show_title = _l("User")
    add_title = _l("Add user")
    edit_title = _l("Edit user")
    label_columns = {"username": _l("Username"), "first_name": _l("Given name"),
                     "last_name": _l("Family name"), "email": _l("Email"), "active": _l("Active"),
                     "roles": _l("Roles"), "last_login": _l("Last login"), "password": _l("Password"),
                     "school": _l("School"), "class_names": _l("Classes")}
    list_columns = ["username", "last_name", "first_name", "roles", "active", "last_login"]
    show_columns = ["username", "last_name", "first_name", "email", "roles", "active", "last_login"]
    search_columns = ["username", "last_name", "first_name", "active"]
    add_columns = ["username", "last_name", "first_name", "email", "roles", "school", "class_names", "password"]
    edit_columns = ["last_name", "first_name", "email", "roles", "school", "class_names", "active"]
    exclude_route_methods = {"delete", "download", "action", "action_post", "reveal"}
    description_columns = {
        "class_names": _l("Class teachers only, e.g. 3年级1班, 4年级2班; empty for the whole school."),
        "password": _l("At least 10 characters; not a common password and not the username."),
        "active": _l("Untick to disable the account; it is kept for the audit trail."),
    }
    base_order = ("username", "asc")
    base_filters = [["id", ManageableUsersFilter, None]]

    def _init_properties(self):
        """The extra fields: school lookup, classes, password, translated roles."""
        self.add_form_extra_fields = self._extra_fields(with_password=True)
        self.edit_form_extra_fields = self._extra_fields(with_password=False)
        super()._init_properties()
        self.formatters_columns["roles"] = role_labels
        # FAB keeps last_login as the server's naive local time: shown, like every moment, in China time
        self.formatters_columns["last_login"] = lambda value: format_date(value and value.astimezone(UTC))

    def _extra_fields(self, with_password: bool) -> dict:
        fields = {
            "roles": _roles_field(),
            "school": QuerySelectField(
                _l("School"), query_func=lambda: limit(self.datamodel.session.query(School), School)
                .order_by(School.code), get_label=str, get_pk_func=_pk, allow_blank=True,
                widget=Select2Widget()),
            "class_names": StringField(_l("Classes")),
            # intranet addresses (…@school.local) are fine: only the shape is checked
            "email": StringField(_l("Email"), validators=[
                DataRequired(), Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("Not a valid email address."))]),
        }
        if with_password:
            fields["password"] = PasswordField(_l("Password"), validators=[DataRequired()])
        return fields

    def prefill_form(self, form, pk):
        """Show the user's school and classes from their scope row."""
        row = self.datamodel.session.query(UserScope).filter_by(user_id=int(pk)).one_or_none()
        if row is not None:
            form.school.data = row.school
            form.class_names.data = row.class_names

    def pre_add(self, item):
        """Password policy and hashing, then the account with its roles and scope row saved by the runner in
        one transaction (FAB's own save after it finds nothing left to write)."""
        problems = check_password_policy(item.password or "", item.username)
        if problems:
            raise FieldErrors({"password": problems})
        item.password = generate_password_hash(
            item.password, method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"))
        item.active = True
        super().pre_add(item)
        run(current_context(), save_user, item)  # a refusal rolls back; FAB shows the form again

    def pre_update(self, item):
        """Roles and scope row; disabling is `active` unticked (accounts are never deleted)."""
        super().pre_update(item)
        run(current_context(), save_user, item)  # a refusal rolls back; FAB shows the form again
