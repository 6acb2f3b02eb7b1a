"""Hostile input to the forms people type into (issue #10): the public complaint form, the
receipt-code page, and the staff forms (deviation, lex Sarah, staff complaint).

For every example: never a 500, never unescaped markup in the answer, and when the form is
shown again every other field still holds what was typed. An accepted form creates exactly one
case. Invalid UTF-8 in a multipart body is handled the same way.
"""

import html
import itertools

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case
from tests.factories import code

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BACKEND = "django.contrib.auth.backends.ModelBackend"
INJECT = '"><img src=x onerror=alert(1)>'
HOSTILE = [
    "<script>alert(document.cookie)</script>",
    INJECT,
    "'; DROP TABLE cases_case; --",
    "' OR 1=1 --",
    "\x00",
    "a\x00b",
    "\x1b[31m\x07\x08",
    "\u202e\u200b\ufeff",
    "\ud7ff\ue000",
    "{{ request.user }}{% debug %}",
    "${7*7}",
    '=HYPERLINK("http://x")',
    "../../etc/passwd",
    "a" * 25_000,
    "Ö" * 5000,
    "\r\n" * 300,
    "19850101-1234",
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(HOSTILE[:4]), st.text(max_size=40)), max_size=5).map(
        "".join
    ),
)
_ips = itertools.count(1)


def _fresh_ip() -> str:
    n = next(_ips)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def _check(response, data: dict, hostile_field: str | None, clean: dict):
    """The shared assertions: no 500, no live markup, other fields kept on a re-render."""
    assert response.status_code < 500, response.status_code
    body = response.content.decode("utf-8", "replace")
    assert "<img src=x onerror" not in body and "<script>alert" not in body
    assert "Traceback" not in body
    if response.status_code in (200, 400):
        for name, value in clean.items():
            if name != hostile_field:
                assert html.escape(value, quote=True) in body or value in body, (
                    f"{name} lost after a hostile {hostile_field}"
                )


def _post(client, url, data, **extra):
    before = Case.objects.count()
    response = client.post(url, data, REMOTE_ADDR=_fresh_ip(), **extra)
    after = Case.objects.count()
    assert after - before == (1 if response.status_code == 302 else 0)
    return response


# --- public e-service ----------------------------------------------------------------------

PUBLIC_CLEAN = {
    "description": "Jag fick inget svar pa mitt mejl",
    "sender_name": "Anna Andersson",
    "sender_email": "anna@example.se",
    "sender_phone": "040123456",
}


@FUZZ
@given(
    field=st.sampled_from(sorted(PUBLIC_CLEAN) + ["occurred_on", "unit", "complaint_type"]),
    value=hostile_text,
)
def test_public_complaint_form(org, client, field, value):
    data = {
        "complaint_type": "klagomal",
        "unit": str(org.units["A1"].pk),
        "occurred_on": "",
        "sender_category": "brukare",
        "anonymous": "nej",
        "website": "",
        **PUBLIC_CLEAN,
    }
    data[field] = value
    response = _post(client, "/e-tjanst/", data)
    _check(response, data, field, PUBLIC_CLEAN)


@FUZZ
@given(value=hostile_text)
def test_receipt_code_page(org, client, value):
    response = client.post("/e-tjanst/kvitto/", {"code": value}, REMOTE_ADDR=_fresh_ip())
    assert response.status_code in (400, 429)
    _check(response, {}, "code", {})
    assert client.get("/e-tjanst/kvitto/arende/").status_code == 302  # nothing opened


# --- staff forms -----------------------------------------------------------------------------

DEVIATION_CLEAN = {
    "description": "Beslutet skickades aldrig",
    "immediate_consequence": "Forsenad insats",
    "title": "Beslut saknas",
}
LEXSARAH_CLEAN = {
    "description": "Kvallspersonalen gav fel dos",
    "persons_affected": "En boende",
    "title": "Fel dos",
}
COMPLAINT_CLEAN = {"title": "Skrivare saknas", "description": "Vi har ingen skrivare pa plan 3"}


