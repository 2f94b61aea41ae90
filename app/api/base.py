"""The shared ModelRestApi: same permissions and rules as the matching ModelView."""
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.api.convert import Model2SchemaConverter
from marshmallow import fields

from app.commands.errors import FieldErrors
from app.commands.rules import validate_item
from app.security.roles import PERMISSION_FOLD
from app.views.interface import ZizhuInterface


class SchemaConverter(Model2SchemaConverter):
    """FAB's converter; enums with a default are optional, money is never rounded silently."""

    def _column2field(self, datamodel, column, nested=True, parent_schema_name=None):
        field = super()._column2field(datamodel, column, nested, parent_schema_name)
        if isinstance(field, fields.Decimal):
            field.places = None  # an amount with 3 places is refused by the money rule
            field.as_string = True
        return field

    def _column2enum(self, datamodel, column):
        field = super()._column2enum(datamodel, column)
        if datamodel.list_columns[column.name].default is not None:
            field.required = False
        return field


class ZizhuApi(ModelRestApi):
    """Base for every resource; the permission name is the model's, shared with its ModelView."""

    page_size = 20
    method_permission_name = PERMISSION_FOLD
    max_page_size = 100
    allow_browser_login = True
    model2schemaconverter = SchemaConverter

    def __init__(self):
        if not type(self).__dict__.get("class_permission_name"):
            self.class_permission_name = self.datamodel.obj.__name__
        super().__init__()

    def pre_add(self, item):
        """Normalise and check the record (ID numbers, 学籍号, money, duplicates)."""
        validate_item(self.datamodel.session, item)

    def pre_update(self, item):
        """Same rules on update."""
        validate_item(self.datamodel.session, item)

    def post_headless(self):
        """POST, answering refused fields with 422 {message: {field: [reason]}}."""
        try:
            return super().post_headless()
        except FieldErrors as err:
            self.datamodel.session.rollback()
            return self.response_422(message=err.as_dict())

    def put_headless(self, pk):
        """PUT, answering refused fields with 422 and leaving the row untouched."""
        try:
            return super().put_headless(pk)
        except FieldErrors as err:
            self.datamodel.session.rollback()
            return self.response_422(message=err.as_dict())


def api_for(model, resource: str, list_columns: list[str], **attrs) -> type[ZizhuApi]:
    """Build the ModelRestApi class of one resource (`/api/v1/<resource>/`)."""
    name = f"{model.__name__}Api"
    body = {
        "__doc__": f"REST resource /api/v1/{resource}/ for {model.__name__}.",
        "datamodel": ZizhuInterface(model),
        "resource_name": resource,
        "list_columns": list_columns,
        "openapi_spec_tag": model.__name__,
        **attrs,
    }
    return type(name, (ZizhuApi,), body)
