"""OpenAPI 3.1 documents, as FastAPI writes them, rewritten as OpenAPI 3.0.3.

FastAPI (with pydantic 2) writes OpenAPI 3.1, whose schemas are JSON Schema 2020-12; 3.0
schemas are an older, smaller dialect. :func:`downgrade` rewrites what differs: ``null``
types become ``nullable``, numeric ``exclusiveMinimum``/``exclusiveMaximum`` become the
boolean flags beside ``minimum``/``maximum``, ``const`` an ``enum`` of one, ``examples`` one
``example``, tuples (``prefixItems``) arrays, ``$ref`` with siblings an ``allOf``; keywords
3.0 has not are dropped.
"""

from __future__ import annotations

import copy
from typing import Any

VERSION = "3.0.3"

# The keywords of an OpenAPI 3.0 Schema Object (besides x- extensions).
SCHEMA_KEYWORDS = frozenset(
    {
        "$ref",
        "title",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxProperties",
        "minProperties",
        "required",
        "enum",
        "type",
        "not",
        "allOf",
        "oneOf",
        "anyOf",
        "items",
        "properties",
        "additionalProperties",
        "description",
        "format",
        "default",
        "nullable",
        "discriminator",
        "readOnly",
        "writeOnly",
        "example",
        "externalDocs",
        "deprecated",
        "xml",
    }
)
# Members whose values are data, never OpenAPI objects (not walked).
_DATA = frozenset({"example", "examples", "default", "enum", "const", "value"})
_NULL = {"type": "null"}


def downgrade(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of the OpenAPI 3.1 ``document`` as OpenAPI 3.0.3."""
    result = copy.deepcopy(document)
    result["openapi"] = VERSION
    for only_31 in ("webhooks", "jsonSchemaDialect"):
        result.pop(only_31, None)
    info = result.setdefault("info", {})
    summary = info.pop("summary", None)
    if summary and not info.get("description"):
        info["description"] = summary
    if isinstance(info.get("license"), dict):
        info["license"].pop("identifier", None)
    components = result.get("components", {})
    components.pop("pathItems", None)
    schemas = components.get("schemas", {})
    for name, schema in schemas.items():
        schemas[name] = schema_30(schema)
    result["paths"] = _walk(result.get("paths", {}))
    return result


def _walk(node: Any) -> Any:
    """OpenAPI objects with every ``schema`` member rewritten."""
    if isinstance(node, list):
        return [_walk(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: schema_30(value) if key == "schema" else value if key in _DATA else _walk(value)
        for key, value in node.items()
    }


def schema_30(schema: Any) -> Any:
    """One JSON Schema 2020-12 schema (and those inside it) as an OpenAPI 3.0 schema."""
    if not isinstance(schema, dict):
        return {} if schema is True else {"not": {}} if schema is False else schema
    s = dict(schema)
    _nested(s)
    if "const" in s:
        s["enum"] = [s.pop("const")]
    if "examples" in s:
        examples = s.pop("examples")
        if isinstance(examples, list) and examples:
            s.setdefault("example", examples[0])
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = s.get(exclusive)
        if isinstance(value, int | float) and not isinstance(value, bool):
            s[bound] = value
            s[exclusive] = True
    _types(s)
    for key in ("anyOf", "oneOf"):
        if key in s:
            _without_null(s, key)
    if "prefixItems" in s:
        _tuple(s)
    if s.get("items") is False:
        del s["items"]
    if s.get("type") == "array" and "items" not in s:
        s["items"] = {}
    if ("contentMediaType" in s or "contentEncoding" in s) and s.get("type") == "string":
        s.setdefault("format", "binary")
    if "$ref" in s and len(s) > 1:
        s["allOf"] = [{"$ref": s.pop("$ref")}, *s.get("allOf", [])]
    for key in ("required", "enum"):
        if s.get(key) == []:
            del s[key]
    return {k: v for k, v in s.items() if k in SCHEMA_KEYWORDS or k.startswith("x-")}


def _nested(s: dict[str, Any]) -> None:
    """Rewrite the schemas inside ``s``."""
    for key in ("properties", "patternProperties"):
        if isinstance(s.get(key), dict):
            s[key] = {name: schema_30(value) for name, value in s[key].items()}
    for key in ("allOf", "anyOf", "oneOf", "prefixItems"):
        if isinstance(s.get(key), list):
            s[key] = [schema_30(value) for value in s[key]]
    for key in ("not", "additionalProperties"):
        if isinstance(s.get(key), dict):
            s[key] = schema_30(s[key])
    if isinstance(s.get("items"), dict):
        s["items"] = schema_30(s["items"])
    elif isinstance(s.get("items"), list):  # draft-4 style tuple
        s["prefixItems"] = [schema_30(value) for value in s.pop("items")]


def _types(s: dict[str, Any]) -> None:
    """``type: [t, "null"]`` → ``type: t, nullable``; ``type: "null"`` → only null."""
    kind = s.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        if len(kinds) < len(kind):
            s["nullable"] = True
        del s["type"]
        if len(kinds) == 1:
            s["type"] = kinds[0]
        elif kinds:
            s["anyOf"] = [*s.get("anyOf", []), *({"type": k} for k in kinds)]
        else:
            s["enum"] = [None]
    elif kind == "null":
        del s["type"]
        s["nullable"] = True
        s["enum"] = [None]


def _without_null(s: dict[str, Any], key: str) -> None:
    """``anyOf: [X, {type: null}]`` → X, nullable (a reference X: ``allOf: [X]``)."""
    options = s[key]
    nulls = [o for o in options if o == _NULL or o == {"nullable": True, "enum": [None]}]
    if not nulls:
        return
    rest = [o for o in options if o not in nulls]
    s["nullable"] = True
    if len(rest) != 1:
        s[key] = rest
        return
    del s[key]
    [only] = rest
    if "$ref" in only:
        s["allOf"] = [only, *s.get("allOf", [])]
    else:
        for name, value in only.items():
            s.setdefault(name, value)


def _tuple(s: dict[str, Any]) -> None:
    """A tuple (``prefixItems``) as an array of its items' one schema (or any of them)."""
    items = s.pop("prefixItems")
    extra = s.get("items")
    kinds = [*items, *([extra] if isinstance(extra, dict) else [])]
    unique = [k for i, k in enumerate(kinds) if k not in kinds[:i]]
    s["items"] = unique[0] if len(unique) == 1 else {"anyOf": unique}
    s.setdefault("minItems", len(items))
    if extra is None or extra is False:
        s.setdefault("maxItems", len(items))
