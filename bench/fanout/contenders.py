"""The servers the fan-out benchmark compares, each started as real subprocesses on 127.0.0.1.

A contender knows how to start its process(es) on free ports, where attendees connect,
which URL (and token) makes it broadcast one update, and which PIDs to sample. Every
contender answers the same trigger: ``POST /api/v1/events/SLUG/commands`` with an
``announce`` command, as PROTOCOL.md defines it for the app.

- ``flask``: baseline_flask.py, Flask-SocketIO on gevent + gevent-websocket.
- ``flask-simple``: the same with simple-websocket instead of gevent-websocket.
- ``flask-threading``: baseline_flask.py in threading mode, gunicorn's gthread worker and
  simple-websocket (the arbiter's one worker process is the one sampled).
- ``flask-eventlet``: baseline_flask.py in eventlet mode, eventlet.wsgi and eventlet.websocket.
- ``asgi``, ``asgi-wsproto``: baseline_asgi.py, python-socketio's AsyncServer under uvicorn
  (uvloop, httptools) with the websockets or the wsproto implementation; ``asgi-nodeflate``:
  websockets with permessage-deflate refused.
- ``node``: baseline_node.js, Node socket.io 4.8 (single process only).
- ``conference``: the app itself, ``conference serve`` with the demo event and an API token.
With ``processes > 1`` the Flask baselines and the app share one room through Redis.
"""

import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

FANOUT_DIR = Path(__file__).resolve().parent
REPO_ROOT = FANOUT_DIR.parent.parent
PAYLOADS = json.loads((FANOUT_DIR / "payloads.json").read_text(encoding="utf-8"))
SLUG = PAYLOADS["slug"]
COMMANDS_PATH = f"/api/v1/events/{SLUG}/commands"
STOP_GRACE_SECONDS = 5


def free_port():
    """A port nobody listens on right now (the tiny race with other programs is acceptable)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def raise_file_limit():
    """Run in each child before exec: one socket per attendee needs far more than 1024 fds."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def spawn(argv, log_path, env=None, stdin=subprocess.DEVNULL):
    """Start one server process in its own process group, output to log_path."""
    log = open(log_path, "ab")  # noqa: SIM115  (closed in stop_process)
    proc = subprocess.Popen(
        argv,
        stdin=stdin,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=REPO_ROOT,
        preexec_fn=raise_file_limit,
        start_new_session=True,
    )
    proc.log_file = log
    return proc


def stop_process(proc):
    """SIGTERM its group, then SIGKILL after a grace period; never hangs."""
    if proc.poll() is None:
        for sig, wait in (
            (signal.SIGTERM, STOP_GRACE_SECONDS),
            (signal.SIGKILL, STOP_GRACE_SECONDS),
        ):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
    proc.log_file.close()


