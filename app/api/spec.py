"""The OpenAPI components the custom endpoints' docstrings refer to: bodies, answers and refusals."""
from apispec import APISpec
from apispec.exceptions import DuplicateComponentNameError

from app.api.answers import ANSWERS
from app.api.carry_over_schemas import CARRY_OVER_ANSWERS, CARRY_OVER_BODIES
from app.api.money_schemas import MONEY_ANSWERS, MONEY_BODIES
from app.api.schemas import BODIES


def _json(schema: dict, description: str) -> dict:
    """A response object whose JSON body follows `schema`."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _message(kind: dict, description: str) -> dict:
    """A refusal {message: …}."""
    return _json({"type": "object", "properties": {"message": kind}, "required": ["message"]}, description)


def _answer(name: str, description: str) -> dict:
    """A success answer whose body is the component schema `name`."""
    return _json({"$ref": f"#/components/schemas/{name}"}, description)


TEXT = {"type": "string"}
FIELD_MESSAGES = {"type": "object", "description": "the refused fields: {field: [message, …]}",
                  "additionalProperties": {"type": "array", "items": TEXT}}
RESPONSES = {
    "NotAllowed": _message(TEXT, "The method is not allowed on this path (an id that is not a number names "
                                 "another route); the Allow header lists the methods that are"),
    "UriTooLong": {"description": "The query string is too long for the web server (its own answer, not JSON)"},
    "Conflict": _message(TEXT, "Refused in the record's present state (a step out of order, an open "
                               "objection, no standard in force…); the message says why"),
    "FieldErrors": _message(FIELD_MESSAGES, "Refused fields, each with its translated messages"),
    "ApplicationState": _answer("ApplicationState", "Where the application stands now"),
    "Score": _answer("Score", "The stored score"),
    "Assessment": _answer("Assessment", "The stored score, tiers, decisions and home visits"),
    "HomeVisitAdded": _answer("HomeVisitAdded", "The home visit recorded"),
    "DecisionMade": _answer("DecisionMade", "The committee decision recorded"),
    "Notice": _answer("Notice", "The notice"),
    "NoticeCreated": _answer("NoticeCreated", "The draft notice created"),
    "NoticeApproved": _answer("NoticeApproved", "How many applications were approved"),
    "Objection": _answer("ObjectionState", "The objection"),
    "ObjectionRecorded": _answer("ObjectionRecorded", "The objection recorded"),
    "JobStarted": _answer("JobStarted", "The job is queued"),
    "JobProgress": _answer("JobProgress", "The job's progress"),
    "JobFile": {"description": "The result file (xlsx)", "content": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}}}},
    "Revealed": _answer("Revealed", "The full value"),
    "EntryMade": _answer("EntryMade", "The ledger entry posted"),
    "AllocationMade": _answer("AllocationAnswer", "The allocation and its figures from the ledger"),
    "QuotaSet": _answer("QuotaAnswer", "The quota and how many of its places are used"),
    "BatchPreview": _answer("BatchPreview", "Who the batch would pay, who not and why"),
    "Batch": _answer("BatchAnswer", "The batch"),
    "BatchCreated": _answer("BatchCreated", "The batch made (the same one again for a repeated key)"),
    "AnswersRecorded": _answer("AnswersRecorded", "The bank's answer recorded: lines paid and failed"),
    "CarryOverPreview": _answer("CarryOverPreviewAnswer", "What carrying over would do, line by line, and its "
                                                          "fingerprint"),
    "CarriedOver": _answer("CarriedOver", "How many entitlements the carry-over wrote (none when run again)"),
    "BankFile": {"description": "The bank file (xlsx, or CSV text in GBK, as the layout says)", "content": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}},
        "text/csv": {"schema": {"type": "string", "format": "binary"}}}},
}


def custom_post(body: str, answer: str, summary: str) -> dict:
    """`openapi_spec_methods` of a model POST whose body and answer are not the model's."""
    refusals = {str(code): {"$ref": f"#/components/responses/{name}"} for code, name in (
        (400, "400"), (401, "401"), (403, "403"), (404, "404"), (409, "Conflict"), (422, "FieldErrors"))}
    return {"post": {"summary": summary, "requestBody": {"required": True, "content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}}},
        "responses": {"201": {"$ref": f"#/components/responses/{answer}"}, **refusals}}}


IDEMPOTENCY_KEY = {"in": "header", "name": "Idempotency-Key", "required": False,
                   "description": "Carry the request out once per user and key; a repeat gets the first answer",
                   "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{1,128}$"}}


def add_components(api_spec: APISpec) -> None:
    """Register the shared bodies, answers, responses and the Idempotency-Key header once per spec."""
    try:
        api_spec.components.parameter("IdempotencyKey", "header", IDEMPOTENCY_KEY)
    except DuplicateComponentNameError:
        pass
    for schema in BODIES + ANSWERS + MONEY_BODIES + MONEY_ANSWERS + CARRY_OVER_BODIES + CARRY_OVER_ANSWERS:
        try:
            api_spec.components.schema(schema.__name__, schema=schema)
        except DuplicateComponentNameError:
            pass
    for name, response in RESPONSES.items():
        try:
            api_spec.components.response(name, response)
        except DuplicateComponentNameError:
            pass


