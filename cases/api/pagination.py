"""Keyset (cursor) pagination: a page is `WHERE (key) < (last key) ORDER BY key LIMIT n`, so
page 1 000 costs what page 1 costs and a case arriving meanwhile never shifts a page. The
cursor is opaque to the client (base64 of the last row's key)."""

import base64
import binascii
import json
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


class PageParams(serializers.Serializer):
    cursor = serializers.CharField(
        required=False, help_text="Värdet `next` från föregående sida.", max_length=200
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT
    )


def _encode(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


PK_MAX = 2**63 - 1


def _pk(value) -> int:
    pk = int(value)
    if not 0 <= pk <= PK_MAX:  # beyond bigint PostgreSQL would raise, not answer
        raise ValueError(pk)
    return pk


def _decode(token: str) -> dict:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationError({"cursor": [_("Ogiltig markör.")]}) from None
    if not isinstance(data, dict):
        raise ValidationError({"cursor": [_("Ogiltig markör.")]})
    return data


def newest_first(qs: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Cases, newest received first (the index case_received_desc)."""
    qs = qs.order_by("-received_at", "-id")
    if cursor:
        data = _decode(cursor)
        try:
            at = datetime.fromisoformat(str(data["r"]))
            pk = _pk(data["i"])
        except (KeyError, TypeError, ValueError):
            raise ValidationError({"cursor": [_("Ogiltig markör.")]}) from None
        if at.tzinfo is None:
            raise ValidationError({"cursor": [_("Ogiltig markör.")]})
        qs = qs.filter(Q(received_at__lt=at) | Q(received_at=at, id__lt=pk))
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, _encode({"r": last.received_at.isoformat(), "i": last.pk})


def by_id(qs: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Registers (units, codes): in id order, stable whatever is renamed or moved."""
    qs = qs.order_by("id")
    if cursor:
        try:
            pk = _pk(_decode(cursor)["i"])
        except (KeyError, TypeError, ValueError):
            raise ValidationError({"cursor": [_("Ogiltig markör.")]}) from None
        qs = qs.filter(id__gt=pk)
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, _encode({"i": rows[-1].pk})
