"""Throughput and latency of the public pages against a bare Django view, on gunicorn and PostgreSQL.

What it measures: the programme page (``/``, this year's 300 tasks), an announced call's page
(``/calls/<pk>/``) and the calls API (``/api/v1/calls/``), each loaded concurrently for a fixed time, next
to a bare view (``/__bench__/bare/``: a function returning ``HttpResponse("ok")``) served by the same
gunicorn, through the same middleware, in the same run. Printed per endpoint: requests, requests/s, p50
and p99 latency, response size, non-200 answers and the throughput ratio to the bare view. The bare view
is measured before and after the pages (and between rounds), and its mean is the baseline, so noise on a
shared machine affects both sides alike. Target: the programme page at >= 50 % of the bare view.

How: drops and recreates the PostgreSQL database ``pozytek_bench`` (``BENCH_DATABASE_URL``, local only),
migrates it, seeds a realistic year (bench/seed.py), collects static files, starts gunicorn (sync
workers, ``--workers 2``) on a free port of 127.0.0.1 with ``bench.settings`` (DEBUG off), warms up, and
drives it from client processes, each running threads of ``http.client`` connections (the sync workers
close the connection after every response, so every request connects anew). Gunicorn is always stopped.

Run (PostgreSQL on 127.0.0.1:5432; ``make bench`` starts it)::

    .venv/bin/python bench/public_pages.py                 # about 70 s
    .venv/bin/python bench/public_pages.py --duration 8 --rounds 1 --clients 2 --threads 4
    .venv/bin/python bench/public_pages.py --reuse-db      # skip drop/migrate/seed when the data is there
    .venv/bin/python bench/public_pages.py --profile       # then one request of each, in process, timed

Database connections persist for 60 s as in production (``CONN_MAX_AGE``); to measure without::

    BENCH_DATABASE_URL='postgres://postgres@127.0.0.1:5432/pozytek_bench?conn_max_age=0' \\
        .venv/bin/python bench/public_pages.py

Exit status: 1 when a request failed or answered other than 200 (or, with ``--strict``, when the target
is missed), else 0.
"""

import argparse
import http.client
import json
import math
import multiprocessing
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.database import database_exists, database_url, recreate_database  # noqa: E402 - after the path

HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/pozytek_bench"
BARE = "bare view"
PROGRAMME = "programme page"
TARGET = 0.50


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per endpoint and round (5)")
    parser.add_argument("--warmup", type=float, default=1.5, help="seconds of unrecorded load per endpoint (1.5)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of bare/programme/call/API, then bare (2)")
    parser.add_argument("--clients", type=int, default=2, help="client processes (2)")
    parser.add_argument("--threads", type=int, default=4, help="connections (threads) per client process (4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--reuse-db", action="store_true", help="keep the database if it is already seeded")
    parser.add_argument("--no-pdf", action="store_true", help="seed calls without rendering announcement PDFs")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    parser.add_argument(
        "--profile", action="store_true", help="then time one request of each in process (bench/profile_pages.py)"
    )
    return parser.parse_args(argv)


# Setup: database, migrations, data, static files ---------------------------------------------------------


def django_env(url):
    env = dict(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"})
    return env


def run(cmd, env, what):
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False)
    if proc.returncode:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        sys.exit(f"{what} failed (exit {proc.returncode})")
    print(f"  {what}: {time.perf_counter() - started:.1f} s", flush=True)
    return proc.stdout


def seeded_data(env):
    """What an earlier run seeded, or None (for --reuse-db)."""
    cmd = [sys.executable, "-m", "bench.seed", "--describe"]
    proc = subprocess.run(cmd, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False)
    return json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else None


def prepare(args, url, env):
    data = None
    if args.reuse_db and database_exists(url):
        data = seeded_data(env)
    if data is None:
        started = time.perf_counter()
        recreate_database(url)
        print(f"  database {urlsplit(url).path.lstrip('/')} recreated: {time.perf_counter() - started:.1f} s")
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env, "migrate")
        seed_cmd = [sys.executable, "-m", "bench.seed"] + (["--no-pdf"] if args.no_pdf else [])
        data = json.loads(run(seed_cmd, env, "seed").strip().splitlines()[-1])
    else:
        print("  reusing the seeded database")
    run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env, "collectstatic")
    return data


