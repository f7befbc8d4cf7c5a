"""Synchronised greeting playback in real Chromium against a real ``conference serve``.

A partner's 20 s clip goes the real way: a tus upload (tuspy), processing by the server's
in-process worker, approval through the review API. The moderator plays it from the console;
two attendee pages (a laptop, and a phone whose clock is 7 minutes wrong) and the screen view
play it from the same moment; a page opened 3 s later starts 3 s in; Stop hides it on every
page within a second. Played again, it ends by itself everywhere; a listener who turned the
sound on hears the next greeting without tapping again, and a page that may not start with
sound starts muted with the button. A page whose video data stops coming for a while, and one
that someone paused, catch up. Run with ``-s`` to see the figures; a failure names the page,
how far off it was, and its last corrections (tests/e2e/greeting_sync.py).
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.greeting_playback import (
    DURATION_S,
    MUTE,
    ORGANISATION,
    PLAYER,
    SHIFT_MS,
    SLUG,
    TITLE,
    UNMUTE,
    WATCH_HIDING,
    WRONG_CLOCK,
    assert_no_errors,
    command,
    open_page,
    playing,
    playing_since_ms,
    publish_greeting,
    sign_in_to_console,
    start_server,
)
from tests.e2e.greeting_sync import (
    BEHIND_BY,
    PAUSE,
    SAMPLE,
    SEEKS,
    MediaValve,
    Watched,
    assert_in_step,
    describe_player,
    measure,
    sample_once,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# In step means within the player's own seek threshold (SEEK_OVER_S in player.js): below it
# the page closes the gap by playing up to 10 % faster or slower, which takes a check period
# or two, so a page may be that far off meanwhile without anything being wrong. Each page's
# middle (median) error must be within it.
IN_STEP_S = 0.5
# A single sample may be further off: on a machine that cannot decode in real time (2 cores
# shared with five other test runs) a page lost 0.23 s per second, up to one check period
# (1 s) before the check seeks, and the four samples of a round took up to 1.2 s. 1 s is that
# slip on top of the threshold, with some margin; the next round was back within 0.1 s.
SLIP_S = 1.0
# Stop hides the player everywhere within 0.03-0.2 s on an idle machine (the figure is printed);
# on a machine shared with other test runs the click's own round trip through the server has
# taken over a second, so the bound checks that every page hides, not how fast the machine is.
STOP_WITHIN_S = 3.0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A running server whose event is live at its greetings item, with one approved greeting."""
    process = start_server(tmp_path_factory.mktemp("instance"))
    try:
        process.greeting_id = publish_greeting(process, tmp_path_factory.mktemp("clip"))
        command(process, {"type": "start_event"})
        command(process, {"type": "start_item", "item_id": process.greetings_item})
        yield process
    finally:
        process.stop()


def attendee(new_context, server, query: str = "", **options):
    options.setdefault("viewport", {"width": 1280, "height": 900})
    return open_page(new_context, f"{server.url}/events/{SLUG}{query}", **options)