def wait_until_ready(url, proc, timeout=30.0):
    """Poll url until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


class Contender:
    """One server under test: started by start(), stopped by stop() even after a failure."""

    name = "?"
    ready_path = "/healthz"
    # True when any process may take the trigger and answer a seq that is unique across the
    # cluster (the app: the event's live log in the database). The Flask baseline counts per
    # process, so its commands must all go to one process.
    shared_seq = False

    def __init__(self, processes=1, log_dir=None, redis_url=None):
        self.processes = processes
        self.redis_url = redis_url
        self.log_dir = Path(log_dir or tempfile.gettempdir())
        self.procs = []
        self.ports = []
        self.token = ""

    @property
    def urls(self):
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    @property
    def trigger_url(self):
        # Commands go to the first process; with Redis the others receive them from there.
        return self.urls[0] + COMMANDS_PATH

    @property
    def pids(self):
        return [proc.pid for proc in self.procs]

    def command(self, port, index):  # pragma: no cover - each contender defines it
        raise NotImplementedError

    def env(self):
        return dict(os.environ)

    def start(self, label):
        for index in range(self.processes):
            port = free_port()
            log_path = self.log_dir / f"{label}-{self.name}-{index}.log"
            proc = spawn(self.command(port, index), log_path, env=self.env())
            self.procs.append(proc)
            self.ports.append(port)
            wait_until_ready(f"http://127.0.0.1:{port}{self.ready_path}", proc)
            self.after_first_ready(index)

    def after_first_ready(self, index):
        """Hook for set-up that needs a running server (the app's token)."""

    def stop(self):
        for proc in self.procs:
            stop_process(proc)


class NodeBaseline(Contender):
    name = "node"

    def __init__(self, processes=1, **kwargs):
        if processes != 1:
            raise ValueError("the Node baseline runs as one process (no Redis adapter here)")
        super().__init__(processes, **kwargs)

    def command(self, port, index):
        return ["node", str(FANOUT_DIR / "baseline_node.js"), "--port", str(port)]


def require(module, contender):
    """Fail with the install command when a contender's server is not installed."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise RuntimeError(
            f"the {contender} contender needs {module}: .venv/bin/pip install -e '.[bench]'"
        )


class FlaskBaseline(Contender):
    name = "flask"
    async_mode = "gevent"
    websocket = "gevent-websocket"
    needs = ()  # modules beyond the app's own dependencies (the `bench` extra)

    def command(self, port, index):
        for module in self.needs:
            require(module, self.name)
        argv = [
            sys.executable,
            str(FANOUT_DIR / "baseline_flask.py"),
            "--port",
            str(port),
            "--async-mode",
            self.async_mode,
            "--websocket",
            self.websocket,
        ]
        if self.processes > 1:
            argv += ["--message-queue", self.redis_url]
        return argv


class FlaskSimpleBaseline(FlaskBaseline):
    name = "flask-simple"
    websocket = "simple"


def child_pids(pid):
    """The children of pid (Linux /proc), e.g. gunicorn's worker under its arbiter."""
    try:
        return [
            int(found) for found in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    except OSError:
        return []


class FlaskThreadingBaseline(FlaskBaseline):
    """Flask-SocketIO in threading mode under gunicorn's gthread worker, simple-websocket."""

    name = "flask-threading"
    async_mode = "threading"
    needs = ("gunicorn",)

    @property
    def pids(self):
        # gunicorn's arbiter forks the one worker that serves; sample that (and the arbiter,
        # which idles, would only add its few MB to the RSS).
        return [child for proc in self.procs for child in child_pids(proc.pid)] or super().pids


class FlaskEventletBaseline(FlaskBaseline):
    """Flask-SocketIO in eventlet mode: eventlet.wsgi and eventlet.websocket."""

    name = "flask-eventlet"
    async_mode = "eventlet"
    needs = ("eventlet",)


class AsgiBaseline(Contender):
    """python-socketio's AsyncServer under uvicorn (uvloop, httptools), one process."""

    name = "asgi"
    ws = "websockets"
    deflate = True

    def __init__(self, processes=1, **kwargs):
        if processes != 1:
            raise ValueError("the ASGI baseline runs as one process here")
        super().__init__(processes, **kwargs)

    def command(self, port, index):
        for module in ("uvicorn", "uvloop", "httptools", self.ws.split("-")[0]):
            require(module, self.name)
        return [
            sys.executable,
            str(FANOUT_DIR / "baseline_asgi.py"),
            "--port",
            str(port),
            "--ws",
            self.ws,
            *([] if self.deflate else ["--no-deflate"]),
        ]


class AsgiWsprotoBaseline(AsgiBaseline):
    name = "asgi-wsproto"
    ws = "wsproto"


class AsgiSansioBaseline(AsgiBaseline):
    """uvicorn's websockets-sansio implementation, which its plain websockets one will become."""

    name = "asgi-sansio"
    ws = "websockets-sansio"


class AsgiNoDeflateBaseline(AsgiBaseline):
    """uvicorn + websockets refusing permessage-deflate, as gevent-websocket and Node do."""

    name = "asgi-nodeflate"
    deflate = False


class ConferenceApp(Contender):
    """The app: `conference serve --demo` on a fresh database, a moderator and an API token."""

    name = "conference"
    shared_seq = True
    ready_path = f"/api/v1/events/{SLUG}"
    moderator_email = "bench-moderator@example.org"
    fast_path = True  # [socketio] fast_path (conference.live.fastpath)

    def __init__(
        self,
        processes=1,
        app_command=None,
        config=None,
        database_url=None,
        behind_proxy=False,
        **kwargs,
    ):
        super().__init__(processes, **kwargs)
        self.behind_proxy = behind_proxy
        self.app_command = app_command or str(REPO_ROOT / ".venv" / "bin" / "conference")
        self.config = config
        self.data_dir = tempfile.mkdtemp(prefix="bench-fanout-app-")
        self.database_url = database_url or f"sqlite:///{self.data_dir}/bench.db"
        self.secret_key = secrets.token_hex(32)

    def env(self):
        # Its own instance folder and one shared secret: nothing touches the repository's
        # instance/, and every process of a cluster signs cookies alike.
        env = dict(
            os.environ,
            CONFERENCE_DATABASE_URL=self.database_url,
            CONFERENCE_SERVER_INSTANCE_DIR=self.data_dir,
            CONFERENCE_SERVER_SECRET_KEY=self.secret_key,
        )
        if self.processes > 1:
            env["CONFERENCE_SOCKETIO_MESSAGE_QUEUE"] = self.redis_url
        env["CONFERENCE_SOCKETIO_FAST_PATH"] = "true" if self.fast_path else "false"
        if self.behind_proxy:
            # As deployed behind nginx (docs/operations.md "Several processes").
            env["CONFERENCE_SERVER_PROXY_FIX"] = "1"
        return env

    def command(self, port, index):
        argv = [self.app_command, "serve", "--host", "127.0.0.1", "--port", str(port)]
        if self.config:
            argv += ["--config", str(self.config)]
        if index == 0:
            argv.append("--demo")
        return argv

    def run_cli(self, *args, stdin_text=None):
        completed = subprocess.run(
            [self.app_command, *args],
            input=stdin_text,
            capture_output=True,
            text=True,
            env=self.env(),
            cwd=REPO_ROOT,
            timeout=60,
        )
        if completed.returncode != 0:
            raise RuntimeError(
                f"conference {' '.join(args)} failed: {completed.stderr.strip()[:300]}"
            )
        return completed.stdout

    def after_first_ready(self, index):
        if index != 0:
            return
        self.run_cli(
            "user",
            "add",
            self.moderator_email,
            "--role",
            "moderator",
            "--password-stdin",
            stdin_text=secrets.token_urlsafe(16) + "\n",
        )
        # Moderators act per event: give them the demo event.
        self.run_cli("team", "add", SLUG, self.moderator_email, "--role", "moderator")
        self.token = self.run_cli("token", "create", self.moderator_email).strip().splitlines()[-1]
        self.check_trigger()

    def post_command(self, body):
        request = urllib.request.Request(
            self.trigger_url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def check_trigger(self):
        """One announcement before any attendee connects, so a refusal shows up here, clearly.

        If the demo event must be live before announcing, start it first.
        """
        announce = {"type": "announce", "text": PAYLOADS["announce_text"]}
        status, body = self.post_command(announce)
        if status == 422:
            self.post_command({"type": "start_event"})
            status, body = self.post_command(announce)
        if status != 200:
            raise RuntimeError(
                f"the app refused the benchmark's announce command: {status} {body[:300]}"
            )


class ConferenceAppPlain(ConferenceApp):
    """The app with the broadcast fast path off: every packet through python-engineio's queue."""

    name = "conference-plain"
    fast_path = False
