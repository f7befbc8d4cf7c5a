"""The API's answers held to its description (``conference/api/openapi.json``).

:class:`ContractCheck` sits around the app's WSGI callable in every test's ``app`` (see
``tests/conftest.py``), so each ``/api/v1`` answer any test provokes, as it leaves the app, is
checked: its status is one the operation documents, its JSON body matches the documented
schema, and the documented required headers are there. What does not match is kept in
``violations``, and the test fails at its end naming each.
"""

from __future__ import annotations

import json
import re
from functools import cache

from jsonschema import Draft202012Validator

from conference.api import description

API_PREFIX = "/api/v1/"


@cache
def operations() -> list[tuple[re.Pattern, str, dict]]:
    """``(path regex, method, operation)`` for every operation of the description."""
    found = []
    for template, item in description()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$")
        for method, operation in item.items():
            if method != "parameters":
                found.append((pattern, method.upper(), operation))
    return found


def operation_for(method: str, path: str) -> dict | None:
    for pattern, op_method, operation in operations():
        if op_method == method and pattern.match(path):
            return operation
    return None


def resolve(node: dict) -> dict:
    """A ``$ref`` to ``#/components/...`` followed (one level, as responses use it)."""
    while "$ref" in node:
        target = description()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def schema_problems(schema: dict, instance) -> list[str]:
    """Where ``instance`` breaks ``schema`` (whose ``$ref``s point into the description)."""
    root = {"components": description()["components"], "allOf": [schema]}
    validator = Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message[:300]}"
        for error in validator.iter_errors(instance)
    ]


def answer_problems(method: str, path: str, status: int, headers, body: bytes) -> list[str]:
    """What is wrong with one answer, measured against the description; [] when all is right."""
    operation = operation_for("GET" if method == "HEAD" else method, path)
    if operation is None and method == "HEAD":
        operation = operation_for("HEAD", path)
    if operation is None:
        return [] if status in (404, 405) else [f"{method} {path}: no operation describes it"]
    responses = operation["responses"]
    if str(status) not in responses:
        return [f"{method} {path}: status {status} is not documented ({sorted(responses)})"]
    response = resolve(responses[str(status)])
    problems = []
    for name, header in response.get("headers", {}).items():
        if header.get("required") and name not in headers:
            problems.append(f"{method} {path} {status}: no {name} header")
    content = response.get("content", {})
    if "application/json" in content and method != "HEAD":
        if not headers.get("Content-Type", "").startswith("application/json"):
            problems.append(f"{method} {path} {status}: not JSON ({headers.get('Content-Type')})")
        else:
            schema = content["application/json"]["schema"]
            instance = json.loads(body)
            problems += [
                f"{method} {path} {status}: {p}" for p in schema_problems(schema, instance)
            ]
    return problems


class ContractCheck:
    """WSGI middleware: checks every ``/api/v1`` answer against the description."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.violations: list[str] = []

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(API_PREFIX):
            return self.wsgi_app(environ, start_response)
        seen = {}

        def recording_start_response(status, headers, exc_info=None):
            seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)
            return start_response(status, headers, exc_info)

        chunks = self.wsgi_app(environ, recording_start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        method = environ.get("REQUEST_METHOD", "GET")
        if "status" in seen:
            self.violations += answer_problems(method, path, seen["status"], seen["headers"], body)
        return [body]
