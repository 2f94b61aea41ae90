"""Every page loads the date picker's Chinese names (served from this host) when it is in Chinese only,
and tells FAB's scripts what to write in the page's language."""
import json
import re

LOCALE = "/static/js/vendor/bootstrap-datepicker.zh-CN.js"


def _i18n(page: str) -> dict:
    return json.loads(re.search(r"window\.ZZ_I18N = (\{.*?\});", page, re.S).group(1))


def test_a_chinese_page_loads_the_date_pickers_chinese_and_an_english_page_does_not(client, login, place):
    login("school1")
    client.get("/lang/zh")
    zh = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert LOCALE in zh and "/static/js/fab_i18n.js" in zh
    assert _i18n(zh)["datepickerLanguage"] == "zh-CN" and _i18n(zh)["choose"] == "请选择"
    script = client.get(LOCALE)
    assert script.status_code == 200 and "星期一" in script.get_data(as_text=True)
    client.get("/lang/en")
    en = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert LOCALE not in en and _i18n(en)["datepickerLanguage"] == "" and _i18n(en)["choose"] == "Select Value"
