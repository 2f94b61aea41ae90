"""What the resources answer matches what the spec says: versions, masked dates, deletes still in use."""
from datetime import date

import pytest

from app.models import SchoolYear, Term
from tests.api.test_openapi import spec  # noqa: F401  (the served spec, as a fixture)


def test_add_and_edit_answers_declare_the_version_as_read_only(spec):  # noqa: F811
    schemas = spec["components"]["schemas"]
    for name in ("StudentApi.post", "StudentApi.put", "HouseholdApi.put"):
        assert schemas[name]["properties"]["version"]["readOnly"] is True, name
    assert "version" not in schemas["StudentApi.put"].get("required", [])


def test_a_masked_birth_date_is_declared_as_text_where_it_is_answered(spec):  # noqa: F811
    schemas = spec["components"]["schemas"]
    assert schemas["StudentApi.get"]["properties"]["birth_date"]["type"] == "string"
    assert "format" not in schemas["StudentApi.get"]["properties"]["birth_date"]
    assert schemas["StudentApi.post"]["properties"]["birth_date"]["format"] == "date"  # sent in full


def test_deleting_a_row_still_in_use_answers_409_in_words(client, session, world, jwt):
    year = session.query(SchoolYear).join(Term, Term.school_year_id == SchoolYear.id).first()
    resp = client.delete(f"/api/v1/school_year/{year.id}", headers=jwt("district"))
    assert resp.status_code == 409, resp.get_data(as_text=True)
    assert "使用" in resp.get_json()["message"]
    session.expire_all()
    assert session.get(SchoolYear, year.id) is not None


def test_deleting_an_unused_row_still_works(client, session, world, jwt):
    unused = SchoolYear(name="2001-2002学年", start_date=date(2001, 9, 1),
                        end_date=date(2002, 7, 31))
    session.add(unused)
    session.commit()
    resp = client.delete(f"/api/v1/school_year/{unused.id}", headers=jwt("district"))
    assert resp.status_code == 200, resp.get_data(as_text=True)


def _get_answer_schema(served, path):
    """The JSON Schema of a GET's 200 answer in the served spec."""
    from tests.api.test_custom_bodies import _json_schema

    response = served["paths"][path]["get"]["responses"]["200"]
    if "$ref" in response:
        response = served["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return _json_schema(served, response["content"]["application/json"]["schema"])


@pytest.mark.parametrize("username", ["school_a", "teacher_a", "district"])
def test_records_with_nested_rows_answer_as_the_spec_says(client, session, world, jwt, spec, username):  # noqa: F811
    import jsonschema

    cases = [("household", world.household["A"].id), ("student", world.pupil["A"].id), ("district", world.d.id),
             ("school", world.a.id), ("household_member", world.member["A"].id)]
    for resource, pk in cases:
        resp = client.get(f"/api/v1/{resource}/{pk}", headers=jwt(username))
        if resp.status_code != 200:
            continue  # a role that may not read the resource
        jsonschema.validate(resp.get_json(), _get_answer_schema(spec, f"/api/v1/{resource}/{{pk}}"),
                            format_checker=jsonschema.FormatChecker())


def test_a_refused_write_is_logged_without_the_statement_or_its_values(client, session, world, jwt, caplog):
    year = session.query(SchoolYear).join(Term, Term.school_year_id == SchoolYear.id).first()
    with caplog.at_level("WARNING", logger="app.api.writes"):
        assert client.delete(f"/api/v1/school_year/{year.id}", headers=jwt("district")).status_code == 409
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records if r.name == "app.api.writes")
    assert "IntegrityError" in logged
    assert "DELETE" not in logged and "school_year" not in logged
