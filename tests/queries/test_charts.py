"""The chart engine: one GROUP BY per series in scope, small sensitive counts masked, money to the fen."""
from contextlib import contextmanager

from sqlalchemy import event

from app.models import Application, Entitlement, SpecialGroup, Student
from app.queries.charts import MASKED, Category, Chart, Figures, Ratio, Series, chart_data, via
from app.queries.dashboard import BY_GROUP, BY_SCHOOL, SCHOOL, enrolled
from app.security.scope import Scope
from tests.factories import make_entitlement, make_household, make_school, make_student


@contextmanager
def _statements(session):
    """The SQL statements the session's connection runs inside the block."""
    found = []
    engine = session.get_bind()

    def seen(_conn, _cursor, statement, *_args):
        found.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def _pupils(session, school, n: int, group: SpecialGroup | None = None) -> list[Student]:
    found = []
    for _ in range(n):
        household = make_household(session, school.district)
        if group is not None:
            household.special_groups.append(group)
        found.append(make_student(session, school=school, household=household))
    session.flush()
    return found


def test_sensitive_counts_from_one_to_four_show_as_under_five(session):
    school = make_school(session)
    orphan, dibao, other = (session.query(SpecialGroup).filter_by(code=c).one()
                            for c in ("orphan", "dibao", "tekun"))
    _pupils(session, school, 4, orphan)
    _pupils(session, school, 5, dibao)
    _pupils(session, school, 1, other)
    chart = Chart("g", "groups", BY_GROUP, (enrolled(sensitive=True), enrolled(name="open")))
    data = chart_data(session, Scope(district_id=school.district_id), chart)
    shown = dict(zip(data["labels"], data["series"][0]["data"], strict=True))
    assert shown == {orphan.name: MASKED, dibao.name: 5, other.name: MASKED}
    assert data["series"][0]["total"] is None  # a total would give the masked counts away
    assert dict(zip(data["labels"], data["series"][1]["data"], strict=True))[orphan.name] == 4  # not sensitive


def test_sums_are_exact_to_the_fen_and_ratios_divide_per_category(session):
    first = make_school(session)
    second = make_school(session, first.district)
    for pupil, amount in zip(_pupils(session, first, 3), ("312.50", "0.01", "625.00"), strict=True):
        make_entitlement(session, pupil, amount=amount)
    _pupils(session, second, 2)

    money = Series("amount", Entitlement, value=Entitlement.amount)
    aided = Series("aided", Entitlement, distinct=Entitlement.student_id)
    chart = Chart("m", "money", BY_SCHOOL, (money, Ratio("coverage", aided, enrolled())))
    data = chart_data(session, Scope(district_id=first.district_id), chart)
    assert data["labels"] == [first.name, second.name] and data["keys"] == [first.id, second.id]
    assert data["series"][0]["data"] == ["937.51", "0.00"] and data["series"][0]["total"] == "937.51"
    assert data["series"][1]["data"] == [100.0, 0.0] and data["series"][1]["total"] == 60.0
    assert data["unit"] == "mixed"


def test_figures_stay_inside_the_scope(session):
    school = make_school(session)
    elsewhere = make_school(session)  # another district
    _pupils(session, school, 2)
    _pupils(session, elsewhere, 3)
    chart = Chart("p", "pupils", Category(SCHOOL.township, join=via(SCHOOL, "school_id")), (enrolled(),))
    assert chart_data(session, Scope(district_id=school.district_id), chart)["series"][0]["data"] == [2]
    assert chart_data(session, Scope(district_id=elsewhere.district_id, school_id=elsewhere.id),
                      chart)["series"][0]["data"] == [3]
    assert chart_data(session, Scope(), chart)["series"][0]["data"] == []  # no scope, nothing
    assert chart_data(session, Scope(everything=True), chart)["series"][0]["total"] == 5


