"""The role matrix: every view and API method has a decision, and the docs show the current one."""
from pathlib import Path

from app.security.matrix import render_markdown, undecided, zizhu_views
from app.security.roles import AREAS, GRANTS, PERMISSION_FOLD, allowed

DOC = Path(__file__).resolve().parents[2] / "docs" / "role-matrix.md"


def test_every_registered_view_and_method_has_a_decision(app):
    assert zizhu_views(app.appbuilder), "no Zizhu views registered?"
    assert undecided(app.appbuilder) == []


def test_a_view_without_a_decision_is_reported(app):
    view = zizhu_views(app.appbuilder)[0]
    saved = view.method_permission_name
    view.method_permission_name = {k: v for k, v in saved.items() if k != "list"}
    try:
        assert f"{type(view).__name__}.list" in undecided(app.appbuilder)
    finally:
        view.method_permission_name = saved


def test_docs_role_matrix_is_current(app):
    with app.test_request_context():
        assert DOC.read_text(encoding="utf-8") == render_markdown(app.appbuilder), \
            "run: flask --app run.py aid role-matrix --output docs/role-matrix.md"


def test_grants_name_only_known_areas_and_actions():
    for role, areas in GRANTS.items():
        assert set(areas) <= set(AREAS.values()), role
        for actions in areas.values():
            assert actions <= set(PERMISSION_FOLD.values()), role


def test_key_decisions():
    assert not allowed("Leader", "Student", "read")
    assert allowed("Auditor", "Student", "read") and not allowed("Auditor", "Student", "write")
    assert allowed("SchoolOfficer", "Student", "reveal") and not allowed("ClassTeacher", "Student", "reveal")
    assert not allowed("SchoolOfficer", "UserScope", "read") and allowed("DistrictOfficer", "UserScope", "write")
