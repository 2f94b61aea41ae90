"""The served OpenAPI spec describes the API: every route, and the bodies and refusals of custom POSTs."""
import re

import pytest

FAB_BUILTINS = {"get", "get_list", "info", "post", "put", "delete", "related", "distinct"}
CUSTOM_REFUSALS = ("400", "401", "403", "404", "409", "422")


@pytest.fixture
def spec(app, client, make_user, jwt):
    """The spec served at /api/v1/_openapi, fetched with an administrator's JWT."""
    make_user("admin", "Admin")
    resp = client.get("/api/v1/_openapi", headers=jwt("admin"))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def _api_routes(app):
    """(path in OpenAPI form, method, endpoint) of every /api/v1/ route the app serves."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield path, method.lower(), rule.endpoint


def _custom_posts(app, spec):
    """The POST operations of our own endpoints (and of model POSTs we replaced), by path."""
    for path, method, endpoint in _api_routes(app):
        api_name, _, func = endpoint.partition(".")
        if method == "post" and not path.startswith("/api/v1/security/") and (
                func not in FAB_BUILTINS or _replaced_post(app, api_name, func)):
            yield path, spec["paths"].get(path, {}).get("post", {})


def _replaced_post(app, api_name: str, func: str) -> bool:
    """A model POST whose body is not the model's (the API documents its own)."""
    api = next((v for v in app.appbuilder.baseviews if v.endpoint == api_name), None)
    return func == "post" and api is not None and "post" in getattr(api, "openapi_spec_methods", {})


def test_every_api_route_is_in_the_spec_with_its_methods(app, spec):
    missing = [(method.upper(), path) for path, method, _ in _api_routes(app)
               if method not in spec["paths"].get(path, {})]
    assert not missing, missing


def test_a_route_missing_from_the_spec_would_be_found(app, spec):
    del spec["paths"]["/api/v1/application/{pk}/submit"]
    missing = [path for path, method, _ in _api_routes(app) if method not in spec["paths"].get(path, {})]
    assert missing == ["/api/v1/application/{pk}/submit"]


def test_every_custom_post_declares_its_body_and_refusals(app, spec):
    posts = dict(_custom_posts(app, spec))
    assert len(posts) >= 30
    undocumented = {path: sorted(set(CUSTOM_REFUSALS) - set(op.get("responses", {})))
                    for path, op in posts.items()
                    if "requestBody" not in op or not set(CUSTOM_REFUSALS) <= set(op.get("responses", {}))}
    assert not undocumented, undocumented


def test_custom_path_parameters_are_declared_as_integers(spec):
    for path in ("/api/v1/application/{pk}/decide", "/api/v1/public_notice/{pk}/publish",
                 "/api/v1/objection/{pk}/answer", "/api/v1/job/{pk}/status"):
        operation = next(iter(spec["paths"][path].values()))
        (param,) = [p for p in operation["parameters"] if p.get("in") == "path"]
        assert param["name"] == "pk" and param["required"] and param["schema"]["type"] == "integer"


def _resolve(spec, node):
    """Follow a local $ref."""
    while "$ref" in node:
        for part in node["$ref"].lstrip("#/").split("/"):
            spec = spec[part]
        node = spec
    return node


def test_refusals_follow_the_conventions(spec):
    decide = spec["paths"]["/api/v1/application/{pk}/decide"]["post"]["responses"]
    message = {code: _resolve(spec, decide[code])["content"]["application/json"]["schema"]["properties"]["message"]
               for code in ("404", "409", "422")}
    assert message["404"]["type"] == "string" and message["409"]["type"] == "string"
    assert message["422"]["type"] == "object"
    assert message["422"]["additionalProperties"]["items"]["type"] == "string"


def test_answers_carry_decimals_as_strings_and_ids_as_integers(spec):
    schemas = spec["components"]["schemas"]
    assert schemas["Score"]["properties"]["total"]["type"] == "string"
    assert schemas["BreakdownLine"]["properties"]["points"]["type"] == "string"
    assert schemas["ApplicationState"]["properties"]["id"]["type"] == "integer"
    assert schemas["NoticeBody"]["properties"]["term_id"]["type"] == "integer"
    assert schemas["ObjectionBody"]["properties"]["entry_id"]["type"] == "integer"


def test_request_bodies_refuse_unknown_fields_in_the_spec(spec):
    schemas = spec["components"]["schemas"]
    for name in ("EmptyBody", "ReasonBody", "ClassReviewBody", "DecideBody", "HomeVisitBody", "NoticeBody",
                 "ObjectionBody", "AnswerBody", "JobStartBody"):
        assert schemas[name]["additionalProperties"] is False, name
    assert "outcome" in schemas["ClassReviewBody"]["required"]
    assert schemas["ClassReviewBody"]["properties"]["members"]["maxLength"] == 200


def _model_paths(spec):
    """Paths of our own resources (FAB's user administration left out)."""
    return {path: ops for path, ops in spec["paths"].items()
            if path.startswith("/api/v1/") and not path.startswith(("/api/v1/security/", "/api/v1/menu/"))}


@pytest.mark.parametrize("resource", ["application", "public_notice", "objection", "job", "assessment_standard"])
def test_model_answers_declare_integer_ids(spec, resource):
    one = spec["paths"][f"/api/v1/{resource}/{{pk}}"]["get"]["responses"]["200"]
    listed = spec["paths"][f"/api/v1/{resource}/"]["get"]["responses"]["200"]
    assert one["content"]["application/json"]["schema"]["properties"]["id"]["type"] == "integer"
    assert listed["content"]["application/json"]["schema"]["properties"]["ids"]["items"]["type"] == "integer"


def test_model_writes_declare_conflicts_and_refused_fields(spec):
    put = spec["paths"]["/api/v1/application/{pk}"]["put"]["responses"]
    assert put["409"] == {"$ref": "#/components/responses/Conflict"}
    assert put["422"] == {"$ref": "#/components/responses/FieldErrors"}
    info = spec["paths"]["/api/v1/application/_info"]["get"]["responses"]["200"]
    assert info["content"]["application/json"]["schema"]["properties"]["add_columns"]["type"] == "array"


def test_every_protected_operation_declares_401_and_403(spec):
    undeclared = [(method.upper(), path) for path, ops in _model_paths(spec).items() for method, op in ops.items()
                  if "security" in op and not {"401", "403"} <= set(op.get("responses", {}))]
    assert not undeclared, undeclared



def test_command_posts_declare_the_idempotency_key_and_model_posts_do_not(spec):
    def headers(path):
        params = spec["paths"][path]["post"].get("parameters", [])
        return [_resolve(spec, p)["name"] for p in params if _resolve(spec, p)["in"] == "header"]

    for path in ("/api/v1/application/{pk}/decide", "/api/v1/public_notice/", "/api/v1/objection/{pk}/answer"):
        assert headers(path) == ["Idempotency-Key"], path
    assert headers("/api/v1/application/") == []


def test_correcting_an_operation_twice_changes_nothing_more():
    from copy import deepcopy

    from app.api.spec import correct_operation

    operation = {"parameters": [{"in": "path", "name": "pk", "schema": {"type": "integer"}}, "IdempotencyKey"],
                 "security": [{"jwt": []}], "responses": {200: {"description": "Item changed"},
                                                          422: {"$ref": "#/components/responses/422"}}}
    correct_operation("put", "put", operation)
    once = deepcopy(operation)
    correct_operation("put", "put", operation)
    assert operation == once
    assert set(once["responses"]) == {"200", "401", "403", "409", "422"}
    assert once["responses"]["422"] == {"$ref": "#/components/responses/FieldErrors"}
