"""Validates emulator responses against the response schema openapi.json declares for the
operation and status (jsonschema, Draft 2020-12, with date-time and uri format checks)."""

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:foil:openapi"


def _pointer(*parts):
    return "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class ResponseValidator:
    def __init__(self, openapi):
        self.openapi = openapi
        self.registry = Registry().with_resource(
            SPEC_URI, Resource.from_contents(openapi, default_specification=DRAFT202012)
        )
        self.format_checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
        self.checked = set()  # (operationId, status)

    def operation(self, method, template):
        op = self.openapi["paths"].get(template, {}).get(method.lower())
        assert op, f"{method} {template} is not in openapi.json"
        return op

    def validate(self, method, template, response):
        op = self.operation(method, template)
        status = str(response.status_code)
        declared = op["responses"]
        assert status in declared or status in ("400", "405", "413", "429", "500", "502", "503"), (
            f"{op['operationId']} answered undeclared status {status}: {response.text[:300]}"
        )
        assert response.headers.get("x-request-id", "").startswith("req_")
        if status == "204":
            assert response.content == b""
            self.checked.add((op["operationId"], status))
            return None
        content = declared.get(status, {}).get("content", {}).get("application/json")
        if content is None:
            # An undeclared (global) error status: it must still be the error envelope.
            content_ptr = ("components", "schemas", "ApiErrorEnvelope")
        else:
            content_ptr = ("paths", template, method.lower(), "responses", status, "content",
                           "application/json", "schema")
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        schema = {"$ref": f"{SPEC_URI}#/{_pointer(*content_ptr)}"}
        validator = jsonschema.Draft202012Validator(
            schema, registry=self.registry, format_checker=self.format_checker
        )
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        assert not errors, (
            f"{op['operationId']} {status} does not match the schema: "
            + "; ".join(f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5])
        )
        if status >= "400":
            err = body["error"]
            assert err["status"] == response.status_code
            assert err["request_id"] == response.headers["x-request-id"]
        self.checked.add((op["operationId"], status))
        return body
