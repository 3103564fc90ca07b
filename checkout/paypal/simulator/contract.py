"""PayPal's published OpenAPI specifications (checkout/paypal/contract/), read by the simulator and tests.

The simulator answers with PayPal's own wording: each error's `name` and `message` are the ones
the spec fixes for its HTTP status, and each `details[].issue` must be one the spec lists for that
operation and status, with the spec's description. It also refuses a request body that breaks
the operation's request schema (400, as PayPal: "violates schema").

OpenAPI 3.0 schema objects are JSON Schema draft 4 plus a few annotations, so draft 4 validates them.
"""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

CONTRACT_DIR = Path(__file__).resolve().parents[1] / "contract"
SPEC_FILES = {
    "orders": "checkout_orders_v2.json",
    "payments": "payments_payment_v2.json",
    "webhooks": "notifications_webhooks_v1.json",
}
# The 400 issue PayPal documents for each JSON-schema keyword a request can break.
ISSUE_FOR_KEYWORD = {
    "required": "MISSING_REQUIRED_PARAMETER",
    "maxLength": "INVALID_STRING_LENGTH",
    "minLength": "INVALID_STRING_LENGTH",
    "maxItems": "INVALID_ARRAY_MAX_ITEMS",
    "minItems": "INVALID_ARRAY_MIN_ITEMS",
    "enum": "INVALID_PARAMETER_VALUE",
}


@cache
def spec(name):
    return json.loads((CONTRACT_DIR / SPEC_FILES[name]).read_text(encoding="utf-8"))


@cache
def registry():
    resources = ((f"urn:paypal:{name}", DRAFT4.create_resource(spec(name))) for name in SPEC_FILES)
    return Registry().with_resources(resources)


def _pointer(*parts):
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def request_schema(spec_name, method, path):
    pointer = _pointer("paths", path, method, "requestBody", "content", "application/json", "schema")
    return {"$ref": f"urn:paypal:{spec_name}#{pointer}"}


def response_schema(spec_name, method, path, status):
    """The schema of the operation's answer with `status`, or of its `default` answer."""
    responses = spec(spec_name)["paths"][path][method]["responses"]
    key = str(status) if str(status) in responses else "default"
    if "$ref" in responses[key]:  # a shared response object, e.g. #/components/responses/default
        pointer = responses[key]["$ref"].removeprefix("#") + _pointer("content", "application/json", "schema")
    else:
        pointer = _pointer("paths", path, method, "responses", key, "content", "application/json", "schema")
    return {"$ref": f"urn:paypal:{spec_name}#{pointer}"}


def composed(schema, resolver):
    """(part, resolver) for `schema` and every schema it is made of through $ref, allOf, anyOf, oneOf."""
    pending, found = [(schema, resolver)], []
    while pending:
        current, resolver = pending.pop()
        if "$ref" in current:
            resolved = resolver.lookup(current["$ref"])
            pending.append((resolved.contents, resolved.resolver))
            continue
        found.append((current, resolver))
        pending.extend((part, resolver) for keyword in ("allOf", "anyOf", "oneOf") for part in current.get(keyword, []))
    return found


@cache
def documented_issues(spec_name, method, path, status):
    """{issue: description} that the spec lists for this answer; empty when it lists none."""
    schema = response_schema(spec_name, method, path, status)
    issues = {}
    for error, resolver in composed(schema, registry().resolver()):
        details = (error.get("properties") or {}).get("details") or {}
        for detail, _ in composed(details.get("items") or {}, resolver):
            properties = detail.get("properties") or {}
            if "enum" in properties.get("issue", {}) and "enum" in properties.get("description", {}):
                issues[properties["issue"]["enum"][0]] = properties["description"]["enum"][0]
    return issues


@cache
def error_wording(spec_name, status):
    """The `name` and `message` PayPal's spec fixes for an error status."""
    schema = spec(spec_name)["components"]["schemas"][f"error_{status}"]["properties"]
    return schema["name"]["enum"][0], schema["message"]["enum"][0]


def error_body(operation, status, issue=None, field=None, debug_id=""):
    """PayPal's error body for `operation` (spec, method, path); refuses an issue the spec does not list."""
    spec_name, method, path = operation
    name, message = error_wording(spec_name, status)
    body = {"name": name, "message": message, "debug_id": debug_id}
    if issue is not None:
        documented = documented_issues(spec_name, method, path, status)
        if documented and issue not in documented:
            raise LookupError(f"PayPal documents no {issue} for {status} on {method.upper()} {path}")
        detail = {"issue": issue, "description": documented.get(issue, issue.replace("_", " ").capitalize())}
        if field is not None:
            detail.update(field=field, location="body")
        body["details"] = [detail]
    return body


def schema_violation(operation, body):
    """(issue, JSON pointer) of the first way `body` breaks the operation's request schema, or None."""
    spec_name, method, path = operation
    validator = Draft4Validator(request_schema(spec_name, method, path), registry=registry())
    error = next(iter(sorted(validator.iter_errors(body), key=lambda error: list(error.absolute_path))), None)
    if error is None:
        return None
    field = _pointer(*error.absolute_path) if error.absolute_path else ""
    issue = ISSUE_FOR_KEYWORD.get(error.validator, "INVALID_PARAMETER_SYNTAX")
    if issue not in documented_issues(spec_name, method, path, 400):
        issue = "INVALID_PARAMETER_SYNTAX"  # the one 400 issue every operation we use documents
    return issue, field
