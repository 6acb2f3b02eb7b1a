"""Helpers for the permission sweep: enumerate every URL pattern of the project."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# /api/v1/ (namespaces api, api_reports) is swept by its own route × role sweep,
# tests/api/test_api_sweep.py: integration keys instead of sessions, problem details instead of
# pages. tests/api/test_schema.py fails if a route there is missing from the OpenAPI document.
SKIPPED_NAMESPACES = {"admin", "api", "api_reports"}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, prefix: str, namespace: str):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns in SKIPPED_NAMESPACES or str(p.pattern).startswith("admin/"):
                    continue
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace else (p.name or "")
                routes.append(Route(name=name, pattern=prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "", "")
    return routes
