"""RouteLimiter: Flask-Limiter's per-request work only where a limit is checked, and every limit
still counted (route limits, deduct_when, the X-RateLimit headers, app-wide defaults)."""

from __future__ import annotations

from flask import Flask, g

from conference.ratelimit import LIMITS_CHECKED, RouteLimiter, attendee_key


def make_app(**limiter_options):
    app = Flask(__name__)
    limiter = RouteLimiter(
        key_func=lambda: "everyone",
        headers_enabled=True,
        storage_uri="memory://",
        **limiter_options,
    )
    limiter.init_app(app)

    @app.before_request
    def attendee():
        from flask import request

        g.attendee_id = request.headers.get("X-Attendee")

    @app.get("/free")
    def free():
        from flask import request

        return {"checked": bool(request.environ.get(LIMITS_CHECKED))}

    @app.get("/limited")
    @limiter.limit("2/minute", key_func=attendee_key)
    def limited():
        return "ok"

    @app.get("/failing")
    @limiter.limit("1/minute", deduct_when=lambda response: response.status_code == 400)
    def failing():
        from flask import request

        return ("bad", 400) if request.args.get("fail") else "ok"

    return app


def test_a_route_without_limits_costs_no_limiter_work_and_gets_no_limit_headers():
    client = make_app().test_client()
    answer = client.get("/free")
    assert answer.get_json() == {"checked": False}
    assert "X-RateLimit-Limit" not in answer.headers


def test_route_limits_count_per_attendee_with_their_headers():
    client = make_app().test_client()
    for _ in range(2):
        answer = client.get("/limited", headers={"X-Attendee": "anna"})
        assert answer.status_code == 200
        assert answer.headers["X-RateLimit-Limit"] == "2"
    assert client.get("/limited", headers={"X-Attendee": "anna"}).status_code == 429
    # Another attendee behind the same address still has their own two.
    assert client.get("/limited", headers={"X-Attendee": "jānis"}).status_code == 200


def test_deduct_when_still_counts_only_the_failures():
    client = make_app().test_client()
    for _ in range(3):
        assert client.get("/failing").status_code == 200  # successes cost nothing
    assert client.get("/failing?fail=1").status_code == 400
    assert client.get("/failing").status_code == 429


def test_app_wide_default_limits_still_apply_to_every_route():
    client = make_app(default_limits=["1/minute"]).test_client()
    assert client.get("/free").status_code == 200
    assert client.get("/free").status_code == 429


def test_a_blueprints_limits_still_apply_to_its_routes():
    from flask import Blueprint

    app = Flask(__name__)
    limiter = RouteLimiter(key_func=lambda: "everyone", storage_uri="memory://")
    limited = Blueprint("limited", __name__)

    @limited.get("/in-blueprint")
    def in_blueprint():
        return "ok"

    limiter.limit("1/minute")(limited)
    app.register_blueprint(limited)
    limiter.init_app(app)
    client = app.test_client()
    assert client.get("/in-blueprint").status_code == 200
    assert client.get("/in-blueprint").status_code == 429
