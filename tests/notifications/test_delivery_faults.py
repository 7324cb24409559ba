"""Delivery that survives faults, with the real processes: ``celery worker`` child processes on the test
database and the test run's own ``redis-server``, and an SMTP server (aiosmtpd) in this process that
records every message it accepts or refuses by Message-ID.

(a) the worker is SIGKILLed (main process and pool child, as a power loss would) in the middle of a batch
    of 500 and a new one started: every notice arrives, none twice;
(b) Redis is stopped and restarted during a batch (no AOF: the queue dies with it): nothing is lost;
(c) the SMTP server refuses with 4xx for a while: retries with growing delays, then delivery; a permanent
    5xx refusal marks the notice failed with its attempts and the server's answer;
(d) the same event fired twice (and its delivery enqueued many times) gives one notice.

The beat sweeper is played by the test (``outbox_sweep()`` when delivery stalls), as beat would every
minute. The worker's retry delays are shortened by ``CELERY_TASK_ANNOTATIONS`` in the test settings.

The SIGKILL lands while the worker is in the middle of an SMTP conversation (the server holds its RCPT),
with the notice's row locked and its transaction open: the point where a crash must neither lose the
notice nor leave it locked. A crash *after* the server accepted the data and *before* the row is marked
sent would re-send it (delivery is at least once); the stable Message-ID makes that repeat recognisable.
"""

import asyncio
import os
import signal
import threading
import time
from collections import Counter
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection, transaction

from notifications.enums import DeliveryStatus
from notifications.models import OutboxMessage
from notifications.services import RETRY_DELAYS, enqueue_delivery, outbox_sweep, outbox_write
from tests.conftest import WorkerProcess, free_port, wait_for

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


# --- An SMTP server that keeps count by Message-ID ----------------------------------------------------


