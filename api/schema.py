"""The OpenAPI schema's shared parts: the problem details every operation may answer with.

drf-spectacular describes each view's own answers; `add_problem_responses` adds the errors any
operation can give (docs/api.md, "Errors"), so a client generated from the schema knows the
shape of every answer it can get.
"""

from http import HTTPStatus

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Not Found"},
        "status": {"type": "integer", "example": 404},
        "detail": {"type": "string", "example": "Not found."},
        "errors": {
            "type": "object",
            "description": "Invalid fields (400 only): field name to messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "detail"],
}

EVERY_OPERATION = (400, 404, 429)
WRITES = (403, 409, 422)
WRITE_METHODS = {"post", "put", "patch", "delete"}


def _problem_response(code):
    return {
        "description": HTTPStatus(code).phrase if code != "default" else "Any other error",
        "content": {
            "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "examples": {
                    "Problem": {
                        "value": {
                            "type": "about:blank",
                            "title": HTTPStatus(code if code != "default" else 405).phrase,
                            "status": code if code != "default" else 405,
                            "detail": "What went wrong, in a sentence.",
                        }
                    }
                },
            }
        },
    }


def only_the_public_api(endpoints):
    """Leave Wagtail's admin API (also DRF) out of the public schema."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


def add_problem_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            codes = EVERY_OPERATION + (WRITES if method in WRITE_METHODS else ())
            responses = operation.setdefault("responses", {})
            for code in (*codes, "default"):
                responses.setdefault(str(code), _problem_response(code))
    return result
