from .audit import AccessAction, AccessLog
from .codes import Code, CodeList
from .complaints import Complaint, ComplaintAddition, ComplaintSource
from .core import (
    REFERENCE_PREFIX,
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
from .supervision import Authority, Supervision, SupervisionDecision, SupervisionMeasure

__all__ = [
    "REFERENCE_PREFIX",
    "AccessAction",
    "AccessLog",
    "Authority",
    "Attachment",
    "Case",
    "CaseGroupObjectPermission",
    "CaseKind",
    "CaseLink",
    "CaseUserObjectPermission",
    "Code",
    "CodeList",
    "Complaint",
    "ComplaintAddition",
    "ComplaintSource",
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
    "Supervision",
    "SupervisionDecision",
    "SupervisionMeasure",
    "TwoFactorPolicy",
    "Role",
    "Unit",
    "UnitKind",
]
