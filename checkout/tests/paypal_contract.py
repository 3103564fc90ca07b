"""Checks against PayPal's published OpenAPI specifications, stricter than plain schema validation.

The spec's schemas never say `additionalProperties: false`, so a misspelt field would pass them
unnoticed; and OpenAPI's `readOnly` is only an annotation to JSON Schema. So on top of the schema:

- every key we send, or the simulator answers, is one the spec declares (free-form objects aside);
- a request carries no `readOnly` field (OpenAPI: PayPal sets those; requests may not send them).
"""

from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError
from jsonschema.validators import extend

from checkout.paypal.simulator.contract import composed, registry


def _refuse_read_only(validator, read_only, instance, schema):
    if read_only:
        yield ValidationError("is read-only: PayPal sets it, a request may not send it")


RequestValidator = extend(Draft4Validator, {"readOnly": _refuse_read_only})


def undeclared_fields(instance, schema, resolver=None, where="$"):
    """Paths of keys in `instance` that no part of `schema` declares."""
    parts = composed(schema, resolver or registry().resolver())
    if isinstance(instance, dict):
        declared = {}
        for part, part_resolver in parts:
            for key, subschema in (part.get("properties") or {}).items():
                declared.setdefault(key, []).append((subschema, part_resolver))
        free_form = any(part.get("additionalProperties") not in (None, False) for part, _ in parts)
        for key, value in instance.items():
            if key in declared:  # undeclared only if no part that declares `key` declares what is inside
                inside = [
                    set(undeclared_fields(value, sub, sub_resolver, f"{where}.{key}"))
                    for sub, sub_resolver in declared[key]
                ]
                yield from set.intersection(*inside)
            elif declared and not free_form:
                yield f"{where}.{key}"
    elif isinstance(instance, list):
        for part, part_resolver in parts:
            for index, item in enumerate(instance if "items" in part else []):
                yield from undeclared_fields(item, part["items"], part_resolver, f"{where}[{index}]")


def problems(instance, schema, request=False):
    """Every way `instance` breaks `schema`, as readable lines (empty when it conforms)."""
    validator = (RequestValidator if request else Draft4Validator)(schema, registry=registry())
    errors = [
        f"$/{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(instance)
    ]
    undeclared = sorted(set(undeclared_fields(instance, schema)))
    return errors + [f"{path}: not declared by PayPal's schema" for path in undeclared]
