"""A pupil's class reads naturally in each language: 3年级1班, Grade 3, Class 1 (app/formatting.py)."""


def test_the_pupil_picker_names_the_class_in_the_readers_language(client, login, place):
    login("school1")
    client.get("/lang/zh")
    zh = client.get("/applicationmodelview/lookup/student?q=李").get_json()["results"]
    assert [r["text"].split(" · ")[1] for r in zh] == ["3年级1班"]
    client.get("/lang/en")
    en = client.get("/applicationmodelview/lookup/student?q=李").get_json()["results"]
    assert [r["text"].split(" · ")[1] for r in en] == ["Grade 3, Class 1"]
