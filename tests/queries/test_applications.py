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
