"""Domain errors with translatable messages; views flash them, APIs answer 4xx with them."""
from flask_babel import gettext

from app.labels import COLUMN_LABELS


class DomainError(Exception):
    """A refused use-case; `message` is translated when shown."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


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
