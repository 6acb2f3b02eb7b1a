from .audit import AccessAction, AccessLog
from .codes import Code, CodeList
from .core import (
    Attachment,
    Case,
    CaseGroupObjectPermission,
    CaseKind,
    CaseLink,
    CaseUserObjectPermission,
    LinkKind,
    Measure,
    MeasureLevel,
    Note,
    ReferenceCounter,
)
from .deadlines import DeadlineRule
from .digest import DigestSent
from .jobs import Job
from .org import Membership, MembershipSource, Role, Unit, UnitKind
from .security import RetentionPolicy, RetentionRun, TwoFactorPolicy
from .sso import IdpGroupMapping

__all__ = [
    "AccessAction",
    "AccessLog",
    "Attachment",
    "Case",
    "CaseGroupObjectPermission",
    "CaseKind",
    "CaseLink",
    "CaseUserObjectPermission",
    "Code",
    "CodeList",
    "DeadlineRule",
    "DigestSent",
    "IdpGroupMapping",
    "Job",
    "LinkKind",
    "Measure",
    "MeasureLevel",
    "Membership",
    "MembershipSource",
    "Note",
    "ReferenceCounter",
    "RetentionPolicy",
    "RetentionRun",
    "TwoFactorPolicy",
    "Role",
    "Unit",
    "UnitKind",
]
