"""Delivery of notices through the outbox: 10 000 notices, Celery workers on Redis, a local SMTP server.

What it measures, for 1 and for 2 worker processes (``celery worker --concurrency 1``, each its own
process as in production): notices delivered per second (10 000 / time from the first commit to the last
receipt), p50 and p99 of the time from the commit of a notice to its receipt by the SMTP server, and the
count received (must be 10 000, none twice: counted by Message-ID).

How: drops and recreates the PostgreSQL database ``pozytek_bench_notices`` (``BENCH_DATABASE_URL``, local
only, 'bench' in its name) and migrates it; starts its own ``redis-server`` on a free port (no persistence,
``maxmemory-policy noeviction``) and an SMTP server (aiosmtpd, in a subprocess) that writes each Message-ID
and its arrival time to a file; starts the workers with ``bench.settings`` (DEBUG off, PostgreSQL) and the
production Celery settings (acks late, reject on worker lost, prefetch 1); warms them up; then writes the
notices as the application does — outbox rows in transactions of 100 (one event to 100 recipients), each
row's delivery task enqueued after commit — as fast as it can. Latencies therefore include the wait in
the queue behind the burst. Subject and bodies are rendered once, not per row: this measures delivery.

Run (PostgreSQL on 127.0.0.1:5432, ``redis-server`` installed; ``make bench`` starts them)::

    .venv/bin/python bench/notices.py                  # about 2 min
    .venv/bin/python bench/notices.py --notices 2000 --workers 2
    .venv/bin/python bench/notices.py --pool solo      # the task in the worker's main process, no pool child

Exit status: 1 when a count is not exact (a notice lost or received twice), or with ``--strict`` when the
target (>= 300 notices/s with 2 workers) is missed; else 0.
"""

import argparse
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.database import database_url, recreate_database  # noqa: E402 - after the path

HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/pozytek_bench_notices"
TARGET = 300.0
BATCH = 100


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=10_000, help="notices per run (10000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker processes per run (1 2)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for a run's notices (300)")
    parser.add_argument(
        "--pool",
        choices=["prefork", "solo"],
        default="prefork",
        help="the workers' pool: prefork (the production pool; one child per worker process) or solo (no child)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    parser.add_argument("--smtp-sink", nargs=2, metavar=("PORT", "FILE"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# The SMTP sink (a subprocess) ---------------------------------------------------------------------------


def smtp_sink(port, path):
    """Accept every message; append '<Message-ID> <time.time()>' to ``path`` for each."""
    from aiosmtpd.controller import Controller

    out = open(path, "a", buffering=1)  # noqa: SIM115 - open for the life of the process

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
            at = time.time()
            content = envelope.content
            start = content.find(b"\nMessage-ID: ")
            end = content.find(b"\n", start + 1)
            out.write(f"{content[start + 13 : end].strip().decode()} {at:.6f}\n")
            return "250 OK"

    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)  # delivered to sigwait below, not fatal
    controller = Controller(Sink(), hostname=HOST, port=int(port))
    controller.start()
    signal.sigwait(stop_signals)
    controller.stop()
    out.close()


# Setup --------------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_port(port, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def stop(proc, timeout=20):
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# A run --------------------------------------------------------------------------------------------------


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[max(1, math.ceil(p / 100 * len(sorted_values))) - 1]


def received(path):
    """Message-ID -> arrival times, from the sink's file."""
    arrivals = {}
    for line in Path(path).read_text().splitlines():
        message_id, _, at = line.rpartition(" ")
        if message_id:
            arrivals.setdefault(message_id, []).append(float(at))
    return arrivals


def write_notices(prefix, count, commits):
    """Outbox rows in transactions of BATCH, each row's task enqueued after commit (as outbox_write does)."""
    from django.db import transaction

    from notifications.models import OutboxMessage
    from notifications.services import enqueue_after_commit

    subject = "Wyniki otwartego konkursu ofert — Zdrowe Zabrze 2026"
    text = "Szanowni Państwo,\n\n" + "wyniki konkursu są dostępne pod adresem https://pozytek.example/calls/1/.\n" * 8
    html = "<!DOCTYPE html><html lang='pl'><body>" + "<p>" + text.replace("\n", "<br>") + "</p></body></html>"
    for start in range(0, count, BATCH):
        with transaction.atomic():
            rows = OutboxMessage.objects.bulk_create(
                OutboxMessage(
                    event="bench",
                    recipient=f"ngo-{i}@bench.example.org",
                    subject=subject,
                    body_text=text,
                    body_html=html,
                    dedupe_key=f"bench:{prefix}:{i}",
                )
                for i in range(start, min(start + BATCH, count))
            )
            ids = [row.message_id for row in rows]
            transaction.on_commit(lambda ids=ids: commits.update(dict.fromkeys(ids, time.time())))
            for row in rows:
                enqueue_after_commit(row.pk)


