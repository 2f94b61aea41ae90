"""Tests of roles, scope, masking, audit and login hardening."""
