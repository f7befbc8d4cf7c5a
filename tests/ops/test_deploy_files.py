"""The files in deploy/ for monitoring: the alert rules are a valid Prometheus rule file, and
the rules and the Grafana dashboard only ask for metrics the server exposes.

``promtool check rules`` is run where promtool is installed; without it (as on the machine
these tests were written on) the structure is checked here instead: groups, unique alert names,
durations, severities, summaries, and expressions whose metric names exist.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
RULES = DEPLOY / "prometheus" / "conference-rules.yml"
DASHBOARD = DEPLOY / "grafana" / "conference-dashboard.json"
DURATION = re.compile(r"^([0-9]+(ms|s|m|h|d|w|y))+$")
# Words in PromQL that are not metric names.
PROMQL_WORDS = {
    "sum", "max", "min", "by", "rate", "increase", "histogram_quantile", "min_over_time",
    "offset", "and", "or", "unless", "le", "instance", "check", "event", "endpoint", "status",
    "type", "job", "up",
}  # fmt: skip
NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def exposed_metric_names(client) -> set[str]:
    """Every series name a real scrape declares (``# TYPE`` lines, with or without samples)."""
    text = client.get("/metrics").text
    names = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            names.add(name)
            if kind == "histogram":
                names |= {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
            if kind == "counter":
                names.add(f"{name}_total" if not name.endswith("_total") else name)
    return names


def metric_names_in(expr: str) -> set[str]:
    without_labels = re.sub(r"\{[^}]*\}", "", expr)
    without_ranges = re.sub(r"\[[^\]]*\]", "", without_labels)
    without_ranges = re.sub(r"\boffset\s+[0-9a-z]+", "", without_ranges)
    words = set(NAME.findall(without_ranges))
    return {w for w in words if w not in PROMQL_WORDS and not re.fullmatch(r"[0-9.]+", w)}


def test_alert_rules_are_a_valid_rule_file(app, client):
    rules = yaml.safe_load(RULES.read_text("utf-8"))
    assert set(rules) == {"groups"}
    exposed = exposed_metric_names(client)
    seen = set()
    for group in rules["groups"]:
        assert isinstance(group["name"], str) and group["rules"]
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
            assert rule["alert"] not in seen, f"two alerts named {rule['alert']}"
            seen.add(rule["alert"])
            assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", rule["alert"])
            if "for" in rule:
                assert DURATION.match(rule["for"]), rule["for"]
            assert rule["labels"]["severity"] in {"critical", "warning", "info"}
            assert rule["annotations"]["summary"] and rule["annotations"]["description"]
            unknown = metric_names_in(rule["expr"]) - exposed
            assert not unknown, f"{rule['alert']} asks for {unknown}, which nothing exposes"
    assert len(seen) >= 5


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_accepts_the_rules():
    done = subprocess.run(
        ["promtool", "check", "rules", str(RULES)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_dashboard_shows_only_exposed_metrics(app, client):
    dashboard = json.loads(DASHBOARD.read_text("utf-8"))
    exposed = exposed_metric_names(client)
    titles = [panel["title"] for panel in dashboard["panels"]]
    assert len(titles) == len(set(titles))
    asked = set()
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == "${DS_PROMETHEUS}"
        for target in panel["targets"]:
            asked |= metric_names_in(target["expr"])
    assert asked <= exposed, asked - exposed
    # Every part of the issue is on it: followers, commands, delivery, HTTP, queue, greeting
    # failures, uploads, limits, health.
    for needed in (
        "conference_followers", "conference_commands_total",
        "conference_update_delivery_seconds_bucket", "conference_http_requests_total",
        "conference_task_queue_length", "conference_greeting_processing_failures_total",
        "conference_uploads_in_progress", "conference_rate_limit_refusals_total",
        "conference_health_failing",
    ):  # fmt: skip
        assert needed in asked, needed


def test_nginx_site_passes_health_and_hides_metrics():
    site = (DEPLOY / "nginx" / "conference.conf").read_text("utf-8")
    health = site[site.index("location = /health") :]
    health = health[: health.index("}")]
    assert "proxy_next_upstream error timeout http_503" in health
    assert "access_log off" in health
    metrics = site[site.index("location = /metrics") :]
    assert "return 404" in metrics[: metrics.index("}")]


def test_metrics_refusal_in_latvian(client):
    answer = client.get("/metrics?lang=lv", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert answer.status_code == 403
    assert answer.get_json()["error"]["message"] == "Metrikas šai adresei nav pieejamas."
