"""Values computed once per HTTP request (kept in the WSGI environ, never shared between requests)."""
from flask import has_request_context, request


def per_request(key: str, factory):
    """`factory()` once per request under `key`; called every time outside a request."""
    if not has_request_context():
        return factory()
    cache = request.environ.setdefault("zizhu.cache", {})
    if key not in cache:
        cache[key] = factory()
    return cache[key]
