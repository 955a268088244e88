"""The API reference page (/api/v1/docs), read from the OpenAPI schema: no script, nothing loaded from elsewhere.

Each operation is shown with its description, parameters (where, type,
limits, default), request body and response shape (fields with their
types, one level deep, nested shapes named) and a ``curl`` example. Text
from docstrings keeps its ``code`` spans as (text, is_code) pieces, which the
template wraps in ``<code>``: no markup is built from strings here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .templating import CodePieces, code_pieces

EXAMPLE_HOST = "http://127.0.0.1:8000"
# What a parameter means when its route does not say: the same names mean the same thing on every route.
PARAMETER_NOTES = {
    "q": "words; all must appear (names in any script)",
    "year": "a year, YYYY: of the event, else of the first report (documents, claims: of publication)",
    "status": "returned, attempted or intended",
    "reason": "a reason code: maladjustment, coercion, criminal_charges, other, unknown",
    "language": "the source's language, ISO 639-1 (en, ko, zh, ...)",
    "review": "machine (nobody reviewed it yet) or reviewed (confirmed or corrected)",
    "relevant": "true or false: the relevance stage's answer",
    "outlet": "the publishing outlet, as the documents list shows it",
    "subject": "returned_north, whereabouts_unknown, arrivals or other",
    "source": "words of the body a figure is attributed to (e.g. ministry)",
    "kind": "incident, claim or quote (the audit log: also case)",
    "who": "a reviewer's name",
    "case_id": "a case's id, as `/api/v1/cases` lists it",
    "target_id": "the id of the fact or case an entry is about",
    "document_id": "a document's id, as `/api/v1/documents` lists it",
    "fact_id": "the fact's id (`id` in a document's or case's facts)",
    "sort": "the column to sort by",
    "dir": "asc or desc",
}


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str
    required: bool
    about: CodePieces = ()


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    anchor: str
    summary: CodePieces
    details: tuple[CodePieces, ...]  # further paragraphs
    parameters: tuple[Field, ...]
    body: str | None  # request body shape's name
    body_fields: tuple[Field, ...]
    response: str  # response shape, e.g. "page of CaseSummaryOut"
    response_fields: tuple[Field, ...]
    example: str
    writes: bool


@dataclass(frozen=True, slots=True)
class Shape:
    name: str
    about: CodePieces
    fields: tuple[Field, ...]


def _paragraphs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]


def _name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1].replace("PageOut_", "page of ").rstrip("_")


def type_of(schema: Mapping[str, Any]) -> str:
    """A schema's type as a reader says it: "integer (1-500)", "string or null", "list of FactOut"."""
    if "$ref" in schema:
        return _name(str(schema["$ref"]))
    if "anyOf" in schema:
        kinds = [type_of(part) for part in schema["anyOf"] if part.get("type") != "null"]
        nullable = any(part.get("type") == "null" for part in schema["anyOf"])
        return " or ".join(kinds) + (" or null" if nullable else "")
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"])
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"list of {type_of(schema.get('items', {}))}"
    if kind == "object":
        return "object"
    limits = [
        f"{schema['minimum']}-{schema['maximum']}" if "minimum" in schema and "maximum" in schema else "",
        f"up to {schema['maxLength']} characters" if "maxLength" in schema else "",
        f"{schema['format']}" if "format" in schema else "",
    ]
    shown = ", ".join(limit for limit in limits if limit)
    return f"{kind} ({shown})" if shown else kind


def _fields(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> tuple[Field, ...]:
    if "$ref" in schema:
        schema = schemas.get(str(schema["$ref"]).rsplit("/", 1)[-1], {})
    required = set(schema.get("required", ()))
    return tuple(
        Field(name, type_of(part), name in required, code_pieces(str(part.get("description", ""))))
        for name, part in schema.get("properties", {}).items()
    )


def _parameter(item: Mapping[str, Any]) -> Field:
    schema = item.get("schema", {})
    about = str(item.get("description") or schema.get("description") or PARAMETER_NOTES.get(str(item["name"]), ""))
    where = "path" if item.get("in") == "path" else "query"
    default = f"; default {schema['default']}" if "default" in schema else ""
    return Field(
        str(item["name"]), f"{where}: {type_of(schema)}{default}", bool(item.get("required")), code_pieces(about)
    )


def _example(path: str, body: str | None, writes: bool) -> str:
    url = EXAMPLE_HOST + re.sub(r"\{(\w+)\}", lambda m: "1" if m.group(1).endswith("id") else "incident", path)
    lines = ['curl -s -H "Authorization: Bearer $TOKEN" \\']
    if body == "ReviewIn":
        payload = '{"action": "correct", "changes": {"age": "30s"}, "note": "police statement"}'
        lines.append(f"     -H 'Content-Type: application/json' -d '{payload}' \\")
    elif body in ("MergeIn", "SplitIn"):
        lines.append(
            """     -H 'Content-Type: application/json' -d '{"incident_ids": [3, 8], "note": "same person"}' \\"""
        )
    elif writes:
        lines.append("     -X POST \\")
    lines.append(f"     '{url}'")
    return "\n".join(lines)


def reference(schema: Mapping[str, Any]) -> tuple[list[Operation], list[Shape]]:
    """The operations of ``schema`` in its order, and the shapes (components) they use, by name."""
    schemas: Mapping[str, Any] = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            paragraphs = _paragraphs(str(operation.get("description") or operation.get("summary") or ""))
            body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            body = _name(str(body_schema["$ref"])) if body_schema and "$ref" in body_schema else None
            ok = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
            response_schema = ok.get("schema", {})
            ref = str(response_schema.get("$ref", ""))
            component = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else response_schema
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    anchor=f"{method}-{re.sub(r'[^a-z0-9]+', '-', path.lower()).strip('-')}",
                    summary=code_pieces(paragraphs[0] if paragraphs else ""),
                    details=tuple(code_pieces(p) for p in paragraphs[1:]),
                    parameters=tuple(_parameter(item) for item in operation.get("parameters", ())),
                    body=body,
                    body_fields=_fields(schemas.get(body or "", {}), schemas) if body else (),
                    response=type_of(response_schema) if response_schema else "no content",
                    response_fields=_fields(component, schemas),
                    example=_example(path, body, method.lower() != "get"),
                    writes=method.lower() != "get",
                )
            )
    used = sorted(
        name
        for name in schemas
        if not name.startswith(("PageOut_", "HTTPValidationError", "ValidationError")) and not name.endswith("In")
    )
    shapes = [
        Shape(
            name,
            code_pieces(" ".join(str(schemas[name].get("description", "")).split())),
            _fields(schemas[name], schemas),
        )
        for name in used
    ]
    return operations, shapes


__all__ = ["Field", "Operation", "Shape", "reference", "type_of"]
