"""Validates notification payloads against docs/notification.schema.json with `jsonschema`.

Usage: webhook_schema_check.py SCHEMA PAYLOAD...

Checks the schema itself (draft 2020-12), then each payload file twice: against the schema as
published, and against a strict copy that refuses properties the schema does not describe (so a
field added to the payload without documenting it is caught). Prints one JSON object mapping
each payload file to its list of error messages (empty when valid).
"""

import copy
import json
import sys

import jsonschema


def strict(schema):
    result = copy.deepcopy(schema)
    result["unevaluatedProperties"] = False
    for definition in result.get("$defs", {}).values():
        if definition.get("type") == "object":
            definition["unevaluatedProperties"] = False
    return result


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    validators = [
        jsonschema.Draft202012Validator(schema, format_checker=checker),
        jsonschema.Draft202012Validator(strict(schema), format_checker=checker),
    ]
    report = {}
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as handle:
            payload = json.load(handle)
        errors = []
        for validator in validators:
            errors += [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(payload)]
        report[path] = sorted(set(errors))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
