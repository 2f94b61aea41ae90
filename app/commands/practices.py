"""Moved to app/queries/practices.py (a read model); kept until app/workbench/practices.py imports it from there."""
from app.queries.practices import check  # noqa: F401