def _staff(client, org):
    client.force_login(org.users["staff_a1"], backend=BACKEND)
    return client


@FUZZ
@given(field=st.sampled_from(sorted(DEVIATION_CLEAN) + ["occurred_on", "unit"]), value=hostile_text)
def test_deviation_report_form(org, client, field, value):
    data = {"unit": str(org.units["A1"].pk), "occurred_on": "2025-01-10", **DEVIATION_CLEAN}
    data[field] = value
    response = _post(_staff(client, org), reverse("deviations:report"), data)
    _check(response, data, field, DEVIATION_CLEAN)


@FUZZ
@given(
    field=st.sampled_from(sorted(LEXSARAH_CLEAN) + ["occurred_at", "report_kind"]),
    value=hostile_text,
)
def test_lexsarah_report_form(org, client, field, value):
    data = {
        "report_kind": "risk",
        "unit": str(org.units["A1"].pk),
        "reporter_type": str(code("reporter_type", "anstalld").pk),
        "occurred_at": "2025-03-01T10:00",
        **LEXSARAH_CLEAN,
    }
    data[field] = value
    response = _post(_staff(client, org), reverse("lexsarah:create"), data)
    _check(response, data, field, LEXSARAH_CLEAN)


@FUZZ
@given(
    field=st.sampled_from(sorted(COMPLAINT_CLEAN) + ["occurred_on", "complaint_type"]),
    value=hostile_text,
)
def test_staff_complaint_form(org, client, field, value):
    data = {
        "unit": str(org.units["A1"].pk),
        "complaint_type": "synpunkt",
        "occurred_on": "",
        **COMPLAINT_CLEAN,
    }
    data[field] = value
    response = _post(_staff(client, org), reverse("complaints:staff_create"), data)
    _check(response, data, field, COMPLAINT_CLEAN)


# --- invalid UTF-8 in multipart ------------------------------------------------------------

BOUNDARY = "----avvikafuzz"


def _multipart(fields: dict[str, bytes]) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'.encode() + v + b"\r\n"
        for k, v in fields.items()
    ]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


@FUZZ
@given(
    form=st.sampled_from(["public", "receipt", "deviation", "lexsarah", "complaint"]),
    raw=st.one_of(
        st.binary(max_size=300),
        st.sampled_from(
            [
                b"\xff\xfe\xfd",
                b"\xc3\x28",
                b"\xed\xa0\x80",
                b"\x80" * 50,
                b"ok\xe4\xf6\xe5",
                b"\x00\xff<script>",
            ]
        ),
    ),
)
def test_invalid_utf8_in_multipart(org, client, form, raw):
    unit = str(org.units["A1"].pk).encode()
    forms = {
        "public": (
            "/e-tjanst/",
            {"complaint_type": b"klagomal", "unit": unit, "anonymous": b"ja", "description": raw},
        ),
        "receipt": ("/e-tjanst/kvitto/", {"code": raw}),
        "deviation": (
            "/avvikelser/ny/",
            {"unit": unit, "occurred_on": b"2025-01-10", "description": raw, "title": raw},
        ),
        "lexsarah": (
            "/lex-sarah/ny/",
            {"report_kind": b"risk", "unit": unit, "description": raw, "persons_affected": raw},
        ),
        "complaint": (
            "/klagomal/personal/ny/",
            {"unit": unit, "complaint_type": b"synpunkt", "title": raw, "description": raw},
        ),
    }
    url, fields = forms[form]
    if form not in ("public", "receipt"):
        _staff(client, org)
    response = client.generic(
        "POST",
        url,
        _multipart(fields),
        REMOTE_ADDR=_fresh_ip(),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code < 500
    body = response.content.decode("utf-8", "replace")
    assert "<script>" not in body.split("</head>", 1)[-1] and "Traceback" not in body
