"""Use-cases: load, check, call a service, write, commit — shared by views, APIs and the CLI."""
