"""`Idempotency-Key` on creating writes: the first answer is stored with the key, and a retry
(the record system lost the answer, the network broke) gets the same answer and no second
case. The row is written in the same transaction as the case, so a key is stored if and only if
its case exists; two concurrent first attempts meet at the unique constraint and the second
waits for the first, then answers with what the first stored."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response

from cases.models import IdempotencyRecord

from .problems import problem

HEADER = "Idempotency-Key"
KEY_MAX = 200


def _hash(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _replay(record: IdempotencyRecord, request_hash: str, path: str) -> Response:
    if record.request_hash != request_hash or record.path != path:
        return problem(
            422,
            _(
                "Nyckeln %(key)s har redan använts för en annan begäran. "
                "Använd en ny nyckel för ett nytt ärende."
            )
            % {"key": record.key},
        )
    response = Response(record.response, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request, make_response) -> Response:
    """Run `make_response()` (which validates and writes) once per key and account."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key or len(key) > KEY_MAX or not key.isprintable():
        return problem(
            400,
            _("Skicka rubriken Idempotency-Key (högst %(max)s tecken), till exempel ett UUID.")
            % {"max": KEY_MAX},
            {HEADER: [_("Rubriken saknas eller är ogiltig.")]},
        )
    account = request.auth
    request_hash = _hash(request.data)
    path = request.path[:200]
    existing = IdempotencyRecord.objects.filter(account=account, key=key).first()
    if existing is not None:
        return _replay(existing, request_hash, path)
    try:
        with transaction.atomic():
            response = make_response()
            if response.status_code < 300:
                IdempotencyRecord.objects.create(
                    account=account,
                    key=key,
                    path=path,
                    request_hash=request_hash,
                    status_code=response.status_code,
                    response=response.data,
                )
            else:
                # A refused request changes nothing, the key included: it may be retried.
                transaction.set_rollback(True)
    except IntegrityError:
        existing = IdempotencyRecord.objects.filter(account=account, key=key).first()
        if existing is None:
            raise
        return _replay(existing, request_hash, path)
    return response
