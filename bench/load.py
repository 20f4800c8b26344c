"""HTTP under load: gunicorn (4 sync workers, loopback only) and locust headless with 50 users.

Before the timed run every page is requested a few times (`_warm`): the figures measured are a
running server's, not its first requests'. Users carry a session made here (SessionStore) instead
of signing in through the form: Argon2 password hashing is deliberately slow and 50 simultaneous
logins would measure the hasher, not the pages. Every process started here is stopped here, by its
own pid.

The workers share Redis as their cache (`REDIS_URL`, as docs/operations.md asks of an installation;
`--cache local` in bench.http_runs for each worker's own memory), under a key prefix of the run. Beside
the p95 the run reports the CPU the gunicorn processes spent per request: on a machine shared with
other work the p95 measures the queue for the cores, the CPU per request what the code costs.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from .measures import ROOT, WORK, row
from .scales import Scale

ACCESS_LOG = WORK / "gunicorn-access.log"
PORT = int(os.environ.get("BENCH_PORT", "8765"))  # another port for a second bench on the machine
USERS = 50


def _sessions(n: int) -> list[str]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username="bench_office")
    keys = []
    for _ in range(n):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    return keys


def _paths() -> dict[str, list[str]]:
    from django.urls import NoReverseMatch, reverse

    from chungtay.orgunits.models import OrgUnit

    province = OrgUnit.objects.filter(level=1).order_by("path").first()
    commune = OrgUnit.objects.filter(level=3).order_by("path").first()
    from bench.measures import search_terms

    terms = search_terms(20)
    staff, public = [], []
    for name, args, query in [
        ("dashboard", [], ""),
        ("reports:dashboard", [], ""),
        ("reports:dashboard", [], f"?don_vi={province.pk}"),
        ("funds:overview", [], ""),
        ("housing:index", [], ""),
        ("housing:index", [], f"?don_vi={commune.pk}"),
        ("funds:receipt_list", [], ""),
        ("orgunits:tree", [], ""),
        ("orgunits:detail", [province.pk], ""),
    ]:
        with contextlib.suppress(NoReverseMatch):
            staff.append(reverse(name, args=args) + query)
    for name, query in [("portal:home", ""), ("portal:receipts", ""), ("portal:households", "")]:
        with contextlib.suppress(NoReverseMatch):
            public.append(reverse(name) + query)
    with contextlib.suppress(NoReverseMatch):
        public += [reverse("portal:receipts") + "?q=" + t.replace(" ", "+") for t in terms[:10]]
    return {"staff": staff, "public": public}


def _wait_for(port: int, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def _warm(config: dict, rounds: int = 8) -> None:
    """Every page requested a few times before the timed run, from several connections at once so each
    worker gets some: a running server has its modules imported, templates compiled and figures cached,
    and a 30 s run that starts cold measures mostly the workers' first requests (8 s each under load)."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    cookie = f"sessionid={config['sessions'][0]}"

    def get(path: str) -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": cookie})
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=120) as response:
            response.read()

    paths = [*config["staff"], *config["public"]] * rounds
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(get, paths))


@dataclasses.dataclass
class Server:
    """A running gunicorn of the bench (`serving`): its process, the locust config and environment."""

    process: subprocess.Popen
    config: dict
    env: dict[str, str]
    bin_dir: Path

    def pids(self) -> dict[str, int]:
        """The master's pid and its workers' ({"master": …, "worker 1": …}; workers by age)."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        workers = sorted(int(pid) for pid in children.read_text().split()) if children.exists() else []
        return {"master": master, **{f"worker {n + 1}": pid for n, pid in enumerate(workers)}}

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its live workers so far (workers live through a run)."""
        return sum(process_cpu_seconds(pid) for pid in self.pids().values())

    def database_cpu_seconds(self) -> float:
        """User + system CPU so far of the PostgreSQL backends serving the bench database, but this
        process's own (the workers keep theirs open, DATABASE_CONN_MAX_AGE): PostgreSQL on this machine
        only, 0 when its processes cannot be read."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return sum(process_cpu_seconds(pid) for (pid,) in cursor.fetchall())

    def locust(
        self, seconds: int, prefix: Path, *, requests_file: Path | None = None
    ) -> tuple[list[str], dict[str, str]]:
        """The locust command line of a run of `seconds` and its environment; `requests_file` gets one
        line per request (bench.soak)."""
        env = dict(self.env, BENCH_LOAD=str(WORK / "load.json"))
        if requests_file:
            env["BENCH_REQUESTS"] = str(requests_file)
        return [
            str(self.bin_dir / "locust"),
            "-f",
            str(Path(__file__).with_name("locustfile.py")),
            "--headless",
            "-u",
            str(USERS),
            "-r",
            "10",
            "-t",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
        ], env


def process_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((ln for ln in status.splitlines() if ln.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def cache_env(cache: str) -> dict[str, str]:
    """The cache the workers share, as a real installation runs (docs/operations.md: REDIS_URL), under
    a key prefix of this run alone, so runs and other benches on the same Redis never share figures;
    `local` = each worker's own memory (no REDIS_URL), as before 2026-12-07."""
    if cache == "local":
        return {"REDIS_URL": ""}
    return {
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        "CACHE_KEY_PREFIX": f"bench-load-{os.getpid()}-{time.time_ns()}",
    }


