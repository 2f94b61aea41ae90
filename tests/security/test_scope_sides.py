"""The scope rules from both sides: for each role's scope, which rows of each model it sees and which it does not."""
from dataclasses import dataclass
from datetime import date

import pytest

from app.models import (
    Application,
    AssessmentStandard,
    AuditEvent,
    District,
    FundAccount,
    FundSource,
    HomeVisit,
    Household,
    HouseholdMember,
    Job,
    NoticeEntry,
    Objection,
    PublicNotice,
    Relation,
    ReviewDecision,
    ReviewOutcome,
    ReviewStage,
    School,
    Student,
    Term,
    Tier,
    User,
    UserScope,
)
from app.security.scope import Scope, criterion, is_scoped, limit, parse_classes, scope_for
from tests.factories import make_household, make_standard, make_student

TODAY = date(2026, 10, 8)


@dataclass
class Rows:
    """Tagged rows of every scoped model: tag → id, per model."""

    ids: dict
    scopes: dict


def _notice_rows(session, world, apps, term):
    """A notice per school; an entry and an objection per application."""
    notices = {}
    for tag, school in (("A", world.a), ("B", world.b), ("C", world.c)):
        notice = PublicNotice(school_id=school.id, term_id=term.id, title=f"{tag}公示", starts_on=TODAY,
                              ends_on=TODAY, working_days=5, objection_days=5)
        session.add(notice)
        notices[tag] = notice
    session.flush()
    entries, objections = {}, {}
    for tag, app in apps.items():
        notice = notices["A" if tag == "OC" else tag]
        entry = NoticeEntry(notice_id=notice.id, application_id=app.id, sort_key=tag, name=f"{tag}学生",
                            grade=3, class_name="1班", tier_name="一般困难")
        session.add(entry)
        session.flush()
        objection = Objection(notice_id=notice.id, entry_id=entry.id, application_id=app.id,
                              school_id=app.school_id, received_on=TODAY, content="异议", due_on=TODAY)
        session.add(objection)
        entries[tag], objections[tag] = entry, objection
    session.flush()
    return notices, entries, objections


def _review_rows(session, apps):
    """A home visit and a committee decision per application."""
    visits, decisions = {}, {}
    for tag, app in apps.items():
        visits[tag] = HomeVisit(application_id=app.id, visited_on=TODAY, visitors="班主任", findings="属实")
        decisions[tag] = ReviewDecision(application_id=app.id, stage=ReviewStage.SCHOOL,
                                        outcome=ReviewOutcome.PASSED, decided_on=TODAY, members="五人")
    session.add_all([*visits.values(), *decisions.values()])
    session.flush()
    return visits, decisions


def _people_rows(session, world, term):
    """Another class of school A with its household and application; a household A registered, no pupil."""
    other_household = make_household(session, district=world.d, guardian_name="另班家长")
    other_class = make_student(session, school=world.a, household=other_household, name="另班学生",
                               grade=5, class_name="2班")
    registered = make_household(session, district=world.d, school_id=world.a.id, guardian_name="登记家长")
    member = HouseholdMember(household_id=registered.id, name="登记母亲", relation=Relation.MOTHER)
    session.add(member)
    app = Application(student_id=other_class.id, school_id=world.a.id, term_id=term.id,
                      school_year_id=term.school_year_id)
    session.add(app)
    session.flush()
    return other_class, other_household, registered, member, app


def _users(session, world, make_user):
    """Users of every station (the world's, plus officers of schools B and C) and their ids."""
    make_user("school_b", "SchoolOfficer", school=world.b)
    make_user("school_c", "SchoolOfficer", school=world.c)
    return {u.username: u.id for u in session.query(User)}


def _audit_rows(session, world, users):
    """Events of each school, and logins (no school) of a district user, a school A user and a school C user."""
    events = {f"ev{tag}": AuditEvent(action="reveal", school_id=school.id)
              for tag, school in (("A", world.a), ("B", world.b), ("C", world.c))}
    for name in ("district", "school_a", "school_c"):
        events[f"login_{name}"] = AuditEvent(action="login", user_id=users[name], username=name)
    session.add_all(events.values())
    session.flush()
    return events


