"""FAB's download route answers 404 on our views; `_info` never shows the catalogue's header."""
import pytest
from flask_babel import force_locale, gettext, lazy_gettext

HEADER = "Project-Id-Version"


@pytest.fixture
def admin(app, client, make_user, login, jwt):
    """The test client signed in as an administrator, and that administrator's JWT headers."""
    make_user("adm", "Admin")
    login("adm")
    return jwt("adm")


def _zizhu_download_urls(app) -> list[str]:
    """The download route of every one of our ModelViews."""
    from app.fab.downloads import NoFileDownload

    views = [v for v in app.appbuilder.baseviews if isinstance(v, NoFileDownload)]
    return [f"{v.route_base}/download/%E5%AD%A6%E7%94%9F.xlsx" for v in views]


def test_download_route_of_every_model_view_answers_404(app, client, admin):
    urls = _zizhu_download_urls(app)
    assert len(urls) >= 15
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_a_list_page_of_the_same_views_still_answers(client, admin):
    assert client.get("/studentmodelview/list/").status_code == 200


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_info_description_or_label_is_the_catalogue_header(app, client, admin, language):
    infos = [r.rule for r in app.url_map.iter_rules() if r.rule.endswith("/_info")]
    assert len(infos) >= 15
    for url in infos:
        resp = client.get(url, headers={**admin, "Accept-Language": language})
        assert resp.status_code == 200, url
        assert HEADER not in resp.get_data(as_text=True), url


@pytest.mark.parametrize("language", ["zh", "en"])
def test_gettext_of_an_empty_string_is_empty_and_other_strings_still_translate(app, language):
    with app.app_context(), force_locale(language):  # as a job translates, outside any request
        assert gettext("") == "" and str(lazy_gettext("")) == ""
        assert gettext("Pupils") == ("学生" if language == "zh" else "Pupils")


def test_download_route_keeps_the_read_permission_of_its_view(app, session, client, make_user, login):
    from tests.factories import make_district

    make_user("leader", "Leader", district=make_district(session))
    login("leader")
    assert client.get("/studentmodelview/download/x.xlsx").status_code in (302, 403)
    assert client.get("/schoolmodelview/download/x.xlsx").status_code == 404  # leaders read schools


def test_fabs_own_security_views_answer_404_on_download_too(app, client, admin):
    from flask_appbuilder.baseviews import BaseCRUDView

    crud = [v for v in app.appbuilder.baseviews if isinstance(v, BaseCRUDView) and hasattr(v, "download")]
    bases = {v.route_base for v in crud}
    assert {"/users", "/roles"} <= bases
    for base in bases:  # FAB's read-only security views refuse the route (403): never a 500
        expected = (404,) if base in ("/users", "/roles", "/groups") else (403, 404)
        assert client.get(f"{base}/download/x.xlsx").status_code in expected, base
