"""Shared fixtures, and the rule for real services.

A test that needs PostgreSQL, Redis or a Celery worker asks for it through a fixture here. Without the
service it is skipped with the reason, on a laptop; with REQUIRE_SERVICES=1 (CI) it fails instead.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bianzhi.models import User

from .factories import UnitFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
ROOT = Path(__file__).resolve().parent.parent


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    return [
        f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}",
        f"broker: {os.environ.get('REDIS_URL') or 'none (tasks in-process; the worker test needs REDIS_URL)'}",
        f"browser: {os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium')}",
        f"REQUIRE_SERVICES={'1: a missing service fails' if REQUIRE_SERVICES else '0: a missing service skips'}",
    ]


def service_missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def evaluator(db):
    return UserFactory(role=User.Role.EVALUATOR)


@pytest.fixture
def leader(db):
    return UserFactory(role=User.Role.LEADER)


@pytest.fixture
def liaison(db):
    return UserFactory(role=User.Role.LIAISON, unit=UnitFactory())


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        service_missing("this test needs PostgreSQL: set DATABASE_URL=postgres://…")
    return connection


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        service_missing("this test needs Redis: set REDIS_URL=redis://…")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def celery_worker_process(transactional_db, redis_url, postgres, settings):
    """A real Celery worker in its own process, on the real broker, against the test database.

    The test database is committed to (transactional_db) so the worker's own connection sees the rows.
    """
    from bianzhi.celery import app as celery_app

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bianzhi.settings",
        "SECRET_KEY": "test-worker",
        "DATABASE_URL": f"postgres://{db['USER'] or ''}@{db['HOST'] or ''}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    }
    if not db["HOST"]:  # the local socket
        env["DATABASE_URL"] = f"postgres:///{db['NAME']}"
    previous = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url=redis_url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.control.purge()  # tasks a crashed earlier run left behind
    log = open(Path(settings.PRIVATE_MEDIA_ROOT) / "worker.log", "w+")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "bianzhi", "worker", "-Q", "default,reports",
         "--pool", "solo", "--concurrency", "1", "-l", "info", "--without-heartbeat", "--without-gossip"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not celery_app.control.ping(timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"the Celery worker did not start:\n{log.read()[-3000:]}")
        worker.log_text = lambda: (log.flush(), Path(log.name).read_text())[1]
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        celery_app.conf.update(**previous)
        log.seek(0)
        print("---- celery worker log ----\n" + log.read()[-4000:])
        log.close()


# ---------------------------------------------------------------------------------------------------------
# Browser: Debian's chromium driven by Playwright (no browser download), against pytest-django's live_server
# ---------------------------------------------------------------------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", ROOT / "var" / "test-artifacts"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault("reports", {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        service_missing(f"the browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(request, chromium, **context_options):
    context = chromium.new_context(locale="zh-CN", **context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    failed = any(r.failed for r in request.node.stash.get("reports", {}).values())
    if failed:  # a screenshot of what the browser showed, for the CI log
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot of the failure: {path}")
    context.close()


@pytest.fixture
def browser_page(request, chromium, live_server):
    yield from _page(request, chromium, viewport={"width": 1366, "height": 900}, base_url=live_server.url)


@pytest.fixture
def phone_page(request, chromium, live_server):
    yield from _page(
        request, chromium, viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True,
        device_scale_factor=2, base_url=live_server.url,
    )
