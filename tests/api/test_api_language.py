"""The REST API speaks the request's language: every validation message, and `_info`'s labels,
descriptions and titles (Chinese by default, English with ?_l_=en)."""
import inspect
import re

import flask_babel
import pytest
from marshmallow import Schema, fields, validate

from tests.api.test_custom_bodies import VISIT

# marshmallow's own English, which must never reach a client
MARSHMALLOW_ENGLISH = re.compile(r"Missing data|may not be null|Not a valid|Longer than|Shorter than|Must be|"
                                 r"Unknown field|Invalid (value|input|type)|Length must|does not match")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _in(language: str, path: str) -> str:
    """`path` asked in `language`, as a fresh request (the tests share one app context, so the language
    chosen by an earlier request is forgotten first)."""
    flask_babel.refresh()
    return f"{path}{'&' if '?' in path else '?'}_l_={language}"


def _bad_pupil(school_id: int) -> dict:
    return {"name": "王小丫", "id_number": "1" * 19, "student_no": "G" + "1" * 18, "sex": "X",
            "birth_date": "2018-02-30", "school": school_id, "grade": "3", "class_name": None}


def _all_messages(message: dict) -> list[str]:
    return [text for texts in message.values() for text in texts]


def test_a_resource_refuses_in_chinese_by_default_and_in_english_when_asked(client, place, jwt):
    headers = jwt("school1")
    flask_babel.refresh()
    zh = client.post("/api/v1/student/", json=_bad_pupil(place.school.id), headers=headers).get_json()["message"]
    assert set(zh) >= {"id_number", "sex", "birth_date", "grade", "class_name"}
    assert zh["id_number"] == ["最多 18 个字"] and zh["class_name"] == ["不能为空"]
    assert all(CJK.search(text) for text in _all_messages(zh)), zh
    en = client.post(_in("en", "/api/v1/student/"), json=_bad_pupil(place.school.id),
                     headers=headers).get_json()["message"]
    assert en["id_number"] == ["may be at most 18 characters long"]
    assert en["sex"] == ["is not one of the allowed values"] and en["grade"] == ["must be a whole number"]
    assert not any(CJK.search(text) or MARSHMALLOW_ENGLISH.search(text) for text in _all_messages(en)), en


def test_missing_fields_are_named_in_the_request_language(client, place, jwt):
    headers = jwt("school1")
    zh = client.post(_in("zh", "/api/v1/household/"), json={}, headers=headers).get_json()["message"]
    assert zh["guardian_name"] == ["不能为空"]
    en = client.post(_in("en", "/api/v1/household/"), json={}, headers=headers).get_json()["message"]
    assert en["guardian_name"] == ["is required"]


def test_a_custom_body_refuses_unknown_fields_and_wrong_types_in_the_request_language(client, place, jwt):
    headers, pk = jwt("school1"), place.application.id
    body = {**VISIT, "visited_on": "yesterday", "facts_confirmed": "maybe", "colour": "red"}
    zh = client.post(_in("zh", f"/api/v1/application/{pk}/home_visit"), json=body, headers=headers)
    assert zh.status_code == 422
    assert zh.get_json()["message"] == {"colour": ["不是可接受的字段"], "facts_confirmed": ["须为布尔值（是或否）"],
                                        "visited_on": ["不是有效的日期（格式为 YYYY-MM-DD）"]}
    en = client.post(_in("en", f"/api/v1/application/{pk}/home_visit"), json=body, headers=headers)
    assert en.get_json()["message"] == {"colour": ["is not an accepted field"],
                                        "facts_confirmed": ["must be true or false"],
                                        "visited_on": ["is not a valid date (YYYY-MM-DD)"]}


def test_a_job_option_out_of_range_is_refused_in_the_request_language(client, place, jwt):
    headers = jwt("school1")
    zh = client.post(_in("zh", "/api/v1/job/start/pupil_roster"), json={"grade": 9}, headers=headers)
    assert zh.get_json()["message"] == {"grade": ["须在 1 到 6 之间"]}
    en = client.post(_in("en", "/api/v1/job/start/pupil_roster"), json={"grade": "x"}, headers=headers)
    assert en.get_json()["message"] == {"grade": ["must be a whole number"]}


def _bounds() -> Schema:
    """Validators left with marshmallow's default messages (made after the app, as every schema is)."""
    return Schema.from_dict({
        "at_least": fields.Integer(validate=validate.Range(min=1)),
        "below": fields.Integer(validate=validate.Range(max=10, max_inclusive=False)),
        "between": fields.Integer(validate=validate.Range(min=1, max=6)),
        "short": fields.String(validate=validate.Length(min=2)),
        "exact": fields.String(validate=validate.Length(equal=3)),
        "shaped": fields.String(validate=validate.Regexp(r"^\d+$")),
        "choice": fields.String(validate=validate.OneOf(["M", "F"])),
        "tags": fields.List(fields.String()),
        "mail": fields.Email(),
    })()


