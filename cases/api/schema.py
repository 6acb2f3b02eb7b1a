"""Every operation of /api/v1/ documents its auth and its error answers, all in the one
problem-details shape (RFC 9457), so a client generator and schemathesis know every status the
API can give."""

ERRORS = {
    "400": "Ogiltig begäran: fälten och deras fel under `errors`.",
    "401": "Nyckel saknas, är fel eller är spärrad.",
    "403": "Nyckelns roller tillåter inte åtgärden.",
    "404": "Finns inte, eller syns inte för nyckeln.",
    "405": "Metoden stöds inte här.",
    "406": "Begärt svarsformat stöds inte (svaret är JSON).",
    "415": "Innehållet är inte JSON.",
    "429": "För många anrop med nyckeln; se Retry-After.",
}
WRITE_ONLY = {"415"}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["ProblemDetails"] = {
        "type": "object",
        "description": "RFC 9457 problem details, Swedish text.",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["type", "title", "status", "detail"],
    }
    components.pop("Problem", None)
    problem = {
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
        }
    }
    for path, item in result.get("paths", {}).items():
        public_path = path.endswith("/schema/") or path.endswith("/docs/")
        for method, operation in item.items():
            if method not in {"get", "post", "patch", "put", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, existing in list(responses.items()):
                if code.isdigit() and int(code) >= 400 and code not in ERRORS:
                    responses[code] = {"description": existing.get("description") or "", **problem}
            for code, text in ERRORS.items():
                if code in WRITE_ONLY and method == "get":
                    continue
                if public_path and code in {"401", "403"}:
                    continue
                existing = responses.get(code, {})
                responses[code] = {"description": existing.get("description") or text, **problem}
            if not public_path:
                operation["security"] = [{"integrationKey": []}]
    return result
