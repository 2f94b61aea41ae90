"""Password policy: length, common passwords and the username; no composition rules (ASVS 6.2)."""
import re
from functools import lru_cache
from pathlib import Path

from flask import has_request_context, request
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 10
MAX_LENGTH = 128
MIN_USERNAME_LENGTH = 3  # shorter usernames ("li") would forbid too many good passwords
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
# Digits and symbols people append to a weak word: woaini1314, password2026!
_TRAILING = re.compile(r"[\d\W_]+$")

TOO_SHORT = _l("Use at least %(count)d characters.", count=MIN_LENGTH)
TOO_LONG = _l("Use at most %(count)d characters.", count=MAX_LENGTH)
TOO_COMMON = _l("This password is too common; choose a longer phrase of your own.")
HAS_USERNAME = _l("The password must not contain the username.")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The refused passwords, lower-case, read once from common_passwords.txt."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_common(password: str) -> bool:
    """True for a listed password, also when digits or symbols were appended to it."""
    lowered = password.strip().lower()
    common = common_passwords()
    return lowered in common or _TRAILING.sub("", lowered) in common


def check_password_policy(password: str, username: str | None = None) -> list[str]:
    """The translated reasons why a password is refused; an empty list means it is accepted."""
    password = password or ""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(TOO_SHORT)
    if len(password) > MAX_LENGTH:
        problems.append(TOO_LONG)
    if is_common(password):
        problems.append(TOO_COMMON)
    if username and len(username.strip()) >= MIN_USERNAME_LENGTH \
            and username.strip().lower() in password.lower():
        problems.append(HAS_USERNAME)
    return [str(problem) for problem in problems]


def validate_password(password: str) -> None:
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: raise FAB's error with our reasons (user and reset forms, user API)."""
    problems = check_password_policy(password, _username_in_request())
    if problems:
        raise PasswordComplexityValidationError(" ".join(problems))


def _username_in_request() -> str | None:
    """The username the password is for: typed in the form or JSON, the reset target, or oneself."""
    if not has_request_context():
        return None
    typed = request.form.get("username")
    body = request.get_json(silent=True) if request.is_json else None
    if not typed and isinstance(body, dict) and isinstance(body.get("username"), str):
        typed = body["username"]
    if typed:
        return typed
    from flask import current_app
    from flask_login import current_user

    pk = request.args.get("pk") or (request.view_args or {}).get("pk")
    if pk is not None and str(pk).isdigit():
        user = current_app.appbuilder.sm.get_user_by_id(int(pk))
        return user.username if user else None
    if current_user.is_authenticated:
        return current_user.username
    return None
