"""Audit trail entry points (filled in by the audit work of issue 3; signatures are the contract)."""


def record(action: str, *, entity: str | None = None, entity_id=None, detail: str | None = None,
           old: dict | None = None, new: dict | None = None, school_id: int | None = None,
           username: str | None = None, user_id: int | None = None, row_count: int | None = None,
           commit: bool = False) -> None:
    """Append one AuditEvent for the current user/request (placeholder until the audit model lands)."""
    return None