def _ref(name: str) -> dict:
    """A reference to a shared response."""
    return {"$ref": f"#/components/responses/{name}"}


def _schema_of(operation: dict, status: str) -> dict:
    """The JSON body schema of one answer written inline (FAB's own operations), or {}."""
    response = operation.get("responses", {}).get(status, {})
    return response.get("content", {}).get("application/json", {}).get("schema", {}).get("properties", {})


def _integer_ids(name: str, operation: dict) -> None:
    """FAB documents the ids it answers as strings (ours are integers) and `_info`'s field lists as objects."""
    for props in (_schema_of(operation, "200"), _schema_of(operation, "201")):
        if "id" in props and name in FAB_OPERATIONS:
            props["id"] = {**props["id"], "type": "integer"}
        if "ids" in props:
            props["ids"] = {**props["ids"], "items": {"type": "integer"}}
        for key in ("add_columns", "edit_columns"):
            if key in props and name == "info":
                props[key] = {"type": "array", "items": {"type": "object"}}


def correct_operation(name: str, method: str, operation: dict) -> None:
    """What FAB's docstrings leave out or get wrong for our resources: ids as integers, 403 for every
    protected call, 409 for writes, the 422 of refused fields, and what the routing and the web
    server answer before our code runs (405 for an id that is not a number, 414 for a long query)."""
    if "responses" not in operation:
        return
    # YAML reads `200:` as a number; the spec's keys are strings
    responses = operation["responses"] = {str(code): answer for code, answer in operation["responses"].items()}
    _integer_ids(name, operation)
    if "security" in operation:
        responses.setdefault("401", _ref("401"))
        responses.setdefault("403", _ref("403"))
    places = {param.get("in") for param in operation.get("parameters", []) if isinstance(param, dict)}
    if "query" in places:
        responses.setdefault("414", _ref("UriTooLong"))
    if name == "get" and "path" in places:
        responses.setdefault("405", _ref("NotAllowed"))  # FAB: GET takes <int:pk>, PUT and DELETE any <pk>
    if name in FAB_OPERATIONS:
        if "422" in responses:
            responses["422"] = _ref("FieldErrors")
        if method in ("post", "put", "delete"):
            responses.setdefault("409", _ref("Conflict"))


FAB_OPERATIONS = {"get", "get_list", "info", "post", "put", "delete"}
PK = {"in": "path", "name": "pk", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}


def complete_custom(path: str, method: str, operation: dict) -> None:
    """What every custom endpoint answers besides its own 200/201, so its docstring need not repeat it:
    the record's id in the path (404 when it is not in one's scope), and for a POST a body that is not
    an object (400), a refused step (409) and refused fields (422 {field: [message]})."""
    if "responses" not in operation:
        return
    responses = operation["responses"]
    if "{pk}" in str(path):
        params = operation.setdefault("parameters", [])
        if not any(isinstance(p, dict) and p.get("in") == "path" for p in params):
            params.insert(0, PK)
        responses.setdefault("404", _ref("404"))
    if method == "post":
        responses.setdefault("400", _ref("400"))
        responses.setdefault("409", _ref("Conflict"))
        responses.setdefault("422", _ref("FieldErrors"))


def _runs_a_command(api, name: str) -> bool:
    """A custom POST of a command API, or its model POST replaced by a command (see notices)."""
    return hasattr(api, "run_command") and (name not in FAB_OPERATIONS or name in api.openapi_spec_methods)


def _declare_idempotency_key(operation: dict) -> None:
    """The command runner carries a POST out once per Idempotency-Key (app/api/command_api.py)."""
    params = operation.setdefault("parameters", [])
    if "IdempotencyKey" not in params:
        params.append("IdempotencyKey")  # apispec makes it a $ref


def documented(cls):
    """Class decorator of a REST API: the shared bodies, answers and refusals in its spec, and FAB's
    own operations described as our resources answer them. Applying it to a subclass again is harmless."""
    fab_components, fab_operation = cls.add_apispec_components, cls.operation_helper

    def add_apispec_components(self, api_spec: APISpec) -> None:
        """FAB's components, then ours."""
        fab_components(self, api_spec)
        add_components(api_spec)

    def operation_helper(self, path=None, operations=None, methods=None, func=None, **kwargs) -> None:
        """FAB's operations from the docstrings, corrected (see `correct_operation`)."""
        fab_operation(self, path=path, operations=operations, methods=methods, func=func, **kwargs)
        for method, operation in operations.items():
            correct_operation(func.__name__, method, operation)
            if func.__name__ not in FAB_OPERATIONS:
                complete_custom(path, method, operation)
            if method == "post" and "responses" in operation and _runs_a_command(self, func.__name__):
                _declare_idempotency_key(operation)

    cls.add_apispec_components, cls.operation_helper = add_apispec_components, operation_helper
    return cls
