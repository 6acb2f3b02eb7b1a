"""Schemathesis against the live test server: requests generated from the OpenAPI document
for every operation, sent over HTTP with a valid key that holds every role the API checks.
No answer may be a 5xx, and every answer must be one the schema documents, in its content
type and shape. Bounded: a few examples per operation (a minute or two on two cores)."""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases.models import Role

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 12


@pytest.mark.slow
def test_every_operation_answers_as_documented(live_server, org, make_account, cases_a1, settings):
    settings.API_RATE_LIMIT = 100_000  # the limit has its own test; here every answer counts
    _account, key = make_account(
        "Schemathesis",
        (Role.KVALITETSSTRATEG, "ASF"),
        (Role.ADMINISTRATOR, "ASF"),
        (Role.MEDARBETARE, "A1"),
    )
    raw = requests.get(f"{live_server.url}/api/v1/schema/?format=json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(raw)
    session = requests.Session()
    headers = {"Authorization": f"Bearer {key}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call(base_url=live_server.url, session=session, headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
