"""The assessment queue's reads: grade, class, status and the start of a name, combined, in the scope."""
import pytest

from app.models import ApplicationStatus
from app.queries.applications import Filters, queue_rows, status_counts
from app.security.scope import Scope
from tests.factories import current_term, make_application, make_school, make_student


@pytest.fixture
def queue(session):
    """Two schools of one district; school A has 张美 (3年级1班), 张美丽 (3年级2班, submitted), 李张 (4年级2班),
    Zhang Wei (3年级2班); school B has 张美 (3年级1班)."""
    a = make_school(session)
    b = make_school(session, district=a.district)
    rows = [
        (a, "张美", 3, "1班", ApplicationStatus.DRAFT),
        (a, "张美丽", 3, "2班", ApplicationStatus.SUBMITTED),
        (a, "李张", 4, "2班", ApplicationStatus.DRAFT),
        (a, "Zhang Wei", 3, "2班", ApplicationStatus.DRAFT),
        (b, "张美", 3, "1班", ApplicationStatus.DRAFT),
    ]
    for school, name, grade, class_name, status in rows:
        pupil = make_student(session, school=school, name=name, grade=grade, class_name=class_name)
        make_application(session, pupil, status=status)
    session.commit()
    return a, b, current_term(session)


def _names(session, scope, **filters) -> list[str]:
    return [r.name for r in queue_rows(session, scope, Filters(**filters))]


def test_queue_filters_by_grade_class_status_and_name_start(session, queue):
    a, _b, term = queue
    school = Scope(district_id=a.district_id, school_id=a.id)
    assert _names(session, school, term_id=term.id, grade=3) == ["张美", "张美丽", "Zhang Wei"]
    assert _names(session, school, term_id=term.id, grade=3, class_name="2班") == ["张美丽", "Zhang Wei"]
    assert _names(session, school, term_id=term.id, class_name="2班") == ["张美丽", "李张", "Zhang Wei"]
    assert _names(session, school, term_id=term.id, name="张") == ["张美", "张美丽"]  # starts with, not contains
    assert _names(session, school, term_id=term.id, name="张美丽") == ["张美丽"]
    assert _names(session, school, term_id=term.id, name="zhang") == ["Zhang Wei"]  # Latin letters: any case
    assert _names(session, school, term_id=term.id, name="张", status=ApplicationStatus.SUBMITTED) == ["张美丽"]
    assert _names(session, school, term_id=term.id, name="100%") == []  # a wildcard is a plain character


def test_counts_follow_the_pupil_filters(session, queue):
    a, _b, term = queue
    school = Scope(district_id=a.district_id, school_id=a.id)
    assert status_counts(session, school, Filters(term_id=term.id, class_name="2班")) == {
        ApplicationStatus.SUBMITTED: 1, ApplicationStatus.DRAFT: 2}
    assert status_counts(session, school, Filters(term_id=term.id, name="张")) == {
        ApplicationStatus.SUBMITTED: 1, ApplicationStatus.DRAFT: 1}


def test_filters_stay_inside_the_scope(session, queue):
    a, b, term = queue
    school = Scope(district_id=a.district_id, school_id=a.id)
    district = Scope(district_id=a.district_id)
    teacher = Scope(district_id=a.district_id, school_id=a.id, classes=((3, "2班"),))
    assert _names(session, school, term_id=term.id, name="张美", class_name="1班") == ["张美"]
    assert [r.school_name for r in queue_rows(session, district, Filters(
        term_id=term.id, name="张美", class_name="1班"))] == [a.name, b.name]
    assert _names(session, school, term_id=term.id, school_id=b.id, name="张美") == []
    assert _names(session, teacher, term_id=term.id, name="张") == ["张美丽"]
    assert status_counts(session, teacher, Filters(term_id=term.id, grade=3)) == {
        ApplicationStatus.SUBMITTED: 1, ApplicationStatus.DRAFT: 1}


def test_counts_stop_at_the_cap_and_say_so(session, queue, monkeypatch):
    """A district of a million pupils counts each status only up to the cap: 5000+."""
    from app.queries import applications

    a, _b, term = queue
    district = Scope(district_id=a.district_id)
    monkeypatch.setattr(applications, "COUNT_CAP", 3)
    counts = status_counts(session, district, Filters(term_id=term.id))
    assert counts == {ApplicationStatus.DRAFT: 3, ApplicationStatus.SUBMITTED: 1}  # 4 drafts, 1 submitted
    assert str(counts[ApplicationStatus.DRAFT]) == "3+" and str(counts[ApplicationStatus.SUBMITTED]) == "1"
    assert str(sum(counts.values())) == "4+"  # the 全部 tab
    monkeypatch.setattr(applications, "PUPIL_COUNT_CAP", 2)
    counts = status_counts(session, district, Filters(term_id=term.id, grade=3))  # 4 matches
    assert all(str(n).endswith("+") for n in counts.values())  # each one at least so many
    assert str(sum(counts.values())) == "3+"  # the first three matches were counted
    counts = status_counts(session, district, Filters(term_id=term.id, grade=3, class_name="2班"))  # 2 matches
    assert {s: str(n) for s, n in counts.items()} == {ApplicationStatus.DRAFT: "1", ApplicationStatus.SUBMITTED: "1"}


def test_a_schools_class_is_its_pupils_class(session, queue):
    """Filtered by class (or name) a school's queue shows its own pupils; one who moved to another
    school since is found in the unfiltered list."""
    a, b, term = queue
    school = Scope(district_id=a.district_id, school_id=a.id)
    moved = make_student(session, school=b, name="张迁", grade=3, class_name="1班")
    make_application(session, moved, school_id=a.id)  # applied at school A, then moved to B
    session.commit()
    assert "张迁" in _names(session, school, term_id=term.id)
    assert _names(session, school, term_id=term.id, grade=3, class_name="1班") == ["张美"]
    district = Scope(district_id=a.district_id)
    assert "张迁" not in _names(session, district, term_id=term.id, school_id=a.id, name="张")
