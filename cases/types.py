"""Type names for the signatures of services and selectors (DESIGN §8.8; mypy runs over every
`services` and `selectors` module in `make lint`).

- `User`: the user model. The settings keep Django's own (no AUTH_USER_MODEL), so mypy sees
  its fields (`email`, `get_full_name`).
- `Viewer`: whoever a selector is asked about. Views pass `request.user` as it is, so the
  anonymous visitor is a valid argument; every selector answers "nothing" for them.
- `Params`: a list's filter parameters, `request.GET` as the view received it (a QueryDict
  is a Mapping); the selector's FilterSet validates every value.
- A write's actor is `User` when a person must act, `User | None` when the system may act too
  (imports, gallring, scheduled tasks); None then reaches the history row as "Systemet".
"""

from collections.abc import Mapping
from typing import Any, TypeAlias

from django.contrib.auth.models import AnonymousUser, User

Viewer: TypeAlias = User | AnonymousUser
Params: TypeAlias = Mapping[str, Any]

__all__ = ["Params", "User", "Viewer"]
