#!/usr/bin/env python3
"""Checks real HTTP responses against an OpenAPI 3.1 document, independently of the server.

usage: check_responses.py OPENAPI.json EXCHANGES.json

EXCHANGES.json is a list of {"name", "method", "path" (the document's path template, e.g.
/api/v1/initiatives/{id}), "status", "content_type", "body"}. For each, the operation must
document the status and the content type, and a JSON body must be valid against the
documented schema (JSON Schema 2020-12, with the document's components, date-time formats
checked). Prints {"name": ["problem", ...]} as JSON; an empty list means the exchange fits.
"""
import json
import sys

import jsonschema
import referencing
from referencing.jsonschema import DRAFT202012

BASE = "urn:cxd:openapi"


def resolve(document, node):
    """Follows a local $ref (components/responses, parameters) to its target."""
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def check(document, registry, exchange):
    problems = []
    operation = document["paths"].get(exchange["path"], {}).get(exchange["method"].lower())
    if operation is None:
        return [f"the document has no {exchange['method']} {exchange['path']}"]
    response = operation["responses"].get(str(exchange["status"]))
    if response is None:
        return [f"status {exchange['status']} is not documented (documented: {', '.join(sorted(operation['responses']))})"]
    response = resolve(document, response)
    media = exchange["content_type"].split(";")[0].strip().lower()
    content = response.get("content", {})
    if media not in content:
        return [f"content type {media!r} is not documented (documented: {', '.join(content) or 'none'})"]
    if media != "application/json":
        return problems
    try:
        body = json.loads(exchange["body"])
    except ValueError as error:
        return [f"the body is not JSON: {error}"]
    schema = content[media]["schema"]
    if "$ref" in schema:
        schema = {"$ref": BASE + schema["$ref"]}
    validator = jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(the body)"
        problems.append(f"{where}: {error.message}")
    return problems


def main():
    document_path, exchanges_path = sys.argv[1:3]
    with open(document_path, encoding="utf-8") as f:
        document = json.load(f)
    with open(exchanges_path, encoding="utf-8") as f:
        exchanges = json.load(f)
    resource = referencing.Resource(contents=document, specification=DRAFT202012)
    registry = referencing.Registry().with_resource(BASE, resource)
    report = {exchange["name"]: check(document, registry, exchange) for exchange in exchanges}
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
