"""Pages of administration: users, the audit trail, background jobs."""
