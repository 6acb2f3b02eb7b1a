"""What a case type gives the API when systems may create its cases."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ApiCreate:
    # URL segment under /api/v1/ ("deviations"), the OpenAPI operation id and tag.
    path: str
    # A DRF serializer validating the request body (unit resolved to a Unit).
    serializer: type
    # fn(*, data: dict, actor: User, reason: str) -> Case, calling the form's service.
    create: Callable[..., Any]
    summary: str = ""
