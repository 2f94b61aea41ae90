"""Each workflow step happens once however often it is posted: 8 concurrent posts over the API."""
from datetime import UTC, date, datetime

from app.clock import FixedClock
from app.commands import assessing, identification
from app.commands import notices as notice_cmd
from app.models import AuditEvent, HomeVisit, ReviewDecision, ReviewStage
from app.models.request_key import RequestKey
from app.runner import run
from tests.context import context
from tests.race import api_headers, race

THREADS = 8
NOW = datetime(2026, 10, 8, 9, 30, tzinfo=UTC)
MEETING = {"decided_on": "2026-10-09", "members": "张校长、李老师、王老师", "votes_for": 5, "votes_against": 0,
           "votes_abstain": 0}
VISIT = {"visited_on": "2026-10-08", "visitors": "李老师、王老师", "findings": "母亲长期患病"}


def _clients(app, username: str = "school1") -> list:
    """One (test client, JWT headers) per thread."""
    return [(app.test_client(), api_headers(app, username)) for _ in range(THREADS)]


def _post_all(app, path: str, body: dict | None = None, keys=None) -> list:
    """POST `path` from every thread at once (with `keys[i]` as Idempotency-Key when given)."""
    def send(pair, i):
        client, headers = pair
        extra = {"Idempotency-Key": keys[i]} if keys else {}
        return client.post(path, json=body or {}, headers={**headers, **extra})

    return race(_clients(app), send)


def _at(session, place, when=NOW):
    """The school officer's scope at `when` (the system acting)."""
    return context(session, place.scope, clock=FixedClock(when))


def _class_reviewed(ctx, pk: int) -> None:
    """The class has passed the application."""
    assessing.record_class_review(ctx, pk, outcome=assessing.ReviewOutcome.PASSED, decided_on=date(2026, 10, 9),
                                  members="班主任", votes=(30, 0, 0))


def _submitted(session, place) -> int:
    """The place's application, submitted."""
    run(_at(session, place), identification.submit, place.application.id)
    return place.application.id


def _scored(session, place) -> int:
    """Submitted, class-reviewed and scored (waiting for the committee)."""
    pk = _submitted(session, place)
    run(_at(session, place), _class_reviewed, pk)
    run(_at(session, place), assessing.score, pk)
    return pk


def _count(session, model, **criteria) -> int:
    """Committed rows of `model` matching `criteria`, read afresh."""
    session.expire_all()
    return session.query(model).filter_by(**criteria).count()


def _steps(session, pk: int, step: str) -> int:
    """Workflow audit events of `step` on application `pk`."""
    session.expire_all()
    return session.query(AuditEvent).filter(AuditEvent.entity == "application", AuditEvent.entity_id == str(pk),
                                            AuditEvent.summary.like(f"{step}%")).count()


def test_eight_concurrent_class_reviews_record_one_decision(app, session, place):
    pk = _submitted(session, place)
    answers = _post_all(app, f"/api/v1/application/{pk}/class_review", {"outcome": "passed", **MEETING})
    assert sorted(a.status for a in answers) == [200] + [409] * (THREADS - 1)
    assert _count(session, ReviewDecision, application_id=pk, stage=ReviewStage.CLASS) == 1
    assert _steps(session, pk, "class_review") == 1


def test_eight_concurrent_scorings_score_once(app, session, place):
    pk = _submitted(session, place)
    run(_at(session, place), _class_reviewed, pk)
    answers = _post_all(app, f"/api/v1/application/{pk}/assess")
    assert [a.status for a in answers] == [200] * THREADS  # the same stored result for every post
    assert {a.json["total"] for a in answers} == {"67.00"}
    assert _steps(session, pk, "assess") == 1


def test_eight_concurrent_committee_decisions_record_one(app, session, place):
    pk = _scored(session, place)
    answers = _post_all(app, f"/api/v1/application/{pk}/decide", {"tier": "relative", **MEETING})
    assert sorted(a.status for a in answers) == [200] + [409] * (THREADS - 1)
    assert _count(session, ReviewDecision, application_id=pk, stage=ReviewStage.SCHOOL) == 1


def test_the_committee_may_decide_again_with_another_decision(client, session, place):
    pk = _scored(session, place)
    headers = api_headers(client.application, "school1")
    path = f"/api/v1/application/{pk}/decide"
    assert client.post(path, json={"tier": "relative", **MEETING}, headers=headers).status_code == 200
    assert client.post(path, json={"tier": "relative", **MEETING}, headers=headers).status_code == 409
    again = client.post(path, json={"tier": "special", "tier_reason": "家访核实", **MEETING}, headers=headers)
    assert again.status_code == 200 and again.get_json()["final_tier"] == "special"
    assert _count(session, ReviewDecision, application_id=pk, stage=ReviewStage.SCHOOL) == 2


