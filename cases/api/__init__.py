"""The REST API /api/v1/ (issue 21): integration accounts read cases, measures, units and code
lists through the same selectors as the web pages, and write through the same services.

The core never imports a case type: each type's fields and create endpoint come from its
`CaseType` (api_serializer, api_prefetch, api_create)."""
