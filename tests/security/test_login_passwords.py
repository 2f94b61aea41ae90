"""Password policy: ≥ 10 and ≤ 128 characters, no common password, not the username; applied by FAB's forms."""
import pytest
from flask_appbuilder.exceptions import PasswordComplexityValidationError

from app.security.passwords import check_password_policy, common_passwords, validate_password

KNOWN = ["zizhu-demo-2026", "Test-pass-2026!", "bench-pass-2026", "e2e-demo-2026"]
USERNAMES = ["admin", "district", "leader", "auditor", "school1", "school2", "teacher1", "bench", "e2e"]


@pytest.mark.parametrize("password", KNOWN)
def test_the_project_passwords_pass(password):
    for username in USERNAMES[:7]:
        assert check_password_policy(password, username) == []


@pytest.mark.parametrize("password", [
    "correct horse battery staple", "我家门前有两棵枣树2026", "x" * 128, "sunny-afternoon-in-yunnan",
    "Gu4ngxi-rice-noodles", "a" * 9 + "b",
])
def test_long_own_phrases_pass(password):
    assert check_password_policy(password, "teacher1") == []


@pytest.mark.parametrize("password", ["short", "abc123", "Zz-2026!", ""])
def test_short_passwords_are_refused(password):
    assert "Use at least 10 characters." in check_password_policy(password)


def test_overlong_passwords_are_refused():
    assert check_password_policy("x" * 129) == ["Use at most 128 characters."]


@pytest.mark.parametrize("password", [
    "1234567890", "qwertyuiop", "1qaz2wsx3edc", "woaini1314520", "5201314520", "WoAiNi1314!!",
    "Password2026!", "password1234", "zizhu123456", "zizhu2026!!", "zhangwei19900101", "Admin@12345",
    "iloveyou520", "a1234567890", "88888888888", "qq5201314520",
])
def test_common_passwords_are_refused_whatever_the_case_or_appended_digits(password):
    assert "This password is too common; choose a longer phrase of your own." in check_password_policy(password)


def test_the_list_is_a_reasonable_size_and_lower_case():
    words = common_passwords()
    assert 1000 <= len(words) <= 10000
    assert {"123456", "5201314", "woaini1314", "qwerty", "password", "1qaz2wsx", "zizhu123"} <= words
    assert all(word == word.lower() for word in words)


@pytest.mark.parametrize("username", ["teacher1", "TEACHER1", "Teacher1"])
def test_passwords_containing_the_username_are_refused(username):
    assert check_password_policy("my-teacher1-secret", username) == ["The password must not contain the username."]


def test_very_short_usernames_do_not_forbid_everything():
    assert check_password_policy("long-enough-phrase", "li") == []


def test_messages_are_translated(app):
    with app.test_request_context("/"):
        assert check_password_policy("short") == ["密码至少需要 10 个字符。"]


def test_validator_raises_fabs_error_with_the_username_from_the_form(app):
    with app.test_request_context("/users/add", method="POST", data={"username": "teacher1"}):
        with pytest.raises(PasswordComplexityValidationError, match="用户名"):
            validate_password("teacher1-is-my-name")
        validate_password("sunny-afternoon-in-yunnan")


@pytest.fixture
def admin(client, session, make_user, login):
    """The client logged in as an administrator."""
    user = make_user("boss", "Admin")
    login("boss")
    return user


def _user_form(password):
    """The fields of FAB's add-user form."""
    return {"first_name": "小红", "last_name": "王", "username": "wangxh", "active": "y",
            "email": "wangxh@test.local", "roles": "1", "password": password, "conf_password": password}


def test_fabs_add_user_form_applies_the_policy(app, client, admin):
    page = client.post("/users/add", data=_user_form("wangxh-2026-pass"), follow_redirects=True)
    assert "密码不能包含用户名" in page.get_data(as_text=True)
    assert app.appbuilder.sm.find_user(username="wangxh") is None


def test_fabs_reset_password_forms_apply_the_policy(app, client, admin):
    before = app.appbuilder.sm.find_user(username="boss").password
    for url in (f"/resetpassword/form?pk={admin.id}", "/resetmypassword/form"):
        page = client.post(url, data={"password": "qwerty12345", "conf_password": "qwerty12345"},
                           follow_redirects=True)
        assert "该密码过于常见" in page.get_data(as_text=True), url
    assert app.appbuilder.sm.find_user(username="boss").password == before


def test_fabs_user_api_applies_the_policy(client, admin, jwt):
    body = {**_user_form("Password12345"), "roles": [1], "active": True}
    del body["conf_password"]
    resp = client.post("/api/v1/security/users/", json=body, headers=jwt("boss"))
    assert resp.status_code == 400
    assert "password" in resp.get_json()["message"]