class Recorder:
    """aiosmtpd handler: records accepted and refused messages by Message-ID; can refuse, and can hold
    one conversation at RCPT (after ``hold_after`` messages were accepted) until ``release`` is set."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received = []  # (message_id, monotonic time)
        self.refused = []  # (message_id, monotonic time, reply)
        self.refuse = None  # callable(message_id, headers) -> reply or None
        self.hold_after = None
        self.held = threading.Event()
        self.release = threading.Event()
        self.parser = BytesHeaderParser(policy=policy.default)

    def reset(self):
        with self.lock:
            self.received.clear()
            self.refused.clear()
        self.refuse = None
        self.hold_after = None
        self.held.clear()
        self.release.clear()

    def counts(self):
        with self.lock:
            return Counter(message_id for message_id, _ in self.received)

    def refusals(self, message_id):
        with self.lock:
            return [(at, reply) for mid, at, reply in self.refused if mid == message_id]

    def receipts(self, message_id):
        with self.lock:
            return [at for mid, at in self.received if mid == message_id]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd hook
        if self.hold_after is not None and len(self.received) >= self.hold_after:
            self.hold_after = None
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        headers = self.parser.parsebytes(envelope.content)
        message_id = str(headers["Message-ID"])
        reply = self.refuse(message_id, headers) if self.refuse else None
        with self.lock:
            if reply:
                self.refused.append((message_id, time.monotonic(), reply))
            else:
                self.received.append((message_id, time.monotonic()))
        return reply or "250 OK"


@pytest.fixture(scope="module")
def recorder_server():
    from aiosmtpd.controller import Controller

    recorder = Recorder()
    recorder.port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=recorder.port)
    controller.start()
    yield recorder
    recorder.release.set()
    controller.stop()


@pytest.fixture
def recorder(recorder_server, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = recorder_server.port
    recorder_server.reset()
    yield recorder_server
    recorder_server.release.set()
    recorder_server.reset()


@pytest.fixture
def workers(recorder_server, redis_server):
    """Start worker processes on demand (``workers.start()``); every one is stopped at the end."""
    started = []

    def start():
        worker = WorkerProcess(smtp_port=recorder_server.port, broker_url=redis_server.url)
        worker.start()
        started.append(worker)
        return worker

    yield SimpleNamespace(start=start)
    for worker in started:
        worker.stop()


# --- Helpers ------------------------------------------------------------------------------------------


def write_notices(prefix, count):
    """``count`` notices written in one transaction, as one event would (e.g. results to every applicant)."""
    user = SimpleNamespace(get_full_name=lambda: "Anna Nowak")
    with transaction.atomic():
        for i in range(count):
            outbox_write(
                event="fault_test",
                recipient=f"{prefix}-{i}@ngo.example.org",
                template="account_verification",
                context={"user": user, "link": f"/accounts/verify/{prefix}-{i}/", "days": 3},
                dedupe_key=f"fault-test:{prefix}:{i}",
            )
    return message_ids(prefix)


def message_ids(prefix):
    return {m.message_id for m in OutboxMessage.objects.filter(dedupe_key__startswith=f"fault-test:{prefix}:")}


def deliver_all(recorder, expected, timeout=90, sweep_when_stalled=2.0):
    """Wait until every expected Message-ID was received, running the sweeper (as beat would) whenever
    nothing has arrived for ``sweep_when_stalled`` seconds. Returns how many sweeps it took."""
    deadline = time.monotonic() + timeout
    seen, last_progress, sweeps = -1, time.monotonic(), 0
    while time.monotonic() < deadline:
        counts = recorder.counts()
        if set(expected) <= set(counts):
            return sweeps
        total = sum(counts.values())
        if total != seen:
            seen, last_progress = total, time.monotonic()
        elif time.monotonic() - last_progress > sweep_when_stalled:
            outbox_sweep()
            sweeps += 1
            last_progress = time.monotonic()
        time.sleep(0.1)
    missing = len(set(expected) - set(recorder.counts()))
    pytest.fail(f"{missing} of {len(expected)} notices never arrived")


def assert_each_exactly_once(recorder, expected, settle=1.5):
    time.sleep(settle)  # anything re-sent late would show up here
    counts = recorder.counts()
    twice = {mid: n for mid, n in counts.items() if n > 1}
    assert not twice, f"{len(twice)} notices arrived more than once"
    assert set(counts) >= set(expected)


def all_sent(prefix):
    rows = OutboxMessage.objects.filter(dedupe_key__startswith=f"fault-test:{prefix}:")
    return not rows.exclude(status=DeliveryStatus.SENT).exists()


def process_tree(pid):
    """The pid and its descendants (Linux /proc)."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            pids += process_tree(int(child))
    return pids


