"""Writes stay in scope: server-set school/district fields and related rows checked against the scope."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import RelationshipDirection

from app.errors import FieldErrors
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
    with session.no_autoflush:  # a flush here would hide what a body changed in related lists
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


def _in_scope(session, target, keys, scope: Scope) -> set:
    """The subset of `keys` (ids of `target`) inside `scope`."""
    where = criterion(target, scope)
    keys = {k for k in keys if k is not None}
    if where is None or not keys:
        return keys
    return {k for (k,) in session.query(target.id).filter(target.id.in_(keys), where)}


def _new_rows(item) -> list[str]:
    """Relations that point at a row not yet in the database: relations take existing rows only."""
    names = []
    for rel in sa_inspect(type(item)).relationships:
        if rel.viewonly:
            continue
        value = getattr(item, rel.key) if rel.key in sa_inspect(item).dict else None
        rows = (list(value) if rel.uselist else [value]) if value is not None else []
        if any(sa_inspect(row).transient or sa_inspect(row).pending for row in rows):
            names.append(rel.key)
    return names


def _check_collections(session, item, scope: Scope) -> dict:
    """To-many relations: rows added must be in scope; rows removed that the user cannot see stay.

    A household's `students` or `members` replaced wholesale may neither pull in another school's
    pupil nor drop the pupils of other classes that a class teacher does not see.
    """
    errors = {}
    state = sa_inspect(item)
    for rel in sa_inspect(type(item)).relationships:
        target = rel.mapper.class_
        if not rel.uselist or rel.viewonly or not is_scoped(target) or criterion(target, scope) is None:
            continue
        history = state.attrs[rel.key].history
        added = [row for row in history.added or () if row is not None]
        if added and len(_in_scope(session, target, [r.id for r in added], scope)) < len({r.id for r in added}):
            errors[rel.key] = [NOT_AVAILABLE]
            continue
        removed = [row for row in history.deleted or () if row is not None]
        hidden = set(r.id for r in removed) - _in_scope(session, target, [r.id for r in removed], scope)
        for row in removed:
            if row.id in hidden:
                getattr(item, rel.key).append(row)  # not the user's to remove
    return errors


def check_scope(session, item, scope: Scope) -> None:
    """Every scoped row the item points to, singly or in a list, must be inside the scope.

    Relations name existing rows only; raise FieldErrors naming each refused relation.
    """
    errors = {name: [NOT_AVAILABLE] for name in _new_rows(item)}
    with session.no_autoflush:
        for name, target, key in _related_keys(item):
            if name not in errors and not _in_scope(session, target, [key], scope):
                errors[name] = [NOT_AVAILABLE]
        errors.update({k: v for k, v in _check_collections(session, item, scope).items() if k not in errors})
    if errors:
        raise FieldErrors(errors)
