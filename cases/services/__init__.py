"""Write services for the case core. Every write goes through here and leaves a history row."""

from .errors import ConcurrentEditError, ServiceError, StepNotAllowed, TransitionNotAllowed
from .history import audited_save

__all__ = [
    "ConcurrentEditError",
    "ServiceError",
    "StepNotAllowed",
    "TransitionNotAllowed",
    "audited_save",
]
