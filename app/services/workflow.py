"""The identification workflow as data: its states, which step may follow which, why a step is
refused, and the groups of states the rest of the app counts and filters by.

States are the values of ApplicationStatus; steps are the verbs the commands carry out.
draft → submitted → (class review) → school review (scored, home visits, committee decision)
→ notice → approved / not approved → archived; return for correction from any open step;
re-assessment (动态调整) of an approved application; cancellation when information proved false.
Groups are tuples of status values: code with models converts them with `ApplicationStatus(v)`.
"""
from dataclasses import dataclass

DRAFT, SUBMITTED, CLASS_REVIEW, SCHOOL_REVIEW = "draft", "submitted", "class_review", "school_review"
NOTICE, APPROVED, REJECTED, RETURNED = "notice", "approved", "rejected", "returned"
CANCELLED, ARCHIVED = "cancelled", "archived"

# every state, in the order of the workflow
STATES = (DRAFT, SUBMITTED, CLASS_REVIEW, SCHOOL_REVIEW, NOTICE, APPROVED, REJECTED, RETURNED, CANCELLED,
          ARCHIVED)
# with the school, not submitted yet: a draft, or returned to be corrected and submitted again
NOT_SUBMITTED = (DRAFT, RETURNED)
# submitted and in review, not decided yet (the steps "return" and "cancel" start here)
OPEN = (SUBMITTED, CLASS_REVIEW, SCHOOL_REVIEW, NOTICE)
# open and not on the public notice yet: the school may score it (the sources of "assess")
SCORABLE = (SUBMITTED, CLASS_REVIEW, SCHOOL_REVIEW)
# decided: approved, not approved, or archived after either
DECIDED = (APPROVED, REJECTED, ARCHIVED)
# submitted at some time and not withdrawn: open or decided (a standard's simulation reads these)
CONSIDERED = OPEN + DECIDED
# a decision that no longer stands: cancelled, or sent back to be filled in again (practice checks)
NOT_STANDING = (CANCELLED, RETURNED, DRAFT)
# the assessment queue's status tabs: work still to do first
QUEUE = (SUBMITTED, CLASS_REVIEW, SCHOOL_REVIEW, NOTICE, APPROVED, REJECTED, RETURNED, DRAFT, CANCELLED,
         ARCHIVED)

# step → (states it starts from, state it leads to); None keeps the state
STEPS = {
    "submit": (NOT_SUBMITTED, SUBMITTED),
    "class_review": ((SUBMITTED,), CLASS_REVIEW),
    "assess": (SCORABLE, SCHOOL_REVIEW),
    "home_visit": (SCORABLE, None),
    "decide": ((SCHOOL_REVIEW,), None),
    "publish": ((SCHOOL_REVIEW,), NOTICE),
    "withdraw": ((NOTICE,), SCHOOL_REVIEW),
    "approve": ((NOTICE,), APPROVED),
    "reject": ((SCHOOL_REVIEW, NOTICE), REJECTED),
    "return": (OPEN, RETURNED),
    "reassess": ((APPROVED,), SUBMITTED),
    # 撤销认定 revokes an identification under way or made: a draft has none to revoke
    "cancel": ((RETURNED, *OPEN, APPROVED), CANCELLED),
    "archive": ((APPROVED, REJECTED), ARCHIVED),
}


@dataclass(frozen=True)
class Refusal:
    """Why a step cannot be taken now: a code the views turn into a sentence."""

    code: str
    step: str
    status: str


def next_status(step: str, status: str, *, class_review: bool = False) -> str:
    """The status after `step`; raises Refusal when the step is not allowed from `status`.

    With class review (班级评议) on, a submitted application must pass its class before scoring.
    """
    sources, target = STEPS[step]
    if status not in sources:
        raise_refusal("step.not_allowed", step, status)
    if step == "assess" and class_review and status == SUBMITTED:
        raise_refusal("step.class_review_first", step, status)
    return target or status


def allowed_steps(status: str, *, class_review: bool = False) -> list[str]:
    """Steps that may be taken from `status`, in the order of STEPS."""
    steps = []
    for step in STEPS:
        try:
            next_status(step, status, class_review=class_review)
        except RefusedStep:
            continue
        steps.append(step)
    return steps


class RefusedStep(Exception):
    """Raised by next_status; carries the Refusal."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.code)
        self.refusal = refusal


def raise_refusal(code: str, step: str, status: str):
    """Raise RefusedStep for `step` from `status`."""
    raise RefusedStep(Refusal(code, step, status))
