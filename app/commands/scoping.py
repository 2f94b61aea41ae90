"""Writes stay in scope: server-set school/district fields and related rows checked against the scope."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import RelationshipDirection

from app.commands.errors import FieldErrors
from app.security.scope import Scope, criterion, is_scoped

NOT_AVAILABLE = _l("The chosen record does not exist or is not available.")


def assign_scope(session, item, scope: Scope) -> None:
    """Set the scope fields the user may not choose (their school, their district), relation too."""
    if scope.everything or scope.nothing or not is_scoped(type(item)):
        return
    forced = {"district_id": scope.district_id}
    if scope.school_id is not None:
        forced["school_id"] = scope.school_id
    columns = type(item).__table__.columns
    state = sa_inspect(item)
    for rel in sa_inspect(type(item)).relationships:
        local = next(iter(rel.local_columns)).key
        if rel.direction is not RelationshipDirection.MANYTOONE or local not in forced or local not in columns:
            continue
        if columns[local].nullable and state.persistent and getattr(item, local) is not None:
            continue  # an optional owner (a household's registering school) is set once, on creation
        setattr(item, rel.key, session.get(rel.mapper.class_, forced[local]))
        setattr(item, local, forced[local])


def _related_keys(item):
    """(relation name, target model, key) for each scoped many-to-one relation that is set."""
    mapper = sa_inspect(type(item))
    for rel in mapper.relationships:
        target = rel.mapper.class_
        if rel.direction is not RelationshipDirection.MANYTOONE or not is_scoped(target):
            continue
        obj = getattr(item, rel.key)
        key = obj.id if obj is not None else getattr(item, next(iter(rel.local_columns)).key)
        if key is not None:
            yield rel.key, target, key


def check_scope(session, item, scope: Scope) -> None:
    """Every scoped row the item points to must be inside the scope; raise FieldErrors if not."""
    errors = {}
    with session.no_autoflush:
        for name, target, key in _related_keys(item):
            where = criterion(target, scope)
            if where is None:
                continue
            if session.query(target.id).filter(target.id == key, where).first() is None:
                errors[name] = [NOT_AVAILABLE]
    if errors:
        raise FieldErrors(errors)