def gone(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def kill_hard(worker):
    """SIGKILL the worker's main process and its pool children at once (power loss, OOM killer)."""
    pids = process_tree(worker.proc.pid)
    assert len(pids) >= 2, "expected a main process and a pool child"
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    worker.proc.wait(timeout=10)
    worker.proc = None
    wait_for(lambda: all(gone(pid) for pid in pids), timeout=10, message="the killed worker's processes to go")


# --- (a) SIGKILL in the middle of a batch -----------------------------------------------------------------


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(recorder, workers):
    recorder.hold_after = 200  # the 201st conversation is held at RCPT: the worker is mid-send
    first = workers.start()
    expected = write_notices("kill", 500)
    assert len(expected) == 500

    assert recorder.held.wait(60), "the worker never got to the 201st notice"
    arrived = len(recorder.counts())
    assert 0 < arrived < 500
    kill_hard(first)
    recorder.release.set()  # the server answers a dead client: that notice was not delivered

    # The killed worker's transaction was rolled back by PostgreSQL: no row stays locked or half-sent.
    assert OutboxMessage.objects.filter(status=DeliveryStatus.PENDING).count() == 500 - arrived
    wait_for(lambda: unlocked_pending() == 500 - arrived, timeout=10, message="the killed worker's row lock to go")

    workers.start()
    deliver_all(recorder, expected)
    assert_each_exactly_once(recorder, expected)
    wait_for(lambda: all_sent("kill"), timeout=15, message="every row marked sent")
    assert set(recorder.counts()) == expected


def unlocked_pending():
    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update(skip_locked=True).filter(status=DeliveryStatus.PENDING)
        return len(rows.values_list("pk", flat=True))


# --- (b) Redis stopped and restarted during a batch ---------------------------------------------------


def test_redis_restarted_during_a_batch_loses_nothing(recorder, workers, redis_server):
    workers.start()
    before = write_notices("redis-before", 300)
    wait_for(lambda: len(recorder.counts()) >= 30, timeout=30, message="the batch to start arriving")

    redis_server.stop()  # no AOF: every queued task dies with it
    try:
        started = time.monotonic()
        during = write_notices("redis-during", 100)  # committed; the enqueue fails fast and is logged
        assert time.monotonic() - started < 10
        time.sleep(1)
    finally:
        redis_server.start()
    assert len(recorder.counts()) < 400

    expected = before | during
    sweeps = deliver_all(recorder, expected)
    assert sweeps >= 1, "the queue died with Redis: only the sweeper could have recovered the rest"
    assert_each_exactly_once(recorder, expected)
    wait_for(lambda: all_sent("redis-before") and all_sent("redis-during"), timeout=15, message="every row sent")


# --- (c) SMTP refusals --------------------------------------------------------------------------------


def test_temporary_refusals_are_retried_with_backoff_and_a_permanent_one_fails_the_notice(recorder, workers):
    refusals = Counter()

    def refuse(message_id, headers):
        if "nobody" in str(headers["To"]):
            return "550 5.1.1 <nobody@ngo.example.org>: no such user"
        if refusals[message_id] < 3:
            refusals[message_id] += 1
            return "451 4.3.0 Try again later"
        return None

    recorder.refuse = refuse
    workers.start()
    temporary = write_notices("busy", 4)
    user = SimpleNamespace(get_full_name=lambda: "Nikt")
    with transaction.atomic():
        outbox_write(
            event="fault_test",
            recipient="nobody@ngo.example.org",
            template="account_verification",
            context={"user": user, "link": "/accounts/verify/nobody/", "days": 3},
            dedupe_key="fault-test:nobody:0",
        )
    permanent = OutboxMessage.objects.get(dedupe_key="fault-test:nobody:0")

    deliver_all(recorder, temporary, timeout=60, sweep_when_stalled=30)
    assert_each_exactly_once(recorder, temporary, settle=0.5)
    wait_for(lambda: all_sent("busy"), timeout=15, message="the refused notices marked sent")

    delays = settings.CELERY_TASK_ANNOTATIONS["notifications.tasks.deliver_outbox_message"]["retry_delays"]
    for row in OutboxMessage.objects.filter(dedupe_key__startswith="fault-test:busy:"):
        attempts = [at for at, _ in recorder.refusals(row.message_id)] + recorder.receipts(row.message_id)
        assert len(attempts) == 4  # three refusals, then delivery
        gaps = [b - a for a, b in zip(attempts, attempts[1:], strict=False)]
        for gap, delay in zip(gaps, delays, strict=False):
            assert gap >= delay - 0.1, f"retried after {gap:.2f}s, before its back-off of {delay}s"
        assert gaps[0] < gaps[1] < gaps[2], f"back-off does not grow: {gaps}"
        assert row.status == DeliveryStatus.SENT
        assert row.attempts == 4
        assert row.last_error == ""
        assert row.next_attempt_at is None

    # The permanent refusal: failed at once, with what the dashboard shows, and never retried.
    wait_for(
        lambda: OutboxMessage.objects.get(pk=permanent.pk).status == DeliveryStatus.FAILED,
        timeout=15,
        message="the refused notice marked failed",
    )
    time.sleep(2)
    permanent.refresh_from_db()
    assert permanent.attempts == 1
    assert "550" in permanent.last_error and "no such user" in permanent.last_error
    assert permanent.next_attempt_at is None and permanent.sent_at is None
    assert len(recorder.refusals(permanent.message_id)) == 1
    assert permanent.message_id not in recorder.counts()
    assert outbox_sweep() == 0  # the sweeper leaves failed notices to the officials
    failed = OutboxMessage.objects.filter(status=DeliveryStatus.FAILED)
    assert list(failed.values_list("recipient", "attempts")) == [("nobody@ngo.example.org", 1)]


# --- (d) The same event twice -------------------------------------------------------------------------


def test_the_same_event_fired_twice_gives_one_notice(recorder, workers):
    workers.start()
    user = SimpleNamespace(get_full_name=lambda: "Anna Nowak")
    notice = {
        "event": "fault_test",
        "recipient": "twice@ngo.example.org",
        "template": "account_verification",
        "context": {"user": user, "link": "/accounts/verify/twice/", "days": 3},
        "dedupe_key": "fault-test:twice:0",
    }

    # Twice at the same moment, from two transactions that overlap (two web requests).
    barrier = threading.Barrier(2)
    results = []

    def fire():
        try:
            with transaction.atomic():
                barrier.wait(5)
                results.append(outbox_write(**notice))
                time.sleep(0.3)  # hold the transaction open while the other one writes
        finally:
            connection.close()

    threads = [threading.Thread(target=fire) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    # And once more afterwards (a retried request).
    with transaction.atomic():
        results.append(outbox_write(**notice))

    assert sum(r is not None for r in results) == 1
    row = OutboxMessage.objects.get(dedupe_key=notice["dedupe_key"])
    # Its delivery enqueued again and again (a duplicated task, the sweeper) still sends one mail.
    for _ in range(5):
        enqueue_delivery(row.pk)
    outbox_sweep()

    wait_for(lambda: row.message_id in recorder.counts(), timeout=30, message="the notice")
    time.sleep(2)
    assert recorder.counts() == Counter({row.message_id: 1})
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 1


class RollBack(Exception):
    pass


def test_the_notices_of_a_transaction_are_enqueued_together_and_only_once_it_commits():
    user = SimpleNamespace(get_full_name=lambda: "Anna Nowak")

    def write(key):
        return outbox_write(
            event="fault_test",
            recipient=f"{key}@ngo.example.org",
            template="account_verification",
            context={"user": user, "link": "/accounts/verify/x/", "days": 3},
            dedupe_key=f"fault-test:batch:{key}",
        )

    with mock.patch("notifications.services.enqueue_deliveries") as enqueue:
        with pytest.raises(RollBack), transaction.atomic():
            write("rolled-back")
            raise RollBack
        with transaction.atomic():
            first, second = write("a"), write("b")
            with pytest.raises(RollBack), transaction.atomic():  # a savepoint rolled back inside it
                write("c")
                raise RollBack
            third = write("d")
            assert not enqueue.called  # nothing before commit
    enqueue.assert_called_once()
    (ids,), _ = enqueue.call_args
    assert set(ids) >= {first.pk, second.pk, third.pk}
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {first.pk, second.pk, third.pk}


# --- The settings these guarantees rest on --------------------------------------------------------------


def test_every_retry_delay_is_below_the_visibility_timeout_and_tasks_are_acked_late():
    from celery_app import app
    from config.settings import base

    assert max(RETRY_DELAYS) < base.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    delays = settings.CELERY_TASK_ANNOTATIONS["notifications.tasks.deliver_outbox_message"]["retry_delays"]
    assert max(delays) < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1


def test_the_delivery_statements_name_the_outbox_table():
    from notifications import services

    table = f'"{OutboxMessage._meta.db_table}"'
    assert table in services._LOCK_SQL and table in services._SENT_SQL
    assert services._LOCK_SQL.endswith("FOR UPDATE SKIP LOCKED")
