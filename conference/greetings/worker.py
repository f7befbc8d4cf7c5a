"""Running the task queue: inside ``conference serve``, or alone in ``conference worker``."""

from __future__ import annotations

import logging

from huey.consumer import Consumer

from conference.greetings.tasks import requeue_unfinished

log = logging.getLogger(__name__)

# Short polling: an upload's processing should start within a second of its last byte.
POLL = {"initial_delay": 0.1, "backoff": 1.15, "max_delay": 1.0}


class EmbeddedConsumer(Consumer):
    """A Huey consumer inside another program: the program's signal handlers stay its own."""

    def _set_signal_handlers(self) -> None:
        pass


def gevent_active() -> bool:
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover
        return False
    return monkey.is_module_patched("threading")


def start_embedded_worker(app) -> EmbeddedConsumer | None:
    """Start one worker in this process (``[tasks] in_process_worker``); None when disabled.

    Under gevent the worker is a greenlet and the video work runs in gevent's native thread
    pool (see :func:`conference.greetings.processing.run_blocking`); otherwise a thread.
    One worker: a single-process deployment should not spend more than one core on video.
    """
    if not app.config["TASKS_IN_PROCESS_WORKER"]:
        return None
    with app.app_context():
        requeued = requeue_unfinished()
        huey = app.extensions["greetings_tasks"].huey
    if requeued:
        log.info("queued %s unfinished greetings again", requeued)
    consumer = EmbeddedConsumer(
        huey, workers=1, worker_type="greenlet" if gevent_active() else "thread", **POLL
    )
    consumer.start()
    app.extensions["greetings_consumer"] = consumer
    return consumer


def run_worker(app, workers: int = 1) -> None:
    """``conference worker``: consume the queue in the foreground until interrupted."""
    with app.app_context():
        requeued = requeue_unfinished()
        huey = app.extensions["greetings_tasks"].huey
    if requeued:
        log.info("queued %s unfinished greetings again", requeued)
    Consumer(huey, workers=workers, worker_type="thread", **POLL).run()
