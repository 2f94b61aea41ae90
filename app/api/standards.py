"""REST, read only: the district's identification standards (each version with its JSON data)."""
from app.api.base import ZizhuApi
from app.api.spec import documented
from app.fab.interface import ZizhuInterface
from app.models import AssessmentStandard

STANDARD_LIST = ["id", "district.id", "school_year.id", "version", "name", "status", "activated_at",
                 "first_used_at"]


@documented
class AssessmentStandardApi(ZizhuApi):
    """/api/v1/assessment_standard/: list and read the versions of one's district; no writes here."""

    datamodel = ZizhuInterface(AssessmentStandard)
    resource_name = "assessment_standard"
    openapi_spec_tag = "AssessmentStandard"
    include_route_methods = {"get", "get_list", "info"}
    list_columns = STANDARD_LIST
    show_columns = STANDARD_LIST + ["data", "notes"]
    base_order = ("id", "desc")
