"""Errors as RFC 9457 problem details (application/problem+json) with Swedish text and, for a
bad request, one entry per field. Every refusal of the API goes through `problem_handler`, so a
client parses one shape whatever went wrong."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.response import Response

PROBLEM_TYPE = "application/problem+json"

TITLES = {
    400: gettext_lazy("Ogiltig begäran"),
    401: gettext_lazy("Inte inloggad"),
    403: gettext_lazy("Åtgärden är inte tillåten"),
    404: gettext_lazy("Hittades inte"),
    405: gettext_lazy("Metoden stöds inte"),
    406: gettext_lazy("Svarsformatet stöds inte"),
    409: gettext_lazy("Konflikt"),
    415: gettext_lazy("Formatet stöds inte"),
    422: gettext_lazy("Idempotensnyckeln används redan"),
    429: gettext_lazy("För många anrop"),
}


def problem(status_code: int, detail: str, errors: dict | None = None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status_code, _("Fel"))),
        "status": status_code,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_TYPE)


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's nested error detail → {"field": ["meddelande", …]}; errors on the whole body sit
    under "non_field_errors"."""
    if isinstance(detail, list):
        return {"non_field_errors": [str(d) for d in detail]}
    out: dict[str, list[str]] = {}
    for field, value in detail.items():
        if isinstance(value, dict):
            for sub, msgs in _flatten(value).items():
                out[f"{field}.{sub}"] = msgs
        elif isinstance(value, list):
            out[field] = [str(v) if not isinstance(v, dict) else str(v) for v in value]
        else:
            out[field] = [str(value)]
    return out


def problem_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real fault: Django's 500 handling and the error log
    headers = {}
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        return problem(
            429, _("För många anrop med den här nyckeln. Försök igen om en stund."), None, headers
        )
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
        detail = (
            exc.detail
            if isinstance(exc, exceptions.AuthenticationFailed)
            else _("Skicka nyckeln i rubriken Authorization: Bearer <nyckel>.")
        )
        return problem(401, detail, None, headers)
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            400, _("Begäran innehåller fel. Se fälten nedan."), _flatten(exc.detail), headers
        )
    detail = exc.detail if isinstance(exc.detail, str) else _("Begäran kunde inte utföras.")
    code = exc.status_code
    if isinstance(exc, exceptions.ParseError):
        detail = _("Innehållet gick inte att läsa som JSON.")
    elif isinstance(exc, exceptions.NotFound):
        detail = _(
            "Det du frågade efter finns inte, eller så har nyckeln inte behörighet till det."
        )
    return problem(code, detail, None, headers)