@contextlib.contextmanager
def serving(*, cache: str = "redis") -> Iterator[Server]:
    """gunicorn (4 sync workers, loopback) on the bench database, every page warmed; stopped on exit."""
    WORK.mkdir(parents=True, exist_ok=True)
    config = {"sessions": _sessions(USERS), **_paths()}
    (WORK / "load.json").write_text(json.dumps(config))
    from django.conf import settings

    env = dict(
        os.environ,
        # The sessions made here are signed with this process's key: the server must have the same one.
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_DEBUG="0",
        DJANGO_SETTINGS_MODULE="bench.settings",
        CHUNGTAY_REQUIRE_2FA="0",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_CONN_MAX_AGE="600",
        **cache_env(cache),
    )
    bin_dir = Path(sys.executable).parent
    gunicorn = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            "4",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            # Each request's time inside the worker (µs), apart from its wait in the listen queue.
            "--access-logfile",
            str(ACCESS_LOG),
            "--access-logformat",
            "%(U)s\t%(q)s\t%(s)s\t%(D)s",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(WORK / "gunicorn.log", "w"),  # noqa: SIM115
    )
    try:
        _wait_for(PORT)
        _warm(config)
        _check(config)
        yield Server(gunicorn, config, env, bin_dir)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()


def _check(config: dict) -> None:
    """A staff page answers 200 to a bench session: else the run would measure error pages."""
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{config['staff'][0]}", headers={"Cookie": f"sessionid={config['sessions'][0]}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            if response.status == 200 and not response.geturl().endswith(config["staff"][0]):
                raise OSError(f"redirected to {response.geturl()}")
    except OSError as error:
        log = (WORK / "gunicorn.log").read_text(errors="replace").splitlines()[-5:]
        raise RuntimeError(f"the server does not serve {config['staff'][0]}: {error}; " + " / ".join(log)) from error


def server_time(start: int = 0) -> dict[str, dict[str, float]]:
    """Per page (locust's names) and in all, p50 and p95 in ms of the time requests spent inside a
    worker, from gunicorn's access log after byte `start`: the rest of locust's time is the wait for
    a free worker (and for a core)."""
    with ACCESS_LOG.open("rb") as log:
        log.seek(start)
        lines = log.read().decode(errors="replace").splitlines()
    by_name: dict[str, list[float]] = {"Aggregated": []}
    for line in lines:
        parts = line.split("\t")
        if len(parts) != 4 or not parts[3].isdigit():
            continue
        path, query, _status, micros = parts
        name = path + ("?q" if query.startswith("q=") else "?…" if query else "")
        by_name.setdefault(name, []).append(int(micros) / 1000)
        by_name["Aggregated"].append(int(micros) / 1000)
    out = {}
    for name, times in by_name.items():
        times.sort()
        if times:
            out[name] = {
                "p50": times[len(times) // 2],
                "p95": times[min(len(times) - 1, int(0.95 * len(times)))],
                "count": len(times),
            }
    return out


def run_load(scale: Scale, seconds: int, *, cache: str = "redis") -> list[dict]:
    prefix = WORK / f"locust-{scale.name}"
    with serving(cache=cache) as server:
        command, env = server.locust(seconds, prefix)
        cpu_before, db_before = server.cpu_seconds(), server.database_cpu_seconds()
        log_start = ACCESS_LOG.stat().st_size
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            check=False,
            timeout=seconds + 120,
            stdout=subprocess.DEVNULL,
            stderr=open(WORK / "locust.log", "w"),  # noqa: SIM115
        )
        cpu, db_cpu = server.cpu_seconds() - cpu_before, server.database_cpu_seconds() - db_before
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust, waited for above
        locust_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    stats = list(csv.DictReader(open(f"{prefix}_stats.csv")))  # noqa: SIM115
    total = next(r for r in stats if r["Name"] == "Aggregated")
    p95_ms = float(total["95%"])
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    cpu_json = {
        "cpu_seconds": round(cpu, 2),
        "database_cpu_seconds": round(db_cpu, 2),
        "locust_cpu_seconds": round(locust_cpu, 2),
        "requests": requests,
    }
    (WORK / f"locust-{scale.name}_cpu.json").write_text(json.dumps(cpu_json))
    server_times = server_time(log_start)
    (WORK / f"locust-{scale.name}_server.json").write_text(json.dumps(server_times))
    worst = sorted((r for r in stats if r["Name"] != "Aggregated"), key=lambda r: -float(r["95%"]))[:3]
    note = (
        f"{requests:,} requests in {seconds} s ({float(total['Requests/s']):.1f}/s), {failures} failures; "
        f"CPU a request: gunicorn {1000 * cpu / max(requests, 1):.1f} ms, "
        f"PostgreSQL {1000 * db_cpu / max(requests, 1):.1f} ms, locust {1000 * locust_cpu / max(requests, 1):.1f} ms; "
        f"time in the workers p95 {server_times.get('Aggregated', {}).get('p95', 0):.0f} ms; cache {cache}; "
        "slowest p95: " + ", ".join(f"{r['Name']} {r['95%']} ms" for r in worst)
    )
    return [
        row(
            "http",
            f"HTTP, gunicorn 4 workers, {USERS} users, {seconds} s: p95",
            "p95 ≤ 300 ms, no errors",
            p95_ms,
            float(total["Median Response Time"]),
            "ms",
            p95_ms <= 300 and failures == 0,
            note + "; baseline column = median",
        ),
    ]
