"""The log formatters' time, formatted once a second, reads as the standard formatter's."""

from __future__ import annotations

import json
import logging
import time

from conference.ops.logs import JSONFormatter, SecondsFormatter

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def test_the_text_time_is_the_standard_formatters_across_seconds():
    ours = SecondsFormatter(FORMAT)
    ours.default_msec_format = "%s.%03dZ"
    standard = logging.Formatter(FORMAT)
    standard.converter = time.gmtime
    standard.default_msec_format = "%s.%03dZ"
    start = 1_780_000_000.0
    for offset in (0.001, 0.5, 0.999, 1.0, 1.25, 61.7, 0.2):  # forwards, then back again
        created = start + offset
        record = logging.makeLogRecord(
            {"msg": "request ā", "levelname": "INFO", "name": "conference.requests"}
        )
        record.created, record.msecs = created, (created - int(created)) * 1000
        assert ours.format(record) == standard.format(record)


def test_the_json_time_is_utc_with_milliseconds():
    record = logging.makeLogRecord({"msg": "x", "levelname": "INFO", "name": "n"})
    record.created, record.msecs = 1_780_000_000.25, 250.0
    assert json.loads(JSONFormatter().format(record))["time"] == "2026-05-28T20:26:40.250Z"