BAD_BOUNDS = {"at_least": 0, "below": 10, "between": 7, "short": "a", "exact": "abcd", "shaped": "x1",
              "choice": "X", "tags": "a", "mail": "nobody", "extra": 1}


@pytest.mark.parametrize(("language", "expected"), [
    ("zh", {"at_least": "不能小于 1", "below": "须小于 10", "between": "须在 1 到 6 之间", "short": "至少 2 个字",
            "exact": "须为 3 个字", "shaped": "格式不正确", "choice": "不是允许的取值", "tags": "须为列表",
            "mail": "不是有效的电子邮箱地址", "extra": "不是可接受的字段"}),
    ("en", {"at_least": "must be at least 1", "below": "must be less than 10", "between": "must be between 1 and 6",
            "short": "must be at least 2 characters long", "exact": "must be exactly 3 characters long",
            "shaped": "is not in the expected format", "choice": "is not one of the allowed values",
            "tags": "must be a list", "mail": "is not a valid email address", "extra": "is not an accepted field"}),
])
def test_default_validator_messages_are_translated_when_shown(app, language, expected):
    from app.api.answers import field_messages

    with app.test_request_context(f"/api/v1/x?_l_={language}"):
        errors = _bounds().validate(BAD_BOUNDS)
        assert field_messages(errors) == {name: [text] for name, text in expected.items()}


def test_no_marshmallow_message_is_left_in_english(app):
    """Every message a marshmallow field, validator or schema can give goes through Babel."""
    import marshmallow_sqlalchemy.fields as related

    untranslated = []
    for module in (fields, related):
        for name, kind in vars(module).items():
            if inspect.isclass(kind) and issubclass(kind, fields.Field):
                merged = {}
                for base in reversed(kind.__mro__):
                    merged.update(getattr(base, "default_error_messages", {}))
                untranslated += [(name, key) for key, text in merged.items() if isinstance(text, str)]
    for name, kind in vars(validate).items():
        if inspect.isclass(kind) and issubclass(kind, validate.Validator):
            untranslated += [(name, attr) for attr in ("default_message", "default_error_message", "message_min",
                                                       "message_max", "message_all", "message_equal")
                             if isinstance(getattr(kind, attr, None), str)]
    untranslated += [("Schema", key) for key, text in Schema._default_error_messages.items() if isinstance(text, str)]
    assert not untranslated, untranslated


def test_info_labels_descriptions_and_titles_are_the_pages_own_in_the_request_language(client, place, jwt):
    headers = jwt("school1")
    zh = client.get(_in("zh", "/api/v1/student/_info"), headers=headers).get_json()
    fields_zh = {f["name"]: f for f in zh["add_columns"]}
    assert fields_zh["student_no"]["label"] == "学籍号" and fields_zh["id_number"]["label"] == "身份证号"
    assert fields_zh["id_number"]["description"] == "18 位，最后一位可以是 X"
    assert (zh["add_title"], zh["edit_title"]) == ("新增学生", "编辑学生")
    en = client.get(_in("en", "/api/v1/student/_info"), headers=headers).get_json()
    fields_en = {f["name"]: f for f in en["add_columns"]}
    assert fields_en["student_no"]["label"] == "Student number"
    assert fields_en["id_number"]["description"] == "18 characters; the last may be X"
    assert (en["add_title"], en["edit_title"]) == ("Add Pupil", "Edit Pupil")


def test_list_labels_and_descriptions_are_translated_related_columns_too(client, place, jwt):
    headers = jwt("school1")
    zh = client.get(_in("zh", "/api/v1/student/"), headers=headers).get_json()
    assert zh["label_columns"]["student_no"] == "学籍号" and zh["label_columns"]["school.name"] == "学校名称"
    assert zh["list_title"] == "学生"
    en = client.get(_in("en", "/api/v1/student/"), headers=headers).get_json()
    assert en["label_columns"]["school.name"] == "School Name" and en["list_title"] == "Pupil"
    members = client.get(_in("zh", "/api/v1/household_member/_info"), headers=headers).get_json()
    presence = {f["name"]: f for f in members["add_columns"]}["presence"]
    assert presence["label"] == "去向" or CJK.search(presence["label"])
    assert CJK.search(presence["description"])
    assert "id_number" not in members.get("description_columns", {})
