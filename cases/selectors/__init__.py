from .visibility import (
    case_get_visible,
    cases_countable_by,
    cases_handleable_by,
    cases_listable_by,
    cases_reported_by,
    cases_visible_to,
    roles_covering,
    units_in_scope,
    user_memberships,
    user_roles,
)

__all__ = [
    "case_get_visible",
    "cases_countable_by",
    "cases_handleable_by",
    "cases_listable_by",
    "cases_reported_by",
    "cases_visible_to",
    "units_in_scope",
    "roles_covering",
    "user_memberships",
    "user_roles",
]
