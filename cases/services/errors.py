from django.db.models import Model
from django.utils.translation import gettext as _


class ServiceError(Exception):
    """A business rule refused the write; the message is Swedish and shown to the user."""


class TransitionNotAllowed(ServiceError):
    def __init__(self, from_label: str, to_label: str):
        super().__init__(
            _("Ärendet kan inte gå från ”%(from)s” till ”%(to)s”.")
            % {"from": from_label, "to": to_label}
        )


class ConcurrentEditError(ServiceError):
    """Someone saved in between: the caller shows both versions, nothing is overwritten."""

    def __init__(self, current: Model):
        self.current = current
        super().__init__(
            _(
                "Någon annan har sparat ändringar sedan du öppnade sidan. "
                "Jämför versionerna nedan och spara igen."
            )
        )
