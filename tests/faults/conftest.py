"""Fault tests: a real Celery worker process (prefork, so its child can be killed), PostgreSQL and Redis.

A job sleeps JOB_TEST_STEP_DELAY seconds at each progress step in the worker, so it can be killed mid-render
deterministically. `workers` starts (and restarts) worker processes; `point_app_at` moves this process's
broker and cache to another Redis URL, e.g. a port where nothing listens.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from ..conftest import ROOT

STEP_DELAY = "1.5"


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


class Workers:
    def __init__(self, settings, redis_url, log_dir: Path):
        db = connection.settings_dict
        self.env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "bianzhi.settings", "SECRET_KEY": "test-worker",
            "DATABASE_URL": f"postgres:///{db['NAME']}" if not db["HOST"] else
            f"postgres://{db['USER'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": redis_url, "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "JOB_TEST_STEP_DELAY": STEP_DELAY, "CONN_MAX_AGE": "0",
        }
        self.log_dir, self.procs = log_dir, []

    def start(self) -> subprocess.Popen:
        from bianzhi.celery import app as celery_app

        log = open(self.log_dir / f"worker-{len(self.procs)}.log", "w+")
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "bianzhi", "worker", "-Q", "default,reports", "--pool", "prefork",
             "--concurrency", "1", "-l", "info", "--without-heartbeat", "--without-gossip", "--without-mingle",
             "-n", f"fault{len(self.procs)}@%h"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        proc.log = log
        self.procs.append(proc)
        deadline = time.monotonic() + 40
        while not any(children_of(proc.pid)) or not celery_app.control.ping(timeout=0.5):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{self.log(proc)[-3000:]}")
            time.sleep(0.2)
        return proc

    @staticmethod
    def log(proc) -> str:
        proc.log.flush()
        return Path(proc.log.name).read_text()

    def stop_all(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            print(f"---- worker {proc.pid} log ----\n" + self.log(proc)[-3000:])
            proc.log.close()


@pytest.fixture
def workers(transactional_db, redis_url, postgres, settings):
    """Start workers on demand; this process sends to the same broker (not in-process)."""
    from bianzhi.celery import app as celery_app

    previous = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url")}
    point_celery_at(redis_url)
    celery_app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.control.purge()
    pool = Workers(settings, redis_url, Path(settings.PRIVATE_MEDIA_ROOT))
    try:
        yield pool
    finally:
        pool.stop_all()
        celery_app.control.purge()
        point_celery_at(previous["broker_url"])
        celery_app.conf.task_always_eager = previous["task_always_eager"]


def point_celery_at(url: str) -> None:
    """Send this process's next messages to `url` (drop the connections pooled for the old broker)."""
    from bianzhi.celery import app as celery_app

    celery_app._pool = None  # kombu keeps one pool per broker URL: the next send takes the new URL's
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Forwarder:
    """A TCP port that forwards to Redis once started: "Redis is reachable again" on the same URL."""

    def __init__(self, port: int, target: tuple[str, int]):
        self.port, self.target = port, target
        self.server = None

    def start(self):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen(50)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _addr = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        if self.server:
            self.server.close()
