"""The identification workflow as data: which step may follow which, and why a step is refused.

States are the values of ApplicationStatus; steps are the verbs the commands carry out.
draft → submitted → (class review) → school review (scored, home visits, committee decision)
→ notice → approved / not approved → archived; return for correction from any open step;
re-assessment (动态调整) of an approved application; cancellation when information proved false.
"""
from dataclasses import dataclass

DRAFT, SUBMITTED, CLASS_REVIEW, SCHOOL_REVIEW = "draft", "submitted", "class_review", "school_review"
NOTICE, APPROVED, REJECTED, RETURNED = "notice", "approved", "rejected", "returned"
CANCELLED, ARCHIVED = "cancelled", "archived"

OPEN = (SUBMITTED, CLASS_REVIEW, SCHOOL_REVIEW, NOTICE)

# step → (states it starts from, state it leads to); None keeps the state
STEPS = {
    "submit": ((DRAFT, RETURNED), SUBMITTED),
    "class_review": ((SUBMITTED,), CLASS_REVIEW),
    "assess": ((SUBMITTED, CLASS_REVIEW, SCHOOL_REVIEW), SCHOOL_REVIEW),
    "home_visit": ((SUBMITTED, CLASS_REVIEW, SCHOOL_REVIEW), None),
    "decide": ((SCHOOL_REVIEW,), None),
    "publish": ((SCHOOL_REVIEW,), NOTICE),
    "withdraw": ((NOTICE,), SCHOOL_REVIEW),
    "approve": ((NOTICE,), APPROVED),
    "reject": ((SCHOOL_REVIEW, NOTICE), REJECTED),
    "return": (OPEN, RETURNED),
    "reassess": ((APPROVED,), SUBMITTED),
    "cancel": ((DRAFT, RETURNED, *OPEN, APPROVED), CANCELLED),
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