def test_a_home_visit_posted_eight_times_with_one_key_is_recorded_once(app, session, place):
    pk = _submitted(session, place)
    answers = _post_all(app, f"/api/v1/application/{pk}/home_visit", VISIT, keys=["visit-1"] * THREADS)
    assert [a.status for a in answers] == [201] * THREADS
    assert len({a.json["home_visit"]["id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == THREADS - 1
    assert _count(session, HomeVisit, application_id=pk) == 1


def test_home_visits_with_different_keys_are_each_recorded(app, session, place):
    pk = _submitted(session, place)
    answers = _post_all(app, f"/api/v1/application/{pk}/home_visit", VISIT,
                        keys=[f"visit-{i}" for i in range(THREADS)])
    assert [a.status for a in answers] == [201] * THREADS
    assert _count(session, HomeVisit, application_id=pk) == THREADS


def test_a_retried_key_answers_the_first_answer_and_a_refusal_keeps_the_key_free(client, session, place):
    pk = _submitted(session, place)
    headers = {**api_headers(client.application, "school1"), "Idempotency-Key": "k1"}
    refused = client.post(f"/api/v1/application/{pk}/home_visit", json={**VISIT, "visitors": ""}, headers=headers)
    assert refused.status_code == 422 and _count(session, RequestKey) == 0
    first = client.post(f"/api/v1/application/{pk}/home_visit", json=VISIT, headers=headers)
    again = client.post(f"/api/v1/application/{pk}/home_visit", json=VISIT, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json() and again.headers["Idempotent-Replayed"] == "true"
    other = client.post(f"/api/v1/application/{pk}/class_review", json={"outcome": "passed", **MEETING},
                        headers=headers)
    assert other.status_code == 409 and _count(session, ReviewDecision, application_id=pk) == 0
    bad = client.post(f"/api/v1/application/{pk}/home_visit", json=VISIT,
                      headers={**headers, "Idempotency-Key": "x" * 129})
    assert bad.status_code == 400
    assert _count(session, HomeVisit, application_id=pk) == 1


def test_the_same_key_of_another_user_is_another_request(client, session, place, make_user):
    make_user("school1b", "SchoolOfficer", school=place.school)
    pk = _submitted(session, place)
    for username in ("school1", "school1b"):
        headers = {**api_headers(client.application, username), "Idempotency-Key": "same"}
        assert client.post(f"/api/v1/application/{pk}/home_visit", json=VISIT, headers=headers).status_code == 201
    assert _count(session, HomeVisit, application_id=pk) == 2


def test_eight_concurrent_approvals_approve_once(app, session, place):
    from tests.commands.test_notices import BEFORE, notice_with_two

    notice, _, _ = notice_with_two(session, place)
    run(_at(session, place, BEFORE), notice_cmd.publish_notice, notice.id)
    pk = place.application.id
    answers = _post_all(app, f"/api/v1/application/{pk}/approve")
    assert sorted(a.status for a in answers) == [200] + [409] * (THREADS - 1)
    assert _steps(session, pk, "approve") == 1


def test_eight_concurrent_notice_approvals_approve_once(app, session, place):
    from tests.commands.test_notices import BEFORE, notice_with_two

    notice, _, _ = notice_with_two(session, place)
    run(_at(session, place, BEFORE), notice_cmd.publish_notice, notice.id)
    answers = _post_all(app, f"/api/v1/public_notice/{notice.id}/approve")
    assert sorted(a.status for a in answers) == [200] + [409] * (THREADS - 1)
    assert _steps(session, place.application.id, "approve") == 1


def test_a_notice_posted_eight_times_with_one_key_is_one_draft(app, session, place):
    from app.models import PublicNotice
    from tests.commands.test_notices import THU, decide

    decide(session, place.scope, place.application)
    session.commit()
    body = {"school_id": place.school.id, "term_id": place.application.term_id, "starts_on": THU.isoformat()}
    answers = _post_all(app, "/api/v1/public_notice/", body, keys=["notice-1"] * THREADS)
    assert [a.status for a in answers] == [201] * THREADS
    assert len({a.json["id"] for a in answers}) == 1
    assert _count(session, PublicNotice, school_id=place.school.id) == 1
