"""bench/fanout/proxy.py: nginx for the fan-out bench, made from the committed site."""

from __future__ import annotations

import re
import subprocess

import pytest

from bench.fanout import proxy


def test_the_site_gets_one_server_line_per_process_in_both_upstreams(tmp_path):
    site = proxy.site_config([6001, 6002, 6003, 6004], 7000, tmp_path / "static", tmp_path / "m")
    for upstream in ("conference_any", "conference_sticky"):
        body = re.search(rf"upstream {upstream} \{{(.*?)\}}", site, re.S).group(1)
        assert re.findall(r"server 127\.0\.0\.1:(\d+);", body) == ["6001", "6002", "6003", "6004"]
    # The rules stay those of the committed file.
    assert "least_conn;" in site and "hash $remote_addr consistent;" in site
    assert "listen 127.0.0.1:7000;" in site and "listen 127.0.0.1:8080" not in site
    assert "/srv/conference/static/" not in site


def test_a_site_it_cannot_rewrite_fails_instead_of_measuring_something_else(tmp_path):
    with pytest.raises(ValueError):
        proxy.site_config([6001], 7000, tmp_path, tmp_path, site_text="server { listen 80; }")


def test_limits_fit_one_worker_or_spread_the_attendees_by_reuseport():
    workers, connections, files, reuseport, _note = proxy.limits(2_000, "auto", 65_536)
    assert (workers, reuseport) == ("auto", False)
    assert connections >= 2 * 2_000 and files > connections
    workers, connections, files, reuseport, note = proxy.limits(20_000, "auto", 20_000)
    assert reuseport and files == 20_000 and connections < files
    # Every worker gets its share of the 40,000 connections with room to spare.
    assert workers * connections >= 1.25 * 40_000
    assert "20,000" in note


def test_nginx_accepts_the_generated_configuration(tmp_path):
    if proxy.nginx_binary() is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    front = proxy.Nginx([6001, 6002, 6003, 6004], 20_000, log_dir=tmp_path)
    front.write()
    result = subprocess.run(front.argv("-t"), capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_commands_go_through_nginx_only_where_any_process_may_answer_them(tmp_path):
    from bench.fanout import contenders

    front = proxy.Nginx([6001, 6002], 2_000, log_dir=tmp_path)
    app = contenders.ConferenceApp(processes=2, log_dir=tmp_path)
    app.ports = [6001, 6002]
    assert proxy.BehindProxy(app, front).trigger_url.startswith(front.url)
    # The bare Flask baseline counts seq per process: its commands stay on the first one.
    flask = contenders.FlaskBaseline(processes=2, log_dir=tmp_path)
    flask.ports = [6001, 6002]
    assert proxy.BehindProxy(flask, front).trigger_url.startswith("http://127.0.0.1:6001/")
