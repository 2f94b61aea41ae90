"""Security: the security manager, roles and (with issue 3) scope, masking and audit."""
