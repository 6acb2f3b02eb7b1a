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
from .jobs import Job
from .org import Membership, Role, Unit, UnitKind
from .security import RetentionPolicy, RetentionRun, TwoFactorPolicy

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
    "CaseUserObjectPermission",
    "Code",
    "CodeList",
    "DeadlineRule",
    "DigestSent",
    "Job",
    "LinkKind",
    "Measure",
    "MeasureLevel",
    "Membership",
    "Note",
    "ReferenceCounter",
    "RetentionPolicy",
    "RetentionRun",
    "TwoFactorPolicy",
    "Role",
    "Unit",
    "UnitKind",
]
