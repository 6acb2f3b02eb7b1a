from .archive import ArchiveDelivery, Disposition, RetentionClass
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
from .integration import IdempotencyRecord, IntegrationAccount
from .jobs import Job
from .org import Membership, MembershipSource, Role, Unit, UnitKind
from .organisation import OrganisationSettings
from .routing import CaseRouting
from .security import (
    AccountEvent,
    AccountEventKind,
    RetentionPolicy,
    RetentionRun,
    TwoFactorPolicy,
)
from .sso import IdpGroupMapping

__all__ = [
    "AccessAction",
    "AccessLog",
    "ArchiveDelivery",
    "Disposition",
    "RetentionClass",
    "Attachment",
    "Case",
    "CaseGroupObjectPermission",
    "CaseKind",
    "CaseLink",
    "CaseRouting",
    "CaseUserObjectPermission",
    "Code",
    "CodeList",
    "DeadlineRule",
    "DigestSent",
    "IdempotencyRecord",
    "IntegrationAccount",
    "IdpGroupMapping",
    "Job",
    "LinkKind",
    "Measure",
    "MeasureLevel",
    "Membership",
    "MembershipSource",
    "Note",
    "OrganisationSettings",
    "ReferenceCounter",
    "RetentionPolicy",
    "RetentionRun",
    "TwoFactorPolicy",
    "AccountEvent",
    "AccountEventKind",
    "Role",
    "Unit",
    "UnitKind",
]
