"""The disbursement batch's workflow as data, and who may take which step.

draft → submitted (the school) → approved (the district; four eyes: never by the batch's creator;
the total reserved on the allocation) → exported (the bank file) → reconciled (every line answered);
a draft or submitted batch may be withdrawn (its lines cancelled), and a submitted one sent back to
the school as a draft.

Why a pupil is left out of a batch, as codes the pages and the API turn into words (EXCLUSIONS).
"""
DRAFT, SUBMITTED, APPROVED, EXPORTED, RECONCILED, WITHDRAWN = (
    "draft", "submitted", "approved", "exported", "reconciled", "withdrawn")

# step → (states it starts from, state it leads to, who takes it: "school", "district" or "either")
STEPS = {
    "submit": ((DRAFT,), SUBMITTED, "either"),
    "send_back": ((SUBMITTED,), DRAFT, "district"),
    "approve": ((SUBMITTED,), APPROVED, "district"),
    "withdraw": ((DRAFT, SUBMITTED), WITHDRAWN, "either"),
    "export": ((APPROVED, EXPORTED), EXPORTED, "district"),
    "reconcile": ((EXPORTED,), RECONCILED, "district"),
}
# batches still counting against their allocation before approval reserves them
PENDING = (DRAFT, SUBMITTED)

# why an entitled pupil is not in a batch, in the order they are checked
NOT_ENROLLED = "not_enrolled"
NO_PAYEE_ACCOUNT = "no_payee_account"
ALREADY_PAID = "already_paid"
EXCLUSIVE = "exclusive"
OVER_QUOTA = "over_quota"
NO_ALLOCATION = "no_allocation"  # the district has allocated nothing of the item to the school this term
ALLOCATION_EXHAUSTED = "allocation_exhausted"  # an allocation there is, but what is left does not cover the pupil
EXCLUSIONS = (NOT_ENROLLED, NO_PAYEE_ACCOUNT, ALREADY_PAID, EXCLUSIVE, OVER_QUOTA, NO_ALLOCATION, ALLOCATION_EXHAUSTED)


class StepRefused(Exception):
    """The step cannot be taken from the batch's state (`code`: not_allowed) or by this side
    (`code`: district_only)."""

    def __init__(self, code: str, step: str, status: str):
        super().__init__(code)
        self.code, self.step, self.status = code, step, status


def next_status(step: str, status: str, *, district: bool) -> str:
    """The state after `step` from `status`, taken by the district (or a school); StepRefused otherwise."""
    sources, target, side = STEPS[step]
    if status not in sources:
        raise StepRefused("not_allowed", step, status)
    if side == "district" and not district:
        raise StepRefused("district_only", step, status)
    return target


def allowed_steps(status: str, *, district: bool) -> list[str]:
    """The steps that may be taken from `status` by this side, in the order of STEPS."""
    found = []
    for step in STEPS:
        try:
            next_status(step, status, district=district)
        except StepRefused:
            continue
        found.append(step)
    return found
