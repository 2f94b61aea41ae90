"""The workbench's notice to-dos: objections to answer, ended notices to approve, pupils for a notice."""
from flask_babel import gettext
from sqlalchemy import func

from app.commands.objections import objections_due
from app.commands.reviews import open_reviews
from app.models import Application, PublicNotice
from app.queries.notices import OPEN, OVERDUE, REVIEW, noticeable, ready_to_approve
from app.workbench.links import link
from app.workbench.registry import Todo, WorkbenchContext, todo

ANSWER = ("can_assess", "Objection")
ASSESS = ("can_assess", "PublicNotice")
DECIDE_REVIEW = ("can_review", "Objection")


@todo("notices.objections", permission=ANSWER, order=12)
def objections_to_answer(ctx: WorkbenchContext):
    """Unanswered objections: overdue (red), due by the next working day (amber), the rest."""
    due = objections_due(ctx.session, ctx.scope, today=ctx.today)
    later = due.open - due.overdue - due.soon
    return [
        Todo(gettext("Objections overdue for an answer"), due.overdue,
             link("ObjectionView.index", state=OVERDUE), level="danger",
             hint=gettext("The answer was due before today; answer them now.")),
        Todo(gettext("Objections due by the next working day"), due.soon,
             link("ObjectionView.index", state=OPEN), due=due.soon_until, level="warning"),
        Todo(gettext("Objections awaiting an answer"), later, link("ObjectionView.index", state=OPEN)),
    ]


@todo("notices.reviews", permission=DECIDE_REVIEW, order=13)
def reviews_to_decide(ctx: WorkbenchContext):
    """Reviews (复核) families asked for after a dismissed objection, awaiting the district's decision."""
    return Todo(gettext("Reviews awaiting the district's decision"), open_reviews(ctx.session, ctx.scope),
                link("ObjectionView.index", state=REVIEW), level="warning",
                hint=gettext("The pupils are not approved before the district decides."))


@todo("notices.ready", permission=ASSESS, order=14)
def notices_to_approve(ctx: WorkbenchContext):
    """Notices that have ended with pupils still waiting for approval."""
    count = ready_to_approve(ctx.session, ctx.scope, today=ctx.today).with_entities(
        func.count(PublicNotice.id)).scalar()
    return Todo(gettext("Public notices ended, ready to approve"), count,
                link("PublicNoticeView.index", ready=1), level="warning",
                hint=gettext("Answer every objection first; then approve all pupils of the notice."))


@todo("notices.unlisted", permission=ASSESS, order=16)
def decided_not_on_a_notice(ctx: WorkbenchContext):
    """This term's decided, needy applications that are not on a draft notice yet."""
    if ctx.term is None:
        return None
    count = noticeable(ctx.session, ctx.scope, school_id=None, term_id=ctx.term.id).with_entities(
        func.count(Application.id)).scalar()
    return Todo(gettext("Decided pupils not yet on a public notice"), count,
                link("PublicNoticeView.new", term_id=ctx.term.id),
                hint=gettext("Make a public notice of the committee's decisions."))
