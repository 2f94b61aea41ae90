"""Audit summaries: the codes commands write are shown in words, names and numbers as written."""
from app.commands.identification import STEP_LABELS
from app.views.admin.audit_summary import WORDS, format_summary


def test_workflow_codes_are_shown_in_words(app):
    with app.test_request_context():
        assert format_summary("decide: relative") == f"{STEP_LABELS['decide']}: {WORDS['relative']}"
        assert format_summary("withdraw: objection 3 upheld") == \
            f"{STEP_LABELS['withdraw']}: {WORDS['objection']} 3 {WORDS['upheld']}"
        assert format_summary("assess: v1 67.00") == f"{STEP_LABELS['assess']}: v1 67.00"
        assert format_summary("return: 缺少收入证明") == f"{STEP_LABELS['return']}: 缺少收入证明"
        assert format_summary("") == ""


def test_unknown_words_stay_as_written(app):
    with app.test_request_context():
        assert format_summary("school1 did something") == "school1 did something"


def test_a_batch_made_reads_as_its_pupils_and_total(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("zh"):
        assert format_summary("create: 6 1875.00") == "生成批次：6 名学生，1875.00 元"
        assert "名学生" not in format_summary("create: 3 x 2 书包")  # aid in kind writes another form
