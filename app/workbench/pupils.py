"""Built-in to-dos of pupil data to fix: pupils without a household, temporary 学籍号."""
from flask_babel import gettext

from app.models import StudentStatus
from app.queries.pupils import pupils_to_fix
from app.workbench.links import EQUAL_ENUM, link
from app.workbench.registry import Todo, WorkbenchContext, todo


@todo("pupils.data", permission=("can_write", "Student"), order=50)
def pupil_data(ctx: WorkbenchContext):
    """Enrolled pupils whose record blocks an application: no household, or a temporary number."""
    found = pupils_to_fix(ctx.session, ctx.scope)
    # FAB cannot filter on "no household" or on a masked 学籍号: the list shows enrolled pupils
    enrolled = link("StudentModelView.list", **{EQUAL_ENUM.format("status"): StudentStatus.ENROLLED.value})
    return [
        Todo(gettext("Enrolled pupils without a household"), found.no_household, enrolled,
             hint=gettext("Link each pupil to a household before the family applies.")),
        Todo(gettext("Enrolled pupils with a temporary student number"), found.temporary_number, enrolled,
             hint=gettext("Temporary numbers start with L; replace them once the national number is issued.")),
    ]
