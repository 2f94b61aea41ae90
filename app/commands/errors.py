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

    def first_message(self) -> str:
        """'<label>: <message>' for the first refused field."""
        field, messages = next(iter(self.errors.items()))
        label = COLUMN_LABELS.get(field, field)
        return f"{label}：{messages[0]}"

    def as_dict(self) -> dict:
        """{field: [message, …]} with the messages rendered in the current language."""
        return {f: [str(m) for m in msgs] for f, msgs in self.errors.items()}
