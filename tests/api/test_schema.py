"""The OpenAPI document: valid (openapi-spec-validator), and every endpoint under /api/v1/ is in
it with its auth and its error answers."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

# The schema and its documentation page describe the API; they are not part of it.
NOT_IN_SCHEMA = {"/api/v1/schema/", "/api/v1/docs/"}


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _api_routes() -> set[str]:
    """Every route under api/v1/ as the schema spells it (`{name}` for a parameter)."""
    import re

    found = set()

    def walk(patterns, prefix):
        for p in patterns:
            text = str(p.pattern).lstrip("^").rstrip("$")
            text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "{" + m.group(1) + "}", text)
            text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{" + m.group(1) + "}", text)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + text)
            elif isinstance(p, URLPattern):
                found.add("/" + prefix + text)

    walk(get_resolver().url_patterns, "")
    return {r.replace("{pk}", "{id}") for r in found if r.startswith("/api/v1/")}


def test_schema_validates():
    validate(_schema())


def test_every_api_route_is_documented_with_auth_and_errors():
    schema = _schema()
    routes = _api_routes() - NOT_IN_SCHEMA
    assert routes, "no /api/v1/ routes found"
    assert routes == set(schema["paths"]), routes ^ set(schema["paths"])
    assert schema["components"]["securitySchemes"]["integrationKey"]["scheme"] == "bearer"
    for path, item in schema["paths"].items():
        for method, op in item.items():
            assert op["security"] == [{"integrationKey": []}], (path, method)
            for code in ("400", "401", "403", "404", "429"):
                content = op["responses"][code]["content"]
                assert "application/problem+json" in content, (path, method, code)
            if method in {"post", "patch"}:
                assert "415" in op["responses"], (path, method)


def test_case_details_come_from_every_case_type():
    from cases.registry import case_types

    schema = _schema()
    refs = {
        r["$ref"].rsplit("/", 1)[1] for r in schema["components"]["schemas"]["CaseDetails"]["oneOf"]
    }
    declared = {
        t.api_serializer.__name__.removesuffix("Serializer")
        for t in case_types()
        if t.api_serializer
    }
    assert refs == declared and len(refs) == 3


def test_schema_and_docs_served_without_cdn(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "cdn." not in body and "unpkg" not in body and "jsdelivr" not in body
    assert "/static/drf_spectacular_sidecar/" in body
