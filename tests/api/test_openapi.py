"""``GET /api/v1/openapi.json``: a valid OpenAPI 3.1 document that describes exactly the app's
``/api/v1`` routes, and that the answers of real requests match (see :mod:`tests.api.contract`
for every other test's answers)."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from conference.api import DESCRIPTION_FILE, description
from tests.api.contract import answer_problems, schema_problems

SLUG = "daugavpils-2021"
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


def test_the_description_is_valid_openapi_3_1():
    document = description()
    assert document["openapi"].startswith("3.1.")
    validate(document)  # raises with the first problem it finds


def test_it_is_served_as_written_with_a_weak_etag(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    assert answer.data == DESCRIPTION_FILE.read_bytes()
    etag = answer.headers["ETag"]
    assert (
        client.get("/api/v1/openapi.json", headers={"If-None-Match": f"W/{etag}"}).status_code
        == 304
    )


def app_operations(app) -> set[tuple[str, str]]:
    """``(path template, METHOD)`` of every /api/v1 rule, as OpenAPI writes paths."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        methods = set(rule.methods)
        if "GET" in methods:
            methods.discard("HEAD")  # Flask's automatic HEAD of a GET
        if getattr(rule, "provide_automatic_options", False):
            methods.discard("OPTIONS")
        found |= {(path, method) for method in methods}
    return found


def described_operations() -> set[tuple[str, str]]:
    return {
        (path, method.upper())
        for path, item in description()["paths"].items()
        for method in item
        if method.upper() in METHODS
    }


def test_every_api_route_is_described_and_nothing_else(app):
    routes, described = app_operations(app), described_operations()
    assert sorted(routes - described) == [], "routes without a description"
    assert sorted(described - routes) == [], "descriptions without a route"


def test_every_operation_documents_its_errors_with_the_error_shape():
    error = {"$ref": "#/components/schemas/Error"}
    for path, item in description()["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert operation.get("operationId"), f"{method} {path}"
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert response["$ref"].startswith("#/components/responses/"), status
    for name, response in description()["components"]["responses"].items():
        if name != "NotModified":
            assert response["content"]["application/json"]["schema"] == error, name


def test_the_contract_check_notices_a_wrong_answer():
    """The checker the other tests rely on does refuse what the description does not allow."""
    assert schema_problems({"$ref": "#/components/schemas/CommandResult"}, {"seq": "1"})
    assert answer_problems("GET", f"/api/v1/events/{SLUG}", 418, {}, b"")
    assert answer_problems(
        "POST",
        f"/api/v1/events/{SLUG}/commands",
        401,
        {"Content-Type": "application/json"},
        b'{"error": {"code": "unauthorized", "message": "x"}}',
    ) == [f"POST /api/v1/events/{SLUG}/commands 401: no WWW-Authenticate header"]
    assert not answer_problems(
        "GET", "/api/v1/events", 200, {"Content-Type": "application/json"}, b"[]"
    )


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/api/v1/events", None, 200),
        ("get", f"/api/v1/events/{SLUG}", None, 200),
        ("get", f"/api/v1/events/{SLUG}/state", None, 200),
        ("get", "/api/v1/events/nav-tada", None, 404),
        ("post", f"/api/v1/events/{SLUG}/commands", {"type": "start_event"}, 401),
        ("post", f"/api/v1/events/{SLUG}/votes", {"entry_id": 999999}, 404),
        ("post", f"/api/v1/events/{SLUG}/votes", [1, 2], 422),
        ("patch", f"/api/v1/events/{SLUG}/items/1", {"kind": "talk"}, 401),
    ],
)
def test_real_answers_match_the_description(demo, client, method, path, body, status):
    answer = getattr(client, method)(path, json=body)
    assert answer.status_code == status
    problems = answer_problems(
        method.upper(), path, answer.status_code, answer.headers, answer.get_data()
    )
    assert problems == []
