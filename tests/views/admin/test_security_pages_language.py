"""FAB's security pages and the profile page name roles, groups, permissions and views in the reader's
language (学校资助专干, 学生：查看), never by FAB's identifiers (SchoolOfficer, can_read on Student)."""
import html
import re

import pytest

from app.security.names import permission_view_label, view_label

IDENTIFIERS = re.compile(r"\[SchoolOfficer\]|\bcan_(read|list|write|show)\b|\bon (Student|StudentModelView)\b")


@pytest.fixture
def admin(client, make_user, login, place):
    """An administrator signed in on the test client, beside the place's school officer."""
    make_user("boss", "Admin")
    login("boss")
    return client


def _page(client, url: str, language: str) -> str:
    client.get(f"/lang/{language}")
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return html.unescape(resp.get_data(as_text=True))


def test_the_profile_page_names_the_role_in_chinese_and_in_english(client, login, place):
    login("school1")
    zh = _page(client, "/users/userinfo/", "zh")
    assert "学校资助专干" in zh and "SchoolOfficer" not in zh
    en = _page(client, "/users/userinfo/", "en")
    assert "School aid officer" in en and "SchoolOfficer" not in en


def test_the_user_list_names_roles_by_label(admin):
    zh = _page(admin, "/users/list/", "zh")
    assert "学校资助专干" in zh and "系统管理员" in zh and not IDENTIFIERS.search(zh)
    en = _page(admin, "/users/list/", "en")
    assert "School aid officer" in en and "System administrator" in en


def test_the_role_pages_show_roles_and_permissions_by_readable_names(admin, session):
    from app.models import User

    zh = _page(admin, "/roles/list/", "zh")
    assert "学校资助专干" in zh and "学生：查看" in zh
    assert not IDENTIFIERS.search(zh), IDENTIFIERS.search(zh)
    officer = next(r for r in session.query(User).filter_by(username="school1").one().roles)
    edit = _page(admin, f"/roles/edit/{officer.id}", "zh")
    assert "学生：查看" in edit and "can_read on Student" not in edit
    assert 'value="SchoolOfficer"' in edit  # the role's own name stays what it is
    en = _page(admin, f"/roles/show/{officer.id}", "en")
    assert "Pupil: Read" in en and "can_read" not in en


def test_the_group_pages_have_translated_columns_and_role_labels(admin, app, session):
    sm = app.appbuilder.sm
    group = sm.group_model(name="officers", label="资助专干组", roles=[sm.find_role("SchoolOfficer")])
    session.add(group)
    session.commit()
    zh = _page(admin, "/groups/list/", "zh")
    assert "显示名称" in zh and "学校资助专干" in zh and "[SchoolOfficer]" not in zh
    edit = _page(admin, f"/groups/edit/{group.id}", "en")
    assert "School aid officer" in edit and "Display name" in edit


def test_permission_and_view_lists_are_readable(admin):
    zh = _page(admin, "/permissionviews/list/", "zh")
    assert "学生" in zh and "查看" in zh and not re.search(r"<td>\s*can_read\s*</td>", zh)
    views = _page(admin, "/viewmenus/list/", "en")
    assert "Pupils and households" in views and "Pupil" in views
    permissions = _page(admin, "/permissions/list/?psize_ZizhuPermissionModelView=100", "zh")
    assert "菜单中显示" in permissions and not re.search(r"<td>\s*menu_access\s*</td>", permissions)


def test_every_view_menu_has_a_readable_name(app, session):
    """The mapping covers every view menu and permission the system holds: none falls back to its identifier."""
    from flask_babel import force_locale

    from app.security.names import PERMISSION_LABELS

    sm = app.appbuilder.sm
    with app.test_request_context(), force_locale("zh"):
        unnamed = [v.name for v in session.query(sm.viewmenu_model) if view_label(v) == v.name]
        assert not unnamed, unnamed
        assert not [p.name for p in session.query(sm.permission_model) if p.name not in PERMISSION_LABELS]
        pv = next(pv for pv in session.query(sm.permissionview_model)
                  if pv.view_menu.name == "Student" and pv.permission.name == "can_read")
        assert permission_view_label(pv) == "学生：查看"


def test_a_role_saved_through_the_named_picker_keeps_the_permissions_chosen(admin, app, session):
    sm = app.appbuilder.sm
    role = sm.add_role("Visitor")
    chosen = [pv for pv in session.query(sm.permissionview_model)
              if pv.view_menu.name == "Student" and pv.permission.name in ("can_read", "menu_access")][:2]
    resp = admin.post(f"/roles/edit/{role.id}", data={"name": "Visitor", "permissions": [pv.id for pv in chosen]})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    session.expire_all()
    assert {pv.id for pv in sm.find_role("Visitor").permissions} == {pv.id for pv in chosen}
