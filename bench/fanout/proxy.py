"""nginx in front of a contender, configured from the committed site (`--nginx`).

The site is deploy/nginx/conference.conf itself, with only what a local run must change:
the upstream `server` lines (one per process of the contender, in both upstreams), the
`listen` port, and the /srv/conference folders. Everything else (least_conn for fresh
WebSockets, the sticky hash for polling, the headers, the timeouts) is the deployed rule set,
so a change to the committed file changes what is measured, and a file this module can no
longer rewrite fails the run instead of measuring something else.

Around it, a generated nginx.conf for a self-contained nginx: its own pid, logs and temp
folders in a run folder, `daemon off` so the bench holds the master process, and
`worker_connections` / `worker_rlimit_nofile` sized for N attendees (each one is a client
connection plus an upstream connection in the same worker).
"""

import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.fanout.contenders import (
    COMMANDS_PATH,
    REPO_ROOT,
    free_port,
    spawn,
    stop_process,
    wait_until_ready,
)

SITE = REPO_ROOT / "deploy" / "nginx" / "conference.conf"
UPSTREAM = re.compile(r"(upstream\s+\w+\s*\{)(.*?)(\})", re.S)
SERVER_LINE = re.compile(r"^[ \t]*server\s+127\.0\.0\.1:\d+;[ \t]*\n", re.M)
LISTEN = re.compile(r"listen\s+127\.0\.0\.1:8080\b")


def nginx_binary():
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None
    )


