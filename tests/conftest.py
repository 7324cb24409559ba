"""Test infrastructure: real PostgreSQL (pytest-django), a Redis server owned by the run, a real SMTP
server (aiosmtpd) in this process, real Celery worker processes, and headless Chromium.
"""

import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from email import policy
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# Playwright's sync API runs an event loop in this thread; the ORM calls in browser tests are ours.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.factories"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=20.0, interval=0.05, message="condition"):
    """Poll ``predicate`` until it is truthy; fail the test with ``message`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {message}")


# --- Redis ------------------------------------------------------------------------------------


class RedisServer:
    """A real redis-server process on its own port, which a test may stop and start again."""

    def __init__(self, port):
        self.port = port
        self.proc = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (make test installs it: bin/system-deps test)")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, timeout=10, message=f"redis-server on port {self.port}")

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None
        wait_for(lambda: not self.ping(), timeout=10, message="redis-server to stop")


@pytest.fixture(scope="session")
def redis_server():
    """A redis-server of this test run's own, on a free port: a test may stop it, and runs in
    parallel never share a broker. The Celery app and worker processes are pointed at it."""
    from celery_app import app

    server = RedisServer(free_port())
    server.start()
    settings.CELERY_BROKER_URL = server.url
    app.conf.broker_url = server.url
    yield server
    server.stop()


@pytest.fixture(autouse=True, scope="session")
def _broker(redis_server):
    """Every test has a working broker unless it stops it itself."""
    return redis_server


@pytest.fixture(autouse=True)
def _empty_cache():
    """No test sees a page cached by another (the cache is per process, not per database)."""
    from django.core.cache import cache

    cache.clear()


# --- SMTP -------------------------------------------------------------------------------------


class Mailbox:
    """Messages received by the test SMTP server, parsed."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.refuse_with = None  # e.g. "451 Try again later" to make the server refuse

    def clear(self):
        with self.lock:
            self.messages.clear()
        self.refuse_with = None

    def to(self, address):
        with self.lock:
            return [m for m in self.messages if address in m["To"]]

    def __len__(self):
        with self.lock:
            return len(self.messages)


class _Handler:
    def __init__(self, mailbox):
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.mailbox.refuse_with:
            return self.mailbox.refuse_with
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.mailbox.lock:
            self.mailbox.messages.append(message)
        return "250 OK"


@pytest.fixture(scope="session")
def smtp_server():
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(_Handler(mailbox), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    mailbox.port = port
    yield mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server, settings):
    """The test SMTP server's mailbox; mail sent from this process goes there too (not locmem)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    smtp_server.clear()
    yield smtp_server
    smtp_server.clear()


# --- Celery worker processes ------------------------------------------------------------------


class WorkerProcess:
    """``celery worker`` as a real child process, on the test database and the test broker."""

    def __init__(self, *, smtp_port, broker_url, concurrency=1):
        self.smtp_port = smtp_port
        self.broker_url = broker_url
        self.concurrency = concurrency
        self.proc = None
        self.log = []

    def env(self):
        db = settings.DATABASES["default"]
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "TEST_DATABASE_URL": url,
            "TEST_REDIS_URL": self.broker_url,
            "EMAIL_PORT": str(self.smtp_port),
            "PYTHONUNBUFFERED": "1",
        }

    def start(self):
        cmd = [
            sys.executable, "-m", "celery", "-A", "celery_app", "worker",
            "--loglevel", "INFO", "--pool", "prefork", "--concurrency", str(self.concurrency),
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--hostname", f"test-{os.getpid()}-{time.monotonic_ns()}@localhost",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        ready = threading.Event()

        def read():
            for line in self.proc.stdout:
                self.log.append(line)
                if " ready." in line:
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(60):
            self.stop()
            pytest.fail("celery worker did not start:\n" + "".join(self.log[-40:]))

    def stop(self, sig=signal.SIGTERM):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


@pytest.fixture
def celery_worker(smtp_server, redis_server, transactional_db):
    """A real worker process; the test must commit its data (``transactional_db`` is requested)."""
    worker = WorkerProcess(smtp_port=smtp_server.port, broker_url=redis_server.url)
    worker.start()
    yield worker
    worker.stop()


# --- Browser ----------------------------------------------------------------------------------

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed (make test installs it: bin/system-deps test)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="pl-PL", timezone_id="Europe/Warsaw", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
