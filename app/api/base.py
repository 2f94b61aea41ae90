"""The shared ModelRestApi: same permissions and rules as the matching ModelView."""
import json

from flask_appbuilder.api import ModelRestApi, expose, protect, safe
from flask_appbuilder.api.convert import Model2SchemaConverter
from flask_babel import LazyString, gettext
from marshmallow import Schema, ValidationError, fields

from app.api import query_args, writes
from app.api.answers import field_messages
from app.api.fields import IdList, IdRelated, ScopedNested, UtcDateTime
from app.api.idempotent import IdempotentRequests, KeyTaken
from app.api.schemas import RevealBody
from app.api.spec import documented
from app.commands import idempotency
from app.commands.reveal import reveal_value
from app.commands.rules import check_editable, validate_item
from app.errors import DomainError, NotFound
from app.fab.interface import SensitiveOrderRefused, ZizhuInterface, is_sensitive_order
from app.fab.request_state import PerRequestFilters
from app.labels import COLUMN_DESCRIPTIONS, COLUMN_LABELS, MODEL_LABELS
from app.runner import NOT_FOUND, REFUSED, answer, run
from app.security.request_context import current_context
from app.security.roles import PERMISSION_FOLD
from app.security.scope import current_scope
from app.security.scope_filter import SCOPE_BASE_FILTER
from app.services.masking import is_sensitive_column, mask_column


def answered_as_documented(field, column: str = "", answer: bool = False):
    """Money as a string with its places kept ("67.50", and so in the spec); stamps with their UTC offset;
    in answers, a masked date (`answer`) as the text it is shown as (the year only)."""
    if answer and is_sensitive_column(column) and isinstance(field, fields.Date):
        return fields.String(dump_only=True, allow_none=True)
    if isinstance(field, fields.Decimal):
        field.places = None  # an amount with 3 places is refused by the money rule
        field.as_string = True
        field.metadata = {**field.metadata, "type": "string", "format": "decimal"}
    if type(field) is fields.DateTime:
        field = UtcDateTime.like(field)
    return field


class SchemaConverter(Model2SchemaConverter):
    """FAB's converter; relations by id only (in scope), nested answers scoped, money never rounded."""

    def _column2field(self, datamodel, column, nested=True, parent_schema_name=None):
        if column.name == writes.row_version_key(datamodel.obj):
            return fields.Integer(dump_only=True)  # the row's version: answered, checked, never written
        field = super()._column2field(datamodel, column, nested, parent_schema_name)
        if isinstance(field, fields.Integer):
            field.strict = True  # 1.5 is not a grade, "3" is not a number
        return answered_as_documented(field, column.name, answer=nested)

    def _column2relation(self, datamodel, column, nested=False, parent_schema_name=None):
        """Written relations take ids (a list of ids for to-many); read relations list rows in scope."""
        model = datamodel.get_related_model(column.name)
        many = datamodel.is_relation_many_to_many(column.name) or datamodel.is_relation_one_to_many(column.name)
        if nested:
            field = super()._column2relation(datamodel, column, nested, parent_schema_name)
            # a to-one row outside the reader's scope is answered as null
            scoped = ScopedNested(field.nested, model, many=many, required=field.required, allow_none=not many)
            if isinstance(field.nested, Schema):  # FAB builds it from the related model, past this converter
                for name, inner in list(field.nested.declared_fields.items()):
                    field.nested.declared_fields[name] = answered_as_documented(inner, name, answer=True)
                field.nested._init_fields()
            scoped.unique = field.unique
            return scoped
        required = not many and not datamodel.is_nullable(column.name)
        field = IdRelated(model, required=required, allow_none=not required)
        if many:
            field = IdList(IdRelated(model), model, required=False)
        field.unique = False
        return field

    def _column2enum(self, datamodel, column):
        field = super()._column2enum(datamodel, column)
        if datamodel.list_columns[column.name].default is not None:
            field.required = False
        if datamodel.is_nullable(column.name):  # an enum left empty (a household's no_parent_reason)
            field.allow_none = True
        return field