def test_every_page_plays_from_the_same_moment_and_stops_together(
    server, new_context, screenshots_dir
):
    console = sign_in_to_console(new_context, server)
    card = console.locator("#console-greeting")
    expect(card.locator('[data-greeting="next-text"]')).to_contain_text(f"{TITLE} ({ORGANISATION})")
    laptop = attendee(new_context, server)
    phone = attendee(
        new_context,
        server,
        init_script=WRONG_CLOCK,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    screen = open_page(
        new_context, f"{server.url}/events/{SLUG}/screen", viewport={"width": 1280, "height": 720}
    )
    for page in (laptop, phone, screen):
        expect(page.locator(PLAYER)).to_be_hidden()

    card.get_by_role("button", name="Atskaņot visos ekrānos").click()
    for page in (laptop, phone, screen):
        playing(page)
    started_ms = playing_since_ms(server)

    # Muted (browsers allow only that without a tap), with the button for sound.
    for page in (laptop, phone):
        assert page.evaluate(SAMPLE)["muted"] is True
        expect(page.locator(UNMUTE)).to_be_visible()
    expect(laptop.locator(PLAYER)).to_contain_text(TITLE)
    expect(laptop.locator(PLAYER)).to_contain_text(ORGANISATION)
    expect(laptop.locator(PLAYER)).to_contain_text("A presto.")
    expect(laptop.locator("#greeting-player-announcer")).to_contain_text(ORGANISATION)
    expect(laptop.locator(f"{PLAYER} video")).to_have_attribute(
        "poster", re.compile(r"^/media/greetings/.+")
    )
    watched = [Watched("laptop", laptop), Watched("phone", phone, SHIFT_MS)]
    two_pages = measure(watched, started_ms, DURATION_S, rounds=3)

    # A page opened 3 s in starts 3 s in.
    time.sleep(max(0, started_ms / 1000 + 3.0 - time.time()))
    opened_at = time.time() - started_ms / 1000
    late = attendee(new_context, server, viewport={"width": 1024, "height": 768})
    playing(late)
    watched += [Watched("screen", screen), Watched("late page", late)]
    all_pages = measure(watched, started_ms, DURATION_S, rounds=4)

    print(f"\nsync: laptop and phone, minus the server's position {two_pages.errors()} s")
    print(f"sync: late page opened {opened_at:.2f} s in; all pages {all_pages.errors()} s")
    print(f"sync: pages apart by up to {all_pages.worst_spread:.3f} s")
    assert_in_step(two_pages, IN_STEP_S, SLIP_S)
    assert_in_step(all_pages, IN_STEP_S, SLIP_S)

    expect(card.locator('[data-greeting="now-text"]')).to_have_text(
        f"Tagad skan: {TITLE} ({ORGANISATION})"
    )
    expect(card.locator('[data-greeting="now-time"]')).to_contain_text(
        f" / {int(DURATION_S) // 60}:{int(DURATION_S) % 60:02d}"
    )
    for page, name in (
        (laptop, "greeting-attendee-lv.png"),
        (phone, "greeting-attendee-phone-lv.png"),
        (screen, "greeting-screen.png"),
        (console, "greeting-console-lv.png"),
    ):
        page.screenshot(path=str(screenshots_dir / name), full_page=page in (laptop, console))

    # Stop hides it on every page (played again first: on a busy machine the greeting may be
    # over by now).
    command(server, {"type": "play_greeting", "greeting_id": server.greeting_id})
    for page in (laptop, phone, screen, late):
        playing(page)
    card.get_by_role("button", name="Apturēt visos ekrānos").click()
    clicked = time.monotonic()
    for page, name in ((laptop, "laptop"), (phone, "phone"), (screen, "screen"), (late, "late")):
        left_ms = max(1, STOP_WITHIN_S * 1000 - (time.monotonic() - clicked) * 1000)
        try:
            expect(page.locator(PLAYER)).to_be_hidden(timeout=left_ms)
        except AssertionError:
            raise AssertionError(
                f"the {name} page still plays {STOP_WITHIN_S} s after Stop: {describe_player(page)}"
            ) from None
    print(f"stop: hidden on four pages {time.monotonic() - clicked:.2f} s after the click")
    expect(card.locator('[data-greeting="now"]')).to_be_hidden()
    assert_no_errors(laptop, phone, screen, late, console)


def test_the_sound_choice_holds_and_a_greeting_ends_by_itself(server, new_context):
    laptop, phone = attendee(new_context, server), attendee(new_context, server)
    screen = open_page(
        new_context, f"{server.url}/events/{SLUG}/screen", viewport={"width": 1280, "height": 720}
    )
    command(server, {"type": "play_greeting", "greeting_id": server.greeting_id})
    playing(laptop)
    laptop.locator(UNMUTE).click()
    expect(laptop.locator(MUTE)).to_be_visible()
    expect(laptop.locator(UNMUTE)).to_be_hidden()
    assert laptop.evaluate(SAMPLE)["muted"] is False
    command(server, {"type": "stop_greeting"})
    expect(laptop.locator(PLAYER)).to_be_hidden()

    # The next greeting: with sound where the listener chose it (the page has been touched),
    # muted elsewhere. A new tab of the same browser asks for sound too; whether it may start
    # with sound before a touch is the browser's call (headless Chromium allows it; desktop
    # browsers mostly refuse, and then the page plays muted with the button): never silent
    # without the button.
    command(server, {"type": "play_greeting", "greeting_id": server.greeting_id})
    started_ms = playing_since_ms(server)
    new_tab = laptop.context.new_page()
    new_tab.errors, new_tab.failed = [], []
    new_tab.goto(f"{server.url}/events/{SLUG}")
    for page in (laptop, phone, screen, new_tab):
        playing(page)
    assert laptop.evaluate(SAMPLE)["muted"] is False
    assert phone.evaluate(SAMPLE)["muted"] is True
    if new_tab.evaluate(SAMPLE)["muted"]:
        expect(new_tab.locator(UNMUTE)).to_be_visible()
    else:
        expect(new_tab.locator(MUTE)).to_be_visible()
        expect(new_tab.locator(UNMUTE)).to_be_hidden()

    for page in (laptop, phone, screen):
        page.evaluate(WATCH_HIDING)
    end_in_ms = started_ms + DURATION_S * 1000 - time.time() * 1000
    for page in (laptop, phone, screen):
        expect(page.locator(PLAYER)).to_be_hidden(timeout=max(1, end_in_ms + STOP_WITHIN_S * 1000))
    ended_after = [
        (page.evaluate("() => window.hiddenAt") - started_ms) / 1000
        for page in (laptop, phone, screen)
    ]
    print(f"\nend: hidden {[round(e, 2) for e in ended_after]} s after the start of {DURATION_S} s")
    # Not before the end (0.3 s: the player ends at a check within half a second of it) ...
    assert all(after >= DURATION_S - 0.3 for after in ended_after), ended_after
    # ... and by itself: the server's own stop comes only a second after the end.
    endings = [page.locator(PLAYER).get_attribute("data-ended") for page in (laptop, phone, screen)]
    assert all(why in ("time", "video-ended") for why in endings), endings
    assert_no_errors(laptop, phone, screen)


# A fifth of the 20 s clip: the page plays about 4 s, then its video stops for want of data.
FIRST_SHARE = 0.2
STALL_S = 2.0  # how much longer the data stays away once the page is a second behind
# After the data flows again, the alignment under way finishes its seek as soon as the data is
# there, may seek once more with the longest lead (2 s) and waits out that lead; had its seek
# timed out meanwhile, the next check (every second) starts afresh: about 4 s at worst on an
# idle machine (2.4 s measured). 10 s leaves more than as much again for a machine shared with
# other test runs.
CATCH_UP_S = 10.0


def caught_up(one: Watched, watched: list[Watched], started_ms: float, since: float) -> float:
    """Seconds from ``since`` (monotonic) until the page plays within IN_STEP_S of the server's
    position, measured from outside (this machine's clock, as the server's); or fail why."""
    while time.monotonic() - since < CATCH_UP_S:
        sample = sample_once([one], started_ms).samples[0]
        if sample.raw["state"] == "playing" and not sample.raw["paused"]:
            if abs(sample.error_s) <= IN_STEP_S:
                return time.monotonic() - since
        time.sleep(0.25)
    figures = measure(watched, started_ms, DURATION_S, rounds=1)
    pytest.fail(f"the {one.name} did not catch up within {CATCH_UP_S} s\n{figures.explain()}")


def test_a_page_that_stalls_or_is_paused_catches_up(server, new_context, screenshots_dir):
    laptop, stalled = attendee(new_context, server), attendee(new_context, server)
    paused = attendee(new_context, server, "?debug=sync")  # with the overlay of its figures
    valve = MediaValve(FIRST_SHARE)
    stalled.context.route("**/media/greetings/*.mp4*", valve.handle)
    command(server, {"type": "play_greeting", "greeting_id": server.greeting_id})
    # The stalled page is not waited for: on a busy machine it may start after the first
    # share's 4 s and so never play before the data comes back (a late start without data).
    for page in (laptop, paused):
        playing(page)
    started_ms = playing_since_ms(server)
    watched = [Watched("laptop", laptop), Watched("stalled page", stalled)]
    watched.append(Watched("paused page", paused))

    # Someone pauses one page's video (a media key, the browser saving power).
    pause = paused.evaluate(PAUSE)
    assert pause["paused"] is True
    after = caught_up(watched[2], watched, started_ms, since=time.monotonic())
    print(f"\nstall: the paused page in step again {after:.2f} s after the pause")
    # The other runs out of data where the first answer ended, and falls behind (its own figure:
    # the video's position against its clock's, measured every half second).
    stalled.wait_for_function(BEHIND_BY, arg=1.0, timeout=DURATION_S * 1000)
    time.sleep(STALL_S)
    valve.open()
    after = caught_up(watched[1], watched, started_ms, since=time.monotonic())
    print(f"stall: the stalled page in step again {after:.2f} s after the data came back")

    # And they stay: no page slips further than a busy machine makes it between two checks.
    figures = measure(watched, started_ms, DURATION_S, rounds=3)
    print(f"stall: pages minus the server's position {figures.errors()} s")
    assert figures.rounds, "no round of samples before the greeting's end"
    worst = figures.worst()
    assert abs(worst.error_s) <= SLIP_S, f"{worst.name} slipped again\n{figures.explain()}"
    # The paused one caught up by seeking (the stalled one may have had only its start's seek).
    assert paused.evaluate(SEEKS) > pause["seeks"]
    overlay = paused.locator(f"{PLAYER} .greeting-sync")
    expect(overlay).to_contain_text("Nobīde no servera")
    expect(overlay).to_contain_text("Pulksteņa nobīde")
    expect(overlay).to_contain_text(re.compile(r"Pēdējā korekcija\s*(seek|rate) no [+−]\d"))
    paused.screenshot(path=str(screenshots_dir / "greeting-sync-overlay-lv.png"), full_page=True)
    expect(laptop.locator(f"{PLAYER} .greeting-sync")).to_have_count(0)
    command(server, {"type": "stop_greeting"})
    for page in (laptop, stalled, paused):
        expect(page.locator(PLAYER)).to_be_hidden()
    assert_no_errors(laptop, stalled, paused)