# The server ---------------------------------------------------------------------------------------------


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_gunicorn(args, env, port, log):
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--workers",
        str(args.workers),
        "--bind",
        f"{HOST}:{port}",
        "--chdir",
        str(BASE_DIR),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_gunicorn(proc):
    if proc.poll() is None:
        proc.terminate()  # the master stops its workers gracefully
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def get(port, path, timeout=30):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Language": "pl"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def tail(path, lines=40):
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def wait_until_up(proc, port, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            status, _ = get(port, "/__bench__/bare/", timeout=2)
            if status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


# The load -----------------------------------------------------------------------------------------------


def client_process(port, path, start_at, duration, threads):
    """One client process: ``threads`` connections, each GET after GET from ``start_at`` for ``duration`` s.

    Only requests that complete inside the window count. Returns the latencies (s), a count per outcome (an
    HTTP status, or the name of the exception for a failed request) and the size of the last response body.
    """
    end_at = start_at + duration
    results = []
    lock = threading.Lock()

    def connection():
        latencies, outcomes, size = [], Counter(), 0
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        headers = {"Accept-Language": "pl"}
        while time.time() < start_at:
            time.sleep(0.001)
        while True:
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                size = len(response.read())
                outcome = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                outcome = type(exc).__name__
            elapsed = time.perf_counter() - began
            if time.time() > end_at:
                break
            outcomes[outcome] += 1
            if isinstance(outcome, int):
                latencies.append(elapsed)
            else:
                time.sleep(0.01)
        conn.close()
        with lock:
            results.append((latencies, outcomes, size))

    connections = [threading.Thread(target=connection) for _ in range(threads)]
    for thread in connections:
        thread.start()
    for thread in connections:
        thread.join()
    return merge(results)


def merge(parts):
    latencies, outcomes, size = [], Counter(), 0
    for part_latencies, part_outcomes, part_size in parts:
        latencies += part_latencies
        outcomes.update(part_outcomes)
        size = max(size, part_size)
    return latencies, outcomes, size


def load(pool, args, port, path, duration):
    """``duration`` seconds of load on ``path`` from every client process at once."""
    start_at = time.time() + 0.3
    jobs = [(port, path, start_at, duration, args.threads) for _ in range(args.clients)]
    latencies, outcomes, size = merge(pool.starmap(client_process, jobs))
    return {"latencies": latencies, "outcomes": outcomes, "size": size, "duration": duration}


def percentile(sorted_values, p):
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(phases):
    latencies = sorted(lat for phase in phases for lat in phase["latencies"])
    outcomes = sum((phase["outcomes"] for phase in phases), Counter())
    return {
        "requests": len(latencies),
        "rps": len(latencies) / sum(phase["duration"] for phase in phases),
        "p50": percentile(latencies, 50) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "failures": {str(k): v for k, v in outcomes.items() if k != 200},
        "size": max(phase["size"] for phase in phases),
        "phase_rps": [len(phase["latencies"]) / phase["duration"] for phase in phases],
    }


# Main ---------------------------------------------------------------------------------------------------


def measure(args, port, endpoints):
    """Warm up, then load each endpoint in turn; the bare view opens every round and closes the run."""
    with multiprocessing.Pool(args.clients) as pool:
        print(f"Warming up ({args.warmup:g} s per endpoint)", flush=True)
        for path in endpoints.values():
            load(pool, args, port, path, args.warmup)
        order = [*list(endpoints) * args.rounds, BARE]
        print(
            f"Measuring {args.duration:g} s per phase, {args.clients * args.threads} connections "
            f"({args.clients} client processes x {args.threads} threads): {' -> '.join(order)}",
            flush=True,
        )
        phases = {name: [] for name in endpoints}
        for name in order:
            phases[name].append(load(pool, args, port, endpoints[name], args.duration))
    return {name: summarise(p) for name, p in phases.items()}


def conn_max_age(url):
    return parse_qs(urlsplit(url).query).get("conn_max_age", ["60"])[0]


def report(args, data, endpoints, results):
    """Print the table; return (ratio of the programme page to the bare view, failures)."""
    bare_rps = sum(results[BARE]["phase_rps"]) / len(results[BARE]["phase_rps"])
    print()
    print(
        f"pozytek public pages: {data['tasks']} tasks and {data['calls']} calls in {data['year']}; gunicorn "
        f"{args.workers} sync workers; PostgreSQL, CONN_MAX_AGE={conn_max_age(database_url(DEFAULT_DATABASE_URL))}; "
        f"{os.cpu_count()} CPUs; Python {platform.python_version()}"
    )
    header = f"{'endpoint':<16} {'path':<22} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
    header += f"{'KB':>6} {'non-200':>7} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    failures = []
    for name, path in endpoints.items():
        r = results[name]
        print(
            f"{name:<16} {path:<22} {r['requests']:>8} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
            f"{r['size'] / 1024:>6.1f} {sum(r['failures'].values()):>7} {r['rps'] / bare_rps:>7.1%}"
        )
        if r["failures"]:
            failures.append(f"{name}: " + ", ".join(f"{k} x{v}" for k, v in sorted(r["failures"].items())))
    print("-" * len(header))
    per_phase = ", ".join(f"{v:.0f}" for v in results[BARE]["phase_rps"])
    print(f"ratio = req/s / mean bare view req/s; bare view req/s per phase: {per_phase} (mean {bare_rps:.0f})")
    if failures:
        print("requests that failed or did not answer 200 (the numbers above are not valid):")
        for line in failures:
            print(f"  {line}")
    programme = results[PROGRAMME]["rps"] / bare_rps
    verdict = "MET" if programme >= TARGET else "NOT MET"
    print(f"target: programme page >= {TARGET:.0%} of the bare view's throughput: {verdict} ({programme:.1%})")
    if programme < TARGET and not args.profile:
        print("(--profile shows where a request's time goes)")
    return programme, failures


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # still stop gunicorn
    url = database_url(DEFAULT_DATABASE_URL)
    env = django_env(url)
    started = time.perf_counter()
    print("Setting up", flush=True)
    data = prepare(args, url, env)
    endpoints = {
        BARE: "/__bench__/bare/",
        PROGRAMME: "/",
        "call page": f"/calls/{data['call_pk']}/",
        "calls API": "/api/v1/calls/",
    }

    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"pozytek-bench-gunicorn-{os.getpid()}.log"
    keep_log = False
    try:
        with log_path.open("wb") as log:
            server = start_gunicorn(args, env, port, log)
            try:
                if not wait_until_up(server, port):
                    sys.exit(f"gunicorn did not start; its log:\n{tail(log_path)}")
                print(f"  gunicorn (pid {server.pid}, {args.workers} workers) on {HOST}:{port}", flush=True)
                for name, path in endpoints.items():
                    status, _ = get(port, path)
                    if status != 200:
                        sys.exit(f"{name} {path} answered {status}, not 200; gunicorn's log:\n{tail(log_path)}")
                results = measure(args, port, endpoints)
            finally:
                stop_gunicorn(server)
        programme, failures = report(args, data, endpoints, results)
        if failures:
            keep_log = True
            print(f"gunicorn's log (kept at {log_path}), last lines:\n{tail(log_path)}")
    finally:
        if not keep_log:
            log_path.unlink(missing_ok=True)
    if args.profile:
        print(flush=True)
        cmd = [sys.executable, "-m", "bench.profile_pages", *endpoints.values()]
        subprocess.run(cmd, cwd=BASE_DIR, env=env, check=False)
    print(f"total time {time.perf_counter() - started:.0f} s")
    return 1 if failures or (args.strict and programme < TARGET) else 0


if __name__ == "__main__":
    sys.exit(main())