def _build(session, world, make_user) -> dict:
    """Every tagged row, as {model: {tag: id}}."""
    term = session.query(Term).filter_by(is_current=True).one()
    other_class, other_household, registered, member, app_oc = _people_rows(session, world, term)
    apps = {**world.application, "OC": app_oc}
    notices, entries, objections = _notice_rows(session, world, apps, term)
    visits, decisions = _review_rows(session, apps)
    standards = {"D": make_standard(session, world.d), "E": make_standard(session, world.e)}
    district_account = FundAccount(code="ACC-D", name="县账户", source=FundSource.COUNTY, fiscal_year=2026,
                                   district_id=world.d.id)
    session.add(district_account)
    users = _users(session, world, make_user)
    jobs = {name: Job(kind="pupil_roster", user_id=users[name]) for name in ("district", "school_a")}
    session.add_all(jobs.values())
    events = _audit_rows(session, world, users)
    session.commit()
    ids = lambda rows: {tag: row.id for tag, row in rows.items()}  # noqa: E731
    scope_rows = {s.user_id: name for name, s in
                  ((n, session.query(UserScope).filter_by(user_id=i).one_or_none()) for n, i in users.items())
                  if s is not None}
    return {
        District: {"D": world.d.id, "E": world.e.id},
        School: {"A": world.a.id, "B": world.b.id, "C": world.c.id},
        Student: {**ids(world.pupil), "OC": other_class.id},
        Household: {**ids(world.household), "OC": other_household.id, "REG": registered.id},
        HouseholdMember: {**ids(world.member), "REG": member.id},
        Application: ids(apps), HomeVisit: ids(visits), ReviewDecision: ids(decisions),
        PublicNotice: ids(notices), NoticeEntry: ids(entries), Objection: ids(objections),
        AssessmentStandard: ids(standards),
        FundAccount: {**ids(world.account), "D": district_account.id},
        UserScope: {name: session.query(UserScope.id).filter_by(user_id=uid).scalar()
                    for uid, name in scope_rows.items()},
        User: users, Job: ids(jobs), AuditEvent: ids(events),
    }


@pytest.fixture
def rows(session, world, make_user) -> Rows:
    """The world of tests/security/conftest.py with a row of every scoped model, and each station's scope."""
    ids = _build(session, world, make_user)
    users = ids[User]
    d, a = world.d.id, world.a.id
    return Rows(ids=ids, scopes={
        "district": Scope(district_id=d, user_id=users["district"]),
        "school": Scope(district_id=d, school_id=a, user_id=users["school_a"]),
        "teacher": Scope(district_id=d, school_id=a, classes=((3, "1班"),), user_id=users["teacher_a"]),
    })


SCHOOL_A_USERS = {"school_a", "teacher_a"}
DISTRICT_D_USERS = {"district", "leader", "school_a", "teacher_a", "school_b"}

# station → model → the tags it sees (every other tagged row of the model is refused)
EXPECTED = {
    "district": {
        District: {"D"}, School: {"A", "B"}, Student: {"A", "B", "OC"},
        Household: {"A", "B", "OC", "REG"}, HouseholdMember: {"A", "B", "REG"},
        Application: {"A", "B", "OC"}, HomeVisit: {"A", "B", "OC"}, ReviewDecision: {"A", "B", "OC"},
        PublicNotice: {"A", "B"}, NoticeEntry: {"A", "B", "OC"}, Objection: {"A", "B", "OC"},
        AssessmentStandard: {"D"}, FundAccount: {"A", "B", "D"},
        UserScope: DISTRICT_D_USERS, User: DISTRICT_D_USERS, Job: {"district"},
        AuditEvent: {"evA", "evB", "login_district", "login_school_a"},
    },
    "school": {
        District: {"D"}, School: {"A"}, Student: {"A", "OC"},
        Household: {"A", "OC", "REG"}, HouseholdMember: {"A", "REG"},
        Application: {"A", "OC"}, HomeVisit: {"A", "OC"}, ReviewDecision: {"A", "OC"},
        PublicNotice: {"A"}, NoticeEntry: {"A", "OC"}, Objection: {"A", "OC"},
        AssessmentStandard: {"D"}, FundAccount: {"A"},
        UserScope: SCHOOL_A_USERS, User: SCHOOL_A_USERS, Job: {"school_a"},
        AuditEvent: {"evA", "login_school_a"},
    },
    "teacher": {
        District: {"D"}, School: {"A"}, Student: {"A"},
        Household: {"A"}, HouseholdMember: {"A"},
        Application: {"A"}, HomeVisit: {"A"}, ReviewDecision: {"A"},
        PublicNotice: {"A"}, NoticeEntry: {"A"}, Objection: {"A"},
        AssessmentStandard: {"D"}, FundAccount: {"A"},
        UserScope: SCHOOL_A_USERS, User: SCHOOL_A_USERS, Job: set(),
        AuditEvent: {"evA", "login_school_a"},
    },
}


def _seen(session, model, scope, tagged: dict) -> set:
    """The tags of `tagged` rows that `scope` lets through."""
    found = {row.id for row in limit(session.query(model.id), model, scope)}
    return {tag for tag, row_id in tagged.items() if row_id in found}


def test_each_station_sees_its_rows_of_each_model_and_no_other(session, rows):
    seen = {station: {model: _seen(session, model, rows.scopes[station], rows.ids[model]) for model in models}
            for station, models in EXPECTED.items()}
    assert seen == EXPECTED


def test_class_teacher_sees_only_households_of_their_classes_not_the_whole_school(session, rows):
    households = rows.ids[Household]
    assert _seen(session, Household, rows.scopes["teacher"], households) == {"A"}
    assert _seen(session, Household, rows.scopes["school"], households) == {"A", "OC", "REG"}


def test_class_teacher_sees_objections_of_their_classes(session, rows):
    objections = rows.ids[Objection]
    assert _seen(session, Objection, rows.scopes["teacher"], objections) == {"A"}
    assert _seen(session, Objection, rows.scopes["school"], objections) == {"A", "OC"}


