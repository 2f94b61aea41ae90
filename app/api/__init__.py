"""REST resources under /api/v1/<resource>/ (FAB ModelRestApi, JWT)."""
