"""FAB's security pages with readable names: roles, groups, permissions and views shown and picked by their
labels in the request's language (app/security/names.py), never by FAB's identifiers."""
from flask import current_app
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.security.views import (
    PermissionModelView,
    PermissionViewModelView,
    RoleModelView,
    UserDBModelView,
    UserGroupModelView,
    ViewMenuModelView,
)
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.formatting import format_bool
from app.security.names import permission_label, permission_view_label, role_label, role_labels, view_label


def group_labels(groups) -> str:
    """Groups by their label (else their name), joined with the language's list separator."""
    return gettext("、").join(group.label or group.name for group in groups or ())


def permission_view_labels(permission_views) -> str:
    """A role's permissions, sorted by their readable names."""
    return gettext("、").join(sorted(permission_view_label(pv) for pv in permission_views or ()))


def _picker(label, model: str, get_label, validators=()):
    """A multiple select of every row of one of the security manager's models, by readable name."""
    def rows():
        sm = current_app.appbuilder.sm
        return sorted(sm.session.query(getattr(sm, model)).all(), key=get_label)
    return QuerySelectMultipleField(label, query_func=rows, get_label=get_label, get_pk_func=lambda row: row.id,
                                    widget=Select2ManyWidget(), validators=list(validators))


class NamedPickers:
    """A view whose add and edit forms pick related security rows by their readable names."""

    pickers: dict = {}  # column → (label, security manager model attribute, get_label)

    def _init_properties(self):
        """The pickers, with the column's own validators (FAB's 'roles or groups required'); the search
        form's filters pick by name too."""
        fields = {column: _picker(label, model, get_label, (self.validators_columns or {}).get(column, ()))
                  for column, (label, model, get_label) in self.pickers.items()}
        self.add_form_extra_fields = {**(self.add_form_extra_fields or {}), **fields}
        self.edit_form_extra_fields = {**(self.edit_form_extra_fields or {}), **fields}
        self.search_form_extra_fields = {**(self.search_form_extra_fields or {}),
                                         **{column: _picker(label, model, get_label)
                                            for column, (label, model, get_label) in self.pickers.items()}}
        super()._init_properties()


class ZizhuUserDBModelView(NamedPickers, UserDBModelView):
    """FAB's user view with yes/no instead of True/False, and roles by name (the profile page too)."""

    class_permission_name = "UserDBModelView"  # FAB's permission names stay as they are
    formatters_columns = {"active": lambda value: format_bool(value), "roles": role_labels, "groups": group_labels}
    pickers = {"roles": (_l("Role"), "role_model", role_label),
               "groups": (_l("Groups"), "group_model", lambda group: group.label or group.name)}


class ZizhuRoleModelView(NamedPickers, RoleModelView):
    """FAB's roles, shown by label with their permissions as 学生: 查看 …; the role's own name stays editable."""

    class_permission_name = "RoleModelView"
    list_widget = ListWidget  # FAB's role widgets print names and permissions raw, without formatters
    show_widget = ShowWidget
    formatters_columns = {"name": role_label, "permissions": permission_view_labels}
    pickers = {"permissions": (_l("Permissions"), "permissionview_model", permission_view_label)}


class ZizhuUserGroupModelView(NamedPickers, UserGroupModelView):
    """FAB's user groups, with translated columns and roles by label."""

    class_permission_name = "UserGroupModelView"
    label_columns = {"name": _l("Name"), "label": _l("Display name"), "description": _l("Description"),
                     "users": _l("Members of the group"), "roles": _l("Roles")}
    formatters_columns = {"roles": role_labels}
    pickers = {"roles": (_l("Roles"), "role_model", role_label)}


class ZizhuPermissionModelView(PermissionModelView):
    """FAB's base permissions by their readable names."""

    class_permission_name = "PermissionModelView"
    formatters_columns = {"name": permission_label}


class ZizhuViewMenuModelView(ViewMenuModelView):
    """FAB's views and menus by their readable names."""

    class_permission_name = "ViewMenuModelView"
    formatters_columns = {"name": view_label}


class ZizhuPermissionViewModelView(PermissionViewModelView):
    """FAB's permissions on views, both by their readable names."""

    class_permission_name = "PermissionViewModelView"
    formatters_columns = {"permission": permission_label, "view_menu": view_label}