def test_a_teacher_of_two_classes_sees_both(session, rows):
    scope = Scope(district_id=rows.scopes["teacher"].district_id, school_id=rows.scopes["teacher"].school_id,
                  classes=((3, "1班"), (5, "2班")))
    assert _seen(session, Student, scope, rows.ids[Student]) == {"A", "OC"}
    assert _seen(session, Household, scope, rows.ids[Household]) == {"A", "OC"}
    assert _seen(session, Objection, scope, rows.ids[Objection]) == {"A", "OC"}


def test_a_class_is_its_grade_and_its_name_together(session, rows):
    base = rows.scopes["teacher"]
    wrong_grade = Scope(district_id=base.district_id, school_id=base.school_id, classes=((5, "1班"),))
    wrong_name = Scope(district_id=base.district_id, school_id=base.school_id, classes=((3, "2班"),))
    assert _seen(session, Student, wrong_grade, rows.ids[Student]) == set()
    assert _seen(session, Student, wrong_name, rows.ids[Student]) == set()


def test_no_scope_sees_nothing_and_everything_sees_all(session, rows):
    nothing = {model: _seen(session, model, Scope(), tagged) for model, tagged in rows.ids.items()}
    everything = {model: _seen(session, model, Scope(everything=True), tagged) for model, tagged in rows.ids.items()}
    assert nothing == {model: set() for model in rows.ids}
    assert everything == {model: set(tagged) for model, tagged in rows.ids.items()}
    assert all(criterion(model, Scope(everything=True)) is None for model in rows.ids)


def test_code_lists_are_not_scoped(session, rows):
    assert not is_scoped(Tier) and criterion(Tier, rows.scopes["school"]) is None
    assert is_scoped(Student) and criterion(Student, rows.scopes["school"]) is not None
    assert session.query(Tier).count() == limit(session.query(Tier), Tier, rows.scopes["teacher"]).count() > 0


def test_a_scope_is_nothing_only_without_everything_and_without_a_district():
    assert Scope().nothing
    assert not Scope(everything=True).nothing
    assert not Scope(district_id=1).nothing
    assert not Scope(district_id=1, school_id=2).nothing


@pytest.mark.parametrize("text, classes", [
    ("3年级1班", ((3, "1班"),)),
    ("3年级1班, 4年级2班", ((3, "1班"), (4, "2班"))),
    ("3年级1班，4年级2班；5年级3班、6年级1班;1年级1班 2年级2班",
     ((3, "1班"), (4, "2班"), (5, "3班"), (6, "1班"), (1, "1班"), (2, "2班"))),
    (" 3 年级 1班 ", ()),  # split on the blank: neither half names a class
    ("三年级1班, 3年级, 年级1班, x", ()),
    ("", ()),
    (None, ()),
])
def test_class_names_are_read_as_grade_and_class(text, classes):
    assert parse_classes(text) == classes


def test_scope_for_reads_the_users_scope_row(session, rows):
    users = rows.ids[User]
    sm_user = lambda name: session.get(User, users[name])  # noqa: E731
    d, a = rows.scopes["school"].district_id, rows.scopes["school"].school_id
    assert scope_for(sm_user("teacher_a"), session) == Scope(district_id=d, school_id=a, classes=((3, "1班"),),
                                                             user_id=users["teacher_a"])
    assert scope_for(sm_user("school_a"), session) == Scope(district_id=d, school_id=a, user_id=users["school_a"])
    assert scope_for(sm_user("district"), session) == Scope(district_id=d, user_id=users["district"])
    assert scope_for(sm_user("auditor"), session) == Scope(everything=True, user_id=users["auditor"])


def test_only_a_class_teacher_is_limited_to_classes(session, rows):
    school_a = session.get(User, rows.ids[User]["school_a"])
    session.query(UserScope).filter_by(user_id=school_a.id).update({"class_names": "3年级1班"})
    session.commit()
    assert scope_for(school_a, session).classes == ()


def test_a_user_without_a_scope_row_sees_everything_only_as_admin_or_auditor(session, rows, make_user):
    officer = make_user("homeless", "DistrictOfficer")
    admin = make_user("root", "Admin")
    assert scope_for(officer, session) == Scope(user_id=officer.id) and scope_for(officer, session).nothing
    assert scope_for(admin, session).everything


def test_nobody_signed_in_has_no_scope(session, rows):
    class Anonymous:
        is_authenticated = False

    assert scope_for(None, session) == Scope()
    assert scope_for(Anonymous(), session) == Scope()
    assert scope_for(object(), session) == Scope()  # not a user at all


def test_an_api_call_with_a_token_alone_is_scoped_to_the_tokens_user(app, rows, world, jwt):
    headers = jwt("school_a")
    fresh = app.test_client()  # no session cookie: the token is the only sign of the user
    data = fresh.get("/api/v1/student/?q=(page_size:100)", headers=headers).get_json()
    assert sorted(r["id"] for r in data["result"]) == sorted(rows.ids[Student][t] for t in ("A", "OC"))
    assert fresh.get(f"/api/v1/student/{world.pupil['B'].id}", headers=headers).status_code == 404