def nginx_version():
    binary = nginx_binary()
    if not binary:
        return "unavailable"
    try:
        answer = subprocess.run([binary, "-v"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable"
    return answer.stderr.strip().split("/")[-1] or "unknown"


def site_config(ports, listen_port, static_dir, media_dir, site_text=None, reuseport=False):
    """The committed site with these upstream ports, this listen port and these folders.

    reuseport: one listening socket per worker, the kernel spreading connections over them
    evenly (see limits()).
    """
    text = SITE.read_text(encoding="utf-8") if site_text is None else site_text
    upstreams = 0

    def servers(match):
        nonlocal upstreams
        body = match.group(2)
        lines = SERVER_LINE.findall(body)
        if not lines:
            raise ValueError(f"{SITE}: an upstream without `server 127.0.0.1:PORT;` lines")
        indent = re.match(r"[ \t]*", lines[0]).group(0)
        ours = "".join(f"{indent}server 127.0.0.1:{port};\n" for port in ports)
        # The new list takes the place of the first committed server line; the others go.
        first = body.index(lines[0])
        body = SERVER_LINE.sub("", body[:first]) + ours + SERVER_LINE.sub("", body[first:])
        upstreams += 1
        return match.group(1) + body + match.group(3)

    text = UPSTREAM.sub(servers, text)
    if upstreams < 2:
        raise ValueError(f"{SITE}: expected the two upstreams (any, sticky), found {upstreams}")
    text, listens = LISTEN.subn(
        f"listen 127.0.0.1:{listen_port}" + (" reuseport" if reuseport else ""), text
    )
    if listens != 1:
        raise ValueError(f"{SITE}: expected one `listen 127.0.0.1:8080`, found {listens}")
    for committed, local in (
        ("/srv/conference/static/", f"{static_dir}/"),
        ("/srv/conference/instance/media/", f"{media_dir}/"),
    ):
        if committed not in text:
            raise ValueError(f"{SITE}: no {committed}")
        text = text.replace(committed, local)
    return text


def limits(attendees, workers, files_limit):
    """(worker_processes, worker_connections, worker_rlimit_nofile, reuseport, note).

    Every attendee is two connections in one worker: from the client and to the upstream.
    If one worker may open that many files (plus room for the API), nginx runs as asked and
    any worker may take them all. If not (a hard open-files limit that this user may not
    raise), the attendees are spread over enough workers by `reuseport` (the kernel hashes
    each connection to one worker's socket), each worker allowed what the limit gives.
    """
    wanted = 2 * attendees + 1024
    if wanted + 1024 <= files_limit:
        return workers, wanted, wanted + 1024, False, ""
    per_worker = files_limit - 256
    # 25 % headroom: the hash spreads evenly on average, not exactly.
    needed = -(-2 * attendees * 5 // 4 // per_worker)
    count = max(needed, os.cpu_count() or 1) if workers == "auto" else max(int(workers), needed)
    note = (
        f"{count} workers with `listen … reuseport`, worker_connections {per_worker:,}: "
        f"{attendees:,} attendees are {2 * attendees:,} connections, more than one worker may "
        f"open under this machine's open-files limit of {files_limit:,}"
    )
    return count, per_worker, files_limit, True, note


def main_config(run_dir, workers, connections, files):
    """nginx.conf around the site, everything inside run_dir."""
    mime_types = Path("/etc/nginx/mime.types")
    return "\n".join(
        [
            "# Generated by bench/fanout/proxy.py around deploy/nginx/conference.conf.",
            "daemon off;",
            f"worker_processes {workers};",
            f"worker_rlimit_nofile {files};",
            f"pid {run_dir}/nginx.pid;",
            f"error_log {run_dir}/error.log warn;",
            f"events {{ worker_connections {connections}; }}",
            "http {",
            f"    include {mime_types};" if mime_types.is_file() else "",
            "    default_type application/octet-stream;",
            "    log_format upstream '$remote_addr [$time_local] \"$request\" $status '",
            "                        '$upstream_addr $request_time';",
            f"    access_log {run_dir}/access.log upstream buffer=64k flush=5s;",
            *(
                f"    {kind}_temp_path {run_dir}/temp/{kind};"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            ),
            "    sendfile on;",
            "    tcp_nodelay on;",
            "    keepalive_timeout 65;",
            f"    include {run_dir}/conference.conf;",
            "}",
            "",
        ]
    )


def children(pid):
    """PIDs of the direct children of pid (nginx's workers), from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class Nginx:
    """One nginx for one contender's processes; start() and stop() like a contender."""

    def __init__(self, ports, attendees, workers="auto", log_dir=None, label="nginx"):
        self.binary = nginx_binary()
        if not self.binary:
            raise RuntimeError(
                "--nginx: nginx is not installed (Debian: apt-get install nginx-light)"
            )
        base = Path(log_dir or tempfile.gettempdir())
        self.run_dir = Path(tempfile.mkdtemp(prefix=f"{label}-nginx-", dir=base))
        self.port = free_port()
        self.ports = list(ports)
        self.attendees = attendees
        self.workers = workers
        self.proc = None
        files_limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        (self.worker_count, self.connections, self.files, self.reuseport, self.note) = limits(
            attendees, workers, files_limit
        )

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def worker_pids(self):
        return children(self.proc.pid) if self.proc else []

    def write(self):
        media = self.run_dir / "media"
        media.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "temp").mkdir(exist_ok=True)
        (self.run_dir / "conference.conf").write_text(
            site_config(
                self.ports, self.port, REPO_ROOT / "static", media, reuseport=self.reuseport
            ),
            encoding="utf-8",
        )
        conf = self.run_dir / "nginx.conf"
        conf.write_text(
            main_config(self.run_dir, self.worker_count, self.connections, self.files),
            encoding="utf-8",
        )
        return conf

    def argv(self, *extra):
        conf = self.run_dir / "nginx.conf"
        return [
            self.binary,
            "-c",
            str(conf),
            "-p",
            str(self.run_dir),
            "-e",
            str(self.run_dir / "error.log"),
            *extra,
        ]

    def start(self, ready_path="/healthz"):
        self.write()
        check = subprocess.run(self.argv("-t", "-q"), capture_output=True, text=True, timeout=30)
        if check.returncode != 0:
            raise RuntimeError(
                f"nginx refused {self.run_dir / 'nginx.conf'}: {check.stderr.strip()[:500]}"
            )
        self.proc = spawn(self.argv(), self.run_dir / "nginx.out")
        wait_until_ready(self.url + ready_path, self.proc)
        deadline = time.monotonic() + 10
        while not self.worker_pids and time.monotonic() < deadline:
            time.sleep(0.1)

    def open_files(self):
        total = 0
        for pid in self.worker_pids:
            try:
                total += len(os.listdir(f"/proc/{pid}/fd"))
            except OSError:
                continue
        return total

    def stop(self, drain_seconds=15.0):
        """Fast shutdown (SIGTERM to the group: master and workers), SIGKILL if it lingers.

        First wait (bounded) until the attendees' connections are closed: nginx writes a
        WebSocket's access-log line when it ends, and a fast shutdown does not write those of
        connections still open, which upstream_spread() counts.
        """
        if self.proc is None:
            return
        deadline = time.monotonic() + drain_seconds
        idle = 64 * max(1, len(self.worker_pids))  # listening sockets, logs, epoll, pipes
        while self.proc.poll() is None and time.monotonic() < deadline:
            if self.open_files() <= idle:
                break
            time.sleep(0.25)
        stop_process(self.proc)

    def upstream_spread(self):
        """How many WebSocket handshakes each upstream got, from the access log."""
        counts = {}
        log = self.run_dir / "access.log"
        if not log.exists():
            return counts
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if "transport=websocket" not in line:
                continue
            address = line.rsplit(" ", 2)[-2]
            counts[address] = counts.get(address, 0) + 1
        return counts


class BehindProxy:
    """A started contender as the generator sees it through nginx: one URL for everything."""

    def __init__(self, contender, proxy):
        self.contender = contender
        self.proxy = proxy

    @property
    def urls(self):
        return [self.proxy.url]

    @property
    def trigger_url(self):
        # Through nginx (least_conn: any process) when that process's answer is a seq unique
        # in the cluster; else straight to the first process, as without nginx: a per-process
        # counter would hand out the same seq twice and match updates to the wrong trigger.
        if self.contender.shared_seq or self.contender.processes == 1:
            return self.proxy.url + COMMANDS_PATH
        return self.contender.trigger_url

    @property
    def pids(self):
        return self.contender.pids

    @property
    def proxy_pids(self):
        return self.proxy.worker_pids

    @property
    def token(self):
        return self.contender.token


def file_limit_wanted(attendees):
    """Open files one process may need for `attendees` sockets (the generator, one server)."""
    return 2 * attendees + 4096


def raise_own_file_limit(wanted):
    """Soft and, as root, hard RLIMIT_NOFILE of this process (inherited by what it starts)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    ceiling = hard
    if os.geteuid() == 0:
        try:
            ceiling = max(hard, min(wanted, int(Path("/proc/sys/fs/nr_open").read_text())))
        except (OSError, ValueError):
            pass
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, ceiling))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)