@documented
class ZizhuApi(PerRequestFilters, IdempotentRequests, ModelRestApi):
    """Base for every resource; the permission name is the model's, shared with its ModelView."""

    page_size = 20
    method_permission_name = PERMISSION_FOLD
    max_page_size = 100
    allow_browser_login = False  # JWT only: the APIs are CSRF-exempt, a cookie must not do (issue 3)
    model2schemaconverter = SchemaConverter

    def __init__(self):
        if not type(self).__dict__.get("class_permission_name"):
            self.class_permission_name = self.datamodel.obj.__name__
        self.base_filters = [SCOPE_BASE_FILTER] + list(type(self).base_filters or [])
        columns = self.datamodel.get_user_columns_list()
        for kind in ("add_columns", "edit_columns"):  # the server's stamps are never written by a body
            chosen = getattr(type(self), kind, None) or columns
            setattr(self, kind, [c for c in chosen if c not in writes.SERVER_COLUMNS])
        self._use_app_labels()
        super().__init__()
        self.order_columns = [c for c in self.order_columns if not is_sensitive_order(c)]

    def _use_app_labels(self) -> None:
        """`_info` and the list's labels, descriptions and titles are the pages' own (app/labels.py), in the
        request's language; a resource's own labels and descriptions come first."""
        cls, model = type(self), self.datamodel.obj.__name__
        dotted = [c for c in (cls.list_columns or []) + (cls.show_columns or []) if "." in c]
        self.label_columns = {**COLUMN_LABELS, **{c: _related_label(c) for c in dotted}, **(cls.label_columns or {})}
        own_columns = set(self.datamodel.get_columns_list())
        self.description_columns = {**{k: v for k, v in COLUMN_DESCRIPTIONS.items() if k in own_columns},
                                    **(cls.description_columns or {})}
        record = MODEL_LABELS.get(model)
        if record is not None:
            titles = {"list_title": record, "show_title": record,
                      "add_title": LazyString(lambda: gettext("Add %(record)s", record=record)),
                      "edit_title": LazyString(lambda: gettext("Edit %(record)s", record=record))}
            for name, title in titles.items():
                setattr(self, name, getattr(cls, name, None) or title)

    def response(self, code, **kwargs):
        """Every JSON answer; a 422 names its refused fields as {field: [message, …]}; a 400 is in words."""
        if code == 422 and isinstance(kwargs.get("message"), dict):
            kwargs["message"] = field_messages(kwargs["message"])
        if code == 400:
            kwargs["message"] = query_args.translated_400(kwargs.get("message"))
        return super().response(code, **kwargs)

    def refused(self, err: DomainError, aliases: dict | None = None):
        """A refused use case's answer: 422 {field: [message]}, 404, else 409 {message} (on the
        API a repeat is a conflict too)."""
        refusal = answer(err, aliases)
        if refusal.fields is not None:
            return self.response_422(message=refusal.fields)
        return self.response(NOT_FOUND if refusal.status == NOT_FOUND else REFUSED, message=refusal.message)

    def _handle_page_args(self, rison_args):
        """A page size outside 1…max_page_size, or a page before the first or past any list, is refused (400)."""
        query_args.check_paging(rison_args, self.page_size, self.max_page_size)
        return super()._handle_page_args(rison_args)

    def pre_add(self, item):
        """Scope fields set by the server, then the record's rules (ID numbers, money, duplicates)."""
        validate_item(self.datamodel.session, item, scope=current_scope())

    def pre_update(self, item):
        """Same on update: a record cannot leave the user's scope."""
        validate_item(self.datamodel.session, item, scope=current_scope())

    def delete_headless(self, pk):
        """DELETE: 422 when the row may no longer change (a submitted application), 409 while other
        records still use it."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        try:
            writes.run_write(current_context(), self._remove, item, conflict=writes.IN_USE)
        except writes.Refused as refused:
            return self.response(refused.status, message=refused.message)
        self.post_delete(item)
        return self.response(200, message="OK")

    def _remove(self, ctx, item) -> None:
        """The use case of a DELETE: the row's rules, then the delete."""
        writes.save(ctx.session, item, check_editable, lambda row: self.datamodel.delete(row, commit=False))

    def _init_model_schemas(self):
        """FAB's schemas; the add and edit answers also show the row's version (never read from a body)."""
        if writes.row_version_key(self.datamodel.obj):
            for kind in ("add", "edit"):
                if getattr(self, f"{kind}_model_schema") is None:
                    setattr(self, f"{kind}_model_schema", self.model2schemaconverter.convert(
                        getattr(self, f"{kind}_columns") + ["version"], nested=False,
                        parent_schema_name=getattr(self, f"{kind}_model_schema_name")))
        super()._init_model_schemas()

    def pre_get(self, data):
        """Mask sensitive values of a single record."""
        _mask_tree(data.get("result"))

    def pre_get_list(self, data):
        """Mask sensitive values of every listed record."""
        _mask_tree(data.get("result"))

    def _get_list_related_field(self, field, filter_rel_field, page=None, page_size=None):
        """`_info` offers related rows inside the user's scope only."""
        return super()._get_list_related_field(
            field, [SCOPE_BASE_FILTER] + list(filter_rel_field or []), page, page_size
        )

    def _handle_order_args(self, rison_args):
        """Sorting by a masked column is refused with a translated 400, whether or not it is listed."""
        if is_sensitive_order(rison_args.get("order_column", "")):
            raise SensitiveOrderRefused()
        return super()._handle_order_args(rison_args)

    def _get_field_info(self, field, filter_rel_field, page=None, page_size=None):
        """FAB's field description in `_info`, with the choices of id relations and no empty description
        (gettext("") is the translation catalogue's header)."""
        info = super()._get_field_info(field, filter_rel_field, page=page, page_size=page_size)
        description = self.description_columns.get(field.name)
        info["description"] = str(description) if description else ""
        if isinstance(field, (IdRelated, IdList)):
            info["type"] = "RelatedList" if isinstance(field, IdList) else "Related"
        return info

    def post_headless(self):
        """POST: a fresh schema, relations by id in scope, the record's rules; refusals as 4xx; masked echo.

        With an `Idempotency-Key` header the row is created once per user and key (a retry or a
        concurrent twin gets the first answer again).
        """
        ctx, schema = current_context(), writes.fresh(self.add_model_schema)
        try:
            key = self._request_key()
            item = writes.run_write(ctx, self._insert, schema, key)
        except writes.Refused as refused:
            return self.response(refused.status, message=refused.message)
        except KeyTaken:
            return self._replay(ctx, key)
        self.post_add(item)
        return _masked(self.response(201, result=writes.echo(schema, item), id=item.id))

    def _insert(self, ctx, schema, key):
        """The use case of a POST: the key claimed first, the body loaded and checked, the row inserted
        and, with a key, the (masked) answer kept in the same transaction."""
        claimed = self._claim(ctx, key)
        item = writes.load(schema, writes.body())
        writes.save(ctx.session, item, self.pre_add, lambda row: self.datamodel.add(row, commit=False))
        if claimed is not None:
            body = {"result": writes.echo(schema, item), "id": item.id}
            _mask_tree(body["result"])
            idempotency.remember(claimed, 201, body)
        return item

    def put_headless(self, pk):
        """PUT: the fields sent change, the others keep theirs; a stale `version` or If-Match answers 409.

        A PUT that names no version asks for its fields to be set whatever the stored version: when
        another save wins the race, it is applied again on the fresh row (a few times at most).
        """
        ctx = current_context()
        try:
            data = writes.body()
            expected = writes.expected_version(data)
        except writes.Refused as refused:
            return self.response(refused.status, message=refused.message)
        for attempt in range(writes.BLIND_RETRIES + 1):
            try:
                item, schema = writes.run_write(ctx, self._update, pk, data, expected)
                break
            except writes.Refused as refused:
                if not (refused.stale and expected is None and attempt < writes.BLIND_RETRIES):
                    return self.response(refused.status, message=refused.message)
        if item is None:
            return self.response_404()
        self.post_update(item)
        return _masked(self.response(200, result=writes.echo(schema, item)))

    def _update(self, ctx, pk, data: dict, expected):
        """The use case of a PUT: the row in scope as stored now, its version checked, the fields sent
        loaded and checked, the row written; (None, None) when the row is not in scope."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return None, None
        schema = writes.fresh(self.edit_model_schema)
        writes.check_version(item, expected)
        item = writes.load(schema, dict(data), instance=item)
        writes.save(ctx.session, item, self.pre_update, lambda row: self.datamodel.edit(row, commit=False))
        return item, schema

    @expose("/<int:pk>/reveal", methods=["POST"])
    @protect()
    @safe
    def reveal_api(self, pk):
        """POST {column, reason} → {value}: one full sensitive value, audited (permission reveal).
        ---
        post:
          summary: Show one full sensitive value of a record (audited; needs the reveal permission)
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/RevealBody'}}}
          responses:
            200: {$ref: '#/components/responses/Revealed'}
        """
        try:
            body = RevealBody().load(writes.body())
            value = run(current_context(), reveal_value, self.datamodel.obj, pk, body["column"], body["reason"])
        except writes.Refused as refused:
            return self.response(refused.status, message=refused.message)
        except ValidationError as err:
            return self.response_422(message=err.messages)
        except NotFound:
            return self.response_404()
        except DomainError as err:
            return self.refused(err)
        return self.response(200, value=value)


def _related_label(column: str) -> LazyString:
    """The label of a related row's column ("school.name": 学校名称, School Name)."""
    relation, _, name = column.partition(".")
    return LazyString(lambda: gettext("%(relation)s %(column)s", relation=COLUMN_LABELS.get(relation, relation),
                                      column=COLUMN_LABELS.get(name, name)))


def _mask_tree(node):
    """Mask sensitive keys anywhere in a JSON-like result (nested relations included)."""
    if isinstance(node, list):
        for child in node:
            _mask_tree(child)
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                _mask_tree(value)
            else:
                node[key] = mask_column(key, value)


def _masked(response):
    """The same JSON response with sensitive values masked (POST/PUT echo the record)."""
    data = response.get_json(silent=True)
    if isinstance(data, dict) and "result" in data:
        _mask_tree(data["result"])
        response.set_data(json.dumps(data))
    return response


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