def test_a_pupil_aided_in_two_schools_in_one_term_counts_once_in_the_totals(session):
    first = make_school(session)
    second = make_school(session, first.district)
    moved, stayed = _pupils(session, first, 1)[0], _pupils(session, second, 1)[0]
    paid = make_entitlement(session, moved, item="living_subsidy")  # paid by the first school before the move
    make_entitlement(session, moved, item="supplies", application=session.get(Application, paid.application_id),
                     school_id=second.id)  # the second school's, after the move
    make_entitlement(session, stayed)
    aided = Series("aided", Entitlement, distinct=Entitlement.student_id)
    chart = Chart("a", "aided", BY_SCHOOL, (aided, Ratio("coverage", aided, enrolled())))
    data = chart_data(session, Scope(district_id=first.district_id), chart)
    assert data["series"][0]["data"] == [1, 2]  # each school counts the pupil it aided
    assert data["series"][0]["total"] == 2  # the district aided two pupils, not three
    assert data["series"][1]["total"] == 100.0  # two aided of two enrolled, not 150 %


def test_a_pupil_in_two_special_groups_counts_once_in_an_open_total(session):
    school = make_school(session)
    orphan, dibao = (session.query(SpecialGroup).filter_by(code=c).one() for c in ("orphan", "dibao"))
    pupil = _pupils(session, school, 1, orphan)[0]
    pupil.household.special_groups.append(dibao)
    _pupils(session, school, 1, dibao)
    session.flush()
    data = chart_data(session, Scope(district_id=school.district_id), Chart("g", "g", BY_GROUP, (enrolled(),)))
    assert sorted(data["series"][0]["data"]) == [1, 2]
    assert data["series"][0]["total"] == 2  # two pupils, one of them in both groups


def test_charts_drawn_together_query_a_shared_series_once(session):
    school = make_school(session)
    _pupils(session, school, 3)
    pupils = enrolled()
    figures = Figures(session, Scope(district_id=school.district_id))
    by_school = Chart("s", "s", BY_SCHOOL, (pupils,))
    with _statements(session) as queries:
        first = chart_data(session, figures.scope, by_school, figures)
        again = chart_data(session, figures.scope, Chart("t", "t", BY_SCHOOL, (pupils,)), figures)
    assert first["series"] == again["series"] and first["series"][0]["data"] == [3]
    assert len(queries) == 1  # the second chart reads the first's figures
    with _statements(session) as queries:
        chart_data(session, figures.scope, by_school)  # on its own: queried afresh
    assert len(queries) == 1


def test_a_series_shown_by_several_categories_is_one_group_by_with_the_same_figures(session):
    from app.queries.dashboard import BY_BOARDING, BY_TOWNSHIP

    first = make_school(session, township="城关镇")
    second = make_school(session, first.district, township="河口镇")
    third = make_school(session, first.district, township="城关镇")
    for school, n in ((first, 3), (second, 2), (third, 1)):
        _pupils(session, school, n)
    session.query(Student).filter(Student.school_id == second.id).update({"boarding": True})
    pupils, scope = enrolled(), Scope(district_id=first.district_id)
    charts = [Chart(key, key, by, (pupils,)) for key, by in (("s", BY_SCHOOL), ("t", BY_TOWNSHIP), ("b", BY_BOARDING))]
    alone = [chart_data(session, scope, chart) for chart in charts]
    figures = Figures(session, scope)
    figures.plan(charts)
    with _statements(session) as queries:
        together = [chart_data(session, scope, chart, figures) for chart in charts]
    assert together == alone and len(queries) == 1
    assert [c["series"][0]["data"] for c in together] == [[3, 2, 1], [4, 2], [4, 2]]
    assert {c["series"][0]["total"] for c in together} == {6}
    distinct = Series("aided", Entitlement, distinct=Entitlement.student_id)  # a pupil in two bars: never folded
    figures.plan([Chart("a", "a", BY_SCHOOL, (distinct,)), Chart("b", "b", BY_TOWNSHIP, (distinct,))])
    assert id(distinct) not in figures._together
