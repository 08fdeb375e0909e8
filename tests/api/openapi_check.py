"""Checks of an OpenAPI 3.1 document and of answers against it, with jsonschema (installed with
altair): every schema in the document is a valid JSON Schema 2020-12, every $ref resolves, every
operation and parameter has the fields OpenAPI requires, and an answer validates against the schema
its route and status declare. (openapi-spec-validator, which checks a document against the official
OpenAPI meta-schema, is not installed here.)"""

from __future__ import annotations

import re

from jsonschema import Draft202012Validator

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _schemas(node: object, where: str = "#"):
    """Every object under a "schema" key, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema":
                yield f"{where}/schema", value
            yield from _schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _schemas(value, f"{where}/{i}")


def _refs(node: object):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(document: dict, ref: str) -> object:
    assert ref.startswith("#/"), ref
    node: object = document
    for part in ref[2:].split("/"):
        assert isinstance(node, dict) and part in node, f"unresolved $ref {ref}"
        node = node[part]
    return node


def problems(document: dict) -> list[str]:
    """What is wrong with `document` as an OpenAPI 3.1 document (empty: nothing found)."""
    found: list[str] = []
    if document.get("openapi") != "3.1.0":
        found.append("openapi must be 3.1.0")
    info = document.get("info", {})
    if not (isinstance(info.get("title"), str) and isinstance(info.get("version"), str)):
        found.append("info needs a title and a version")
    for ref in _refs(document):
        try:
            _resolve(document, ref)
        except AssertionError as exc:
            found.append(str(exc))
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as exc:
            found.append(f"components.schemas.{name}: {exc}")
    for path, item in document.get("paths", {}).items():
        if not path.startswith("/"):
            found.append(f"{path}: a path starts with /")
        template = set(re.findall(r"{([^}]+)}", path))
        for method, operation in item.items():
            if method not in METHODS:
                found.append(f"{path}: {method} is not an HTTP method")
                continue
            if not operation.get("responses"):
                found.append(f"{path} {method}: no responses")
            declared = set()
            for parameter in operation.get("parameters", []):
                if not {"name", "in", "schema"} <= set(parameter) or parameter["in"] not in {"query", "path"}:
                    found.append(f"{path} {method}: a parameter lacks name, in or schema")
                    continue
                if parameter["in"] == "path":
                    declared.add(parameter["name"])
                    if parameter.get("required") is not True:
                        found.append(f"{path}: path parameter {parameter['name']} must be required")
            if declared != template:
                found.append(f"{path}: path parameters {sorted(declared)} do not match the path")
            for status, response in operation.get("responses", {}).items():
                if not (status == "default" or re.fullmatch(r"[1-5][0-9][0-9]", status)):
                    found.append(f"{path}: response key {status}")
                if "description" not in response:
                    found.append(f"{path} {status}: a response needs a description")
    for where, schema in _schemas(document.get("paths", {})):
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as exc:
            found.append(f"{where}: {exc}")
    return found


def validate_answer(document: dict, path: str, status: int, media_type: str, body: object) -> None:
    """Raise jsonschema.ValidationError when `body` does not match what `path` declares for `status`."""
    responses = document["paths"][path]["get"]["responses"]
    schema = responses[str(status)]["content"][media_type]["schema"]
    validator = Draft202012Validator({**schema, "components": document["components"]})
    validator.validate(body)
