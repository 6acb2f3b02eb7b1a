"""API fixtures: integration accounts made through the administrator's service, a small set of
cases of every type in Sektion A1 (the org fixture's tree), and a real HTTP session."""

from datetime import date

import pytest
import requests

from cases.complaints.services import complaint_create
from cases.services.integrations import integration_account_create, integration_account_grant
from deviations.services import deviation_create
from lexsarah.services import lexsarah_report_create
from tests.factories import UserFactory

MARK = "API-A1"


@pytest.fixture
def make_account(org):
    """make_account(name, (role, unit_key), ...) -> (account, key), granted by the admin."""

    def _make(name: str, *grants: tuple[str, str]):
        admin = org.users["admin"]
        account, key = integration_account_create(name=name, actor=admin, reason="Test")
        for role, unit in grants:
            integration_account_grant(
                account=account, unit=org.units[unit], role=role, actor=admin, reason="Test"
            )
        return account, key

    return _make


@pytest.fixture
def cases_a1(org):
    """One case of each type in A1 and a deviation in B1, through the form services. Reported
    by someone outside the org fixture's roles, so no role sees them as their own report."""
    staff = UserFactory(username="reporter")
    complaint = complaint_create(
        source="utomstaende",
        unit=org.units["A1"],
        complaint_type="klagomal",
        description=f"{MARK} klagomål",
        title=f"{MARK} klagomål",
        actor=None,
    ).complaint.case
    deviation = deviation_create(
        unit=org.units["A1"],
        title=f"{MARK} avvikelse",
        description="Medicin gavs för sent.",
        occurred_on=date(2026, 11, 10),
        actor=staff,
        reporter=staff,
    )
    lexsarah = lexsarah_report_create(
        unit=org.units["A1"],
        title=f"{MARK} lex Sarah",
        description="Brukaren lämnades ensam.",
        actor=staff,
        reporter=staff,
        notify=False,
    )
    other = deviation_create(
        unit=org.units["B1"],
        title="API-B1 avvikelse",
        description="Fel i B1.",
        actor=staff,
        reporter=staff,
    )
    return {"complaint": complaint, "deviation": deviation, "lexsarah": lexsarah, "b1": other}


@pytest.fixture
def http(live_server):
    """A real HTTP client against the live test server: http(key).get("/api/v1/…")."""

    class Client:
        def __init__(self, key: str | None):
            self.session = requests.Session()
            if key:
                self.session.headers["Authorization"] = f"Bearer {key}"

        def __getattr__(self, method):
            def call(path, **kwargs):
                kwargs.setdefault("timeout", 30)
                return self.session.request(method.upper(), live_server.url + path, **kwargs)

            return call

    return Client