def run(args, env, sink_file, workers):
    from notifications.models import OutboxMessage

    OutboxMessage.objects.all().delete()
    Path(sink_file).write_text("")
    procs = []
    log = open(Path(tempfile.gettempdir()) / f"pozytek-bench-notices-{os.getpid()}.log", "a")  # noqa: SIM115
    try:
        for n in range(workers):
            cmd = [
                sys.executable, "-m", "celery", "-A", "celery_app", "worker", "--pool", args.pool,
                "--concurrency", "1", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "--hostname", f"bench{n}-{os.getpid()}@localhost",
            ]  # fmt: skip
            procs.append(subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT))
        # Warm up: each worker has connected to Redis, PostgreSQL and the SMTP server before the clock starts.
        warm = {}
        write_notices(f"warmup{workers}", 20 * workers, warm)
        deadline = time.monotonic() + 60
        while len(received(sink_file)) < len(warm):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                sys.exit(f"the workers did not start; see {log.name}")
            time.sleep(0.1)
        time.sleep(1.0)
        Path(sink_file).write_text("")

        commits = {}
        write_notices(f"run{workers}", args.notices, commits)
        produced_at = time.time()
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            if sum(1 for _ in open(sink_file)) >= args.notices:  # noqa: SIM115
                break
            time.sleep(0.2)
        time.sleep(1.0)  # anything received twice would show up now
    finally:
        for proc in procs:
            stop(proc)
        log.close()

    arrivals = received(sink_file)
    expected = set(commits)
    ours = {mid: times for mid, times in arrivals.items() if mid in expected}
    latencies = sorted(min(times) - commits[mid] for mid, times in ours.items())
    first_commit = min(commits.values())
    last_receipt = max((max(times) for times in ours.values()), default=first_commit)
    return {
        "workers": workers,
        "received": len(ours),
        "twice": sum(len(times) - 1 for times in ours.values()),
        "rate": len(ours) / (last_receipt - first_commit) if ours else 0.0,
        "produce": len(commits) / (produced_at - first_commit),
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
    }


def main(argv=None):
    args = parse_args(argv)
    if args.smtp_sink:
        return smtp_sink(*args.smtp_sink)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # still stop the processes
    url = database_url(DEFAULT_DATABASE_URL)
    started = time.perf_counter()
    redis_port, smtp_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DATABASE_URL": url,
        "REDIS_URL": f"redis://{HOST}:{redis_port}/0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(smtp_port),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)
    print("Setting up", flush=True)
    recreate_database(url)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True)
    print(f"  database {urlsplit(url).path.lstrip('/')} recreated and migrated: {time.perf_counter() - started:.0f} s")

    redis_bin = shutil.which("redis-server") or sys.exit("redis-server is not installed")
    redis = subprocess.Popen(
        [redis_bin, "--port", str(redis_port), "--bind", HOST, "--save", "", "--appendonly", "no",
         "--maxmemory-policy", "noeviction"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    sink_file = Path(tempfile.gettempdir()) / f"pozytek-bench-notices-{os.getpid()}.received"
    sink = subprocess.Popen([sys.executable, __file__, "--smtp-sink", str(smtp_port), str(sink_file)], env=env)
    results = []
    try:
        if not (wait_port(redis_port) and wait_port(smtp_port)):
            sys.exit("redis-server or the SMTP server did not start")
        import django

        django.setup()
        for workers in args.workers:
            print(f"Delivering {args.notices} notices with {workers} worker process(es)", flush=True)
            results.append(run(args, env, sink_file, workers))
    finally:
        stop(sink)
        stop(redis)
        sink_file.unlink(missing_ok=True)

    print()
    print(
        f"pozytek notices: outbox -> Celery ({args.pool}, acks late, prefetch 1) on Redis -> SMTP (aiosmtpd); "
        f"PostgreSQL; {os.cpu_count()} CPUs; Python {platform.python_version()}"
    )
    header = f"{'workers':>7} {'notices':>8} {'notices/s':>10} {'p50 s':>7} {'p99 s':>7} {'received':>9} {'twice':>6}"
    print(header)
    print("-" * len(header))
    exact = True
    for r in results:
        print(
            f"{r['workers']:>7} {args.notices:>8} {r['rate']:>10.1f} {r['p50']:>7.2f} {r['p99']:>7.2f} "
            f"{r['received']:>9} {r['twice']:>6}"
        )
        exact &= r["received"] == args.notices and r["twice"] == 0
    print("-" * len(header))
    print(
        "notices/s = received / (last receipt - first commit); p50/p99 = commit -> SMTP receipt, "
        "including the queue behind the burst; writing rate: " + ", ".join(f"{r['produce']:.0f}/s" for r in results)
    )
    two = next((r for r in results if r["workers"] == 2), None)
    if two is not None:
        verdict = "MET" if two["rate"] >= TARGET else "NOT MET"
        print(f"target: >= {TARGET:.0f} notices/s with 2 workers: {verdict} ({two['rate']:.0f}/s)")
    if not exact:
        print("a count is not exact: notices were lost or received twice")
    print(f"total time {time.perf_counter() - started:.0f} s")
    return 1 if not exact or (args.strict and two is not None and two["rate"] < TARGET) else 0


if __name__ == "__main__":
    sys.exit(main())
