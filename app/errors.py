"""Refusals of a use case, with translatable messages; the runner turns each kind into an answer.

NotFound → 404 (or a page's 404); FieldErrors → 422 {field: [message]} (or the first message
flashed); AlreadyDone → the repeat is told it was done once (200 on pages, as info); Stale and every
other DomainError → 409 {message} (or flashed as refused).
"""
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.labels import COLUMN_LABELS

NOT_FOUND = _l("The page or record was not found.")
# a save based on a read that another save has overtaken (StaleDataError), on a page or the API
STALE = _l("This record was changed by someone else after you opened it. Reload it and make your change again.")


class DomainError(Exception):
    """A refused use-case; `message` is translated when shown."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    """The record does not exist or lies outside the user's scope (answered as 404, never 403)."""

    def __init__(self, message=NOT_FOUND):
        super().__init__(message)


class AlreadyDone(DomainError):
    """The same thing was done a moment ago (a form or request sent twice); nothing new is written."""


class Stale(DomainError):
    """The record changed after it was read; nothing was written."""

    def __init__(self, message=STALE):
        super().__init__(message)


class FieldErrors(DomainError):
    """One or more fields refused; `errors` maps a field name to a list of messages."""

    def __init__(self, errors: dict):
        super().__init__(None)
        self.errors = errors

    def __str__(self) -> str:
        return self.first_message()

    @staticmethod
    def labelled(field: str, message) -> str:
        """'<label>: <message>', translated (身份证号：校验位错误…)."""
        return gettext("%(label)s: %(message)s", label=COLUMN_LABELS.get(field, field), message=message)

    def first_message(self) -> str:
        """The first refused field's message, with its label."""
        field, messages = next(iter(self.errors.items()))
        return self.labelled(field, messages[0])

    def as_dict(self) -> dict:
        """{field: [labelled message, …]} rendered in the current language."""
        return {f: [self.labelled(f, m) for m in msgs] for f, msgs in self.errors.items()}
