"""The OpenAPI components the custom endpoints' docstrings refer to: bodies, answers and refusals."""
from apispec import APISpec
from apispec.exceptions import DuplicateComponentNameError

from app.api.answers import ANSWERS
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
}


def custom_post(body: str, answer: str, summary: str) -> dict:
    """`openapi_spec_methods` of a model POST whose body and answer are not the model's."""
    refusals = {str(code): {"$ref": f"#/components/responses/{name}"} for code, name in (
        (400, "400"), (401, "401"), (403, "403"), (404, "404"), (409, "Conflict"), (422, "FieldErrors"))}
    return {"post": {"summary": summary, "requestBody": {"required": True, "content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}}},
        "responses": {"201": {"$ref": f"#/components/responses/{answer}"}, **refusals}}}


def add_components(api_spec: APISpec) -> None:
    """Register the shared responses once per spec (every documented API calls this)."""
    for name, response in RESPONSES.items():
        try:
            api_spec.components.response(name, response)
        except DuplicateComponentNameError:
            pass


class DocumentedApi:
    """Mixin of an API with custom endpoints: their bodies, answers and refusals in the spec."""

    openapi_spec_component_schemas = BODIES + ANSWERS

    def add_apispec_components(self, api_spec: APISpec) -> None:
        """FAB's components, then the shared bodies, answers and refusals."""
        super().add_apispec_components(api_spec)
        add_components(api_spec)
