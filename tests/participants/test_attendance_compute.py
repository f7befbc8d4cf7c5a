"""Attendance read from intervals: merging across tabs and processes, gaps, clipping, samples."""

from datetime import UTC, datetime, timedelta

from conference.participants.attendance import compute, merge

START = datetime(2026, 6, 15, 9, 0, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_overlapping_tabs_and_processes_count_once():
    rows = [
        ("anna", at(0), at(30)),  # laptop, process 1
        ("anna", at(10), at(40)),  # phone, process 2
        ("anna", at(5), at(6)),  # a second tab
    ]
    attendance = compute(rows, START, at(60))
    assert attendance.of("anna").minutes == 40
    assert attendance.of("anna").first_seen == at(0)
    assert attendance.of("anna").last_seen == at(40)


def test_a_drop_back_within_a_minute_is_one_interval_and_a_longer_one_is_not():
    assert merge([(at(0), at(10)), (at(10.9), at(20))]) == [(at(0), at(20))]
    assert merge([(at(0), at(10)), (at(11.5), at(20))]) == [(at(0), at(10)), (at(11.5), at(20))]
    attendance = compute([("jānis", at(0), at(10)), ("jānis", at(15), at(20))], START, at(60))
    assert attendance.of("jānis").minutes == 15


def test_only_time_while_live_counts():
    rows = [("ēriks", at(-30), at(10)), ("ēriks", at(50), at(90))]
    attendance = compute(rows, START, at(60))
    assert attendance.of("ēriks").minutes == 20
    assert attendance.of("ēriks").first_seen == START
    assert attendance.of("ēriks").last_seen == at(60)
    assert compute(rows, None, None).unique_attendees == 0
    assert compute([("x", at(-20), at(-10))], START, at(60)).of("x") is None


def test_samples_peak_and_unique_count_connections_without_a_cookie_too():
    rows = [
        ("anna", at(0), at(3)),
        ("connection:abc", at(1.5), at(2.2)),
        ("pēteris", at(2), at(2.5)),
    ]
    attendance = compute(rows, START, at(4))
    assert [online for _, online in attendance.samples] == [1, 2, 3, 0, 0]
    assert attendance.samples[0][0] == START
    assert attendance.peak_online == 3
    assert attendance.unique_attendees == 3
