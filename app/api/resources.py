"""Every REST resource, one line each: model, resource name, list columns."""
from app.api.base import api_for
from app.api.carry_over import EntitlementApi
from app.api.identification import ApplicationApi
from app.api.jobs import JobApi
from app.api.money import MONEY_RESOURCES
from app.api.notices import ObjectionApi, PublicNoticeApi
from app.api.standards import AssessmentStandardApi
from app.models import (
    AidItem,
    AidStandard,
    BankFileLayout,
    District,
    Household,
    HouseholdMember,
    School,
    SchoolYear,
    SpecialGroup,
    Student,
    Term,
    Tier,
)

STUDENT_COLUMNS = [
    "id", "name", "student_no", "sex", "school.id", "school.name", "grade", "class_name",
    "boarding", "status",
]

RESOURCES = [
    api_for(District, "district", ["id", "code", "name"]),
    api_for(School, "school", ["id", "code", "name", "township", "has_boarding", "is_rural", "active"]),
    api_for(SpecialGroup, "special_group", ["id", "code", "name", "sort_order", "active"]),
    api_for(Household, "household", ["id", "guardian_name", "phone", "address", "hukou_type", "lives_rural"]),
    api_for(
        HouseholdMember, "household_member",
        ["id", "household.id", "name", "relation", "birth_year", "work_ability", "health", "annual_income"],
    ),
    api_for(Student, "student", STUDENT_COLUMNS),
    api_for(SchoolYear, "school_year", ["id", "name", "start_date", "end_date", "is_current"]),
    api_for(Term, "term", ["id", "name", "school_year.id", "season", "start_date", "end_date", "is_current"]),
    api_for(Tier, "tier", ["id", "code", "name", "rank", "is_needy", "active"]),
    ApplicationApi,
    api_for(AidItem, "aid_item", ["id", "code", "name", "category", "kind", "payee", "active"]),
    api_for(
        AidStandard, "aid_standard",
        ["id", "aid_item.id", "tier.id", "boarding", "level", "amount", "unit", "effective_from", "effective_to"],
    ),
    api_for(BankFileLayout, "bank_file_layout",  # read only: a district changes its own on the page
            ["id", "code", "name", "district_id", "file_format", "title_row", "total_row", "is_default", "active"],
            show_columns=["id", "code", "name", "district_id", "file_format", "columns", "title_row", "total_row",
                          "is_default", "active", "notes"],
            include_route_methods={"get", "get_list", "info"}),
    *MONEY_RESOURCES,  # fund_account, ledger_entry, allocation, quota, disbursement_batch, disbursement_line
    EntitlementApi,  # carry_over/preview, carry_over
    PublicNoticeApi,
    ObjectionApi,
    AssessmentStandardApi,
    JobApi,
]
