"""Domain errors with translatable messages; views flash them, APIs answer 4xx with them."""
from app.labels import COLUMN_LABELS


class DomainError(Exception):
    """A refused use-case; `message` is translated when shown."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class FieldErrors(DomainError):
    """One or more fields refused; `errors` maps a field name to a list of messages."""

    def __init__(self, errors: dict):
        self.errors = errors
        super().__init__(self.first_message())

    @staticmethod
    def labelled(field: str, message) -> str:
        """'<label>：<message>', the label translated (身份证号：校验位错误…)."""
        return f"{COLUMN_LABELS.get(field, field)}：{message}"

    def first_message(self) -> str:
        """The first refused field's message, with its label."""
        field, messages = next(iter(self.errors.items()))
        return self.labelled(field, messages[0])

    def as_dict(self) -> dict:
        """{field: [labelled message, …]} rendered in the current language."""
        return {f: [self.labelled(f, m) for m in msgs] for f, msgs in self.errors.items()}
