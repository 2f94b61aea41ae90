"""No page of the app loads anything from the internet (FAB's Google Charts user statistics)."""


def test_fab_user_statistics_chart_is_not_registered(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert not any("userstatschartview" in rule for rule in rules)
    names = {item.name for category in app.appbuilder.menu.get_list() for item in category.childs}
    assert "User's Statistics" not in names
