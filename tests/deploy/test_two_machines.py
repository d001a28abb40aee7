"""A province's deployment in miniature: two web processes and two Celery workers sharing one PostgreSQL,
one Redis and an S3-compatible object store (moto's server mode standing in for MinIO or a cloud's S3).

A report asked for on web A is rendered by one of the workers, shows as ready on web B and downloads from
web B; the PDF lives only in the bucket — no machine's local private folder holds a file. /healthz answers
on both web processes, and `manage.py worker_health` finds both workers.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from bianzhi.models import User
from evaluations.services import campaign_create
from reports.models import Report
from surveys.services import satisfaction_form_issue, survey_response_submit

from ..factories import QuotaFactory, UnitFactory, UserFactory
from ..reports.helpers import signed_report

pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[2]
BUCKET = "bianzhi-private"
ANSWERS = {"duties": "satisfied", "efficiency": "satisfied", "attitude": "basically_satisfied",
           "openness": "dissatisfied", "problem_solving": "satisfied", "comment": "很好"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"process on port {port} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)


def request(port: int, method: str, path: str, headers: dict | None = None, body: str = "") -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body or None, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


@pytest.fixture
def s3_server(tmp_path):
    """moto in server mode on a free port, with the bucket made (as an operator makes it once)."""
    import boto3

    port = free_port()
    log = tmp_path / "moto.log"
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, log)
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing",
                              aws_secret_access_key="testing", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield {"endpoint": endpoint, "client": client}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def machines(transactional_db, postgres, redis_url, s3_server, tmp_path, settings):
    """Two gunicorn web processes and two Celery workers, each with its own (empty) local private folder."""
    from django.db import connection

    db = connection.settings_dict
    database_url = (f"postgres:///{db['NAME']}" if not db["HOST"]
                    else f"postgres://{db['USER'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}")
    common = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bianzhi.settings",
        # Must agree on every machine (sessions, signed form timings): here also with this process, which
        # signs the evaluator in.
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": database_url, "REDIS_URL": redis_url,
        "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": s3_server["endpoint"], "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing", "S3_REGION": "us-east-1",
        "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "0", "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0", "SECURE_HSTS_SECONDS": "0",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    common.pop("CELERY_BROKER_URL", None)
    procs, machines = [], {}
    from bianzhi.celery import app as celery_app

    redis_only = {"broker_url": redis_url, "task_always_eager": False}
    previous = {k: celery_app.conf[k] for k in redis_only}
    celery_app.conf.update(**redis_only)
    celery_app.control.purge()  # what a crashed earlier run left in the queues
    try:
        for name in ("web_a", "web_b", "worker_1", "worker_2"):
            private = tmp_path / name / "private"
            private.mkdir(parents=True)
            log = tmp_path / f"{name}.log"
            env = {**common, "PRIVATE_MEDIA_ROOT": str(private)}
            if name.startswith("web"):
                port = free_port()
                cmd = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "bianzhi.wsgi:application"]
            else:
                port = None
                cmd = [sys.executable, "-m", "celery", "-A", "bianzhi", "worker", "-Q", "default,reports", "-n",
                       f"{name}@%h", "--pool", "solo", "-l", "info", "--without-gossip", "--without-mingle"]
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
            procs.append(proc)
            machines[name] = {"port": port, "private": private, "log": log, "env": env, "proc": proc}
            if port:
                wait_for_port(port, proc, log)
        deadline = time.monotonic() + 40
        while len(celery_app.control.ping(timeout=0.5)) < 2:
            assert time.monotonic() < deadline, "\n".join(m["log"].read_text()[-2000:] for m in machines.values())
        yield machines
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)
        celery_app.conf.update(**previous)


def test_report_asked_on_one_web_machine_is_rendered_by_a_worker_and_downloaded_from_the_other(machines, s3_server):
    web_a, web_b = machines["web_a"]["port"], machines["web_b"]["port"]

    # both web machines report healthy: database and broker reachable
    for port in (web_a, web_b):
        status, _headers, body = request(port, "GET", "/healthz")
        assert status == 200 and json.loads(body) | {"ms": 0} == {"database": "ok", "broker": "ok", "ms": 0}
    # both workers answer their health check, by name
    names = [f"{w}@{socket.gethostname()}" for w in ("worker_1", "worker_2")]
    check = subprocess.run([sys.executable, "manage.py", "worker_health", "--name", names[0], "--name", names[1]],
                           cwd=ROOT, env=machines["web_a"]["env"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert names[0] in check.stdout and names[1] in check.stdout

    # given: a unit with answers, and the office's evaluator signed in (sessions live in the shared database)
    unit = UnitFactory(name="临川市分布式测试局")
    QuotaFactory(unit=unit, approved=20, actual=18)
    evaluator = UserFactory(role=User.Role.EVALUATOR)
    campaign = campaign_create(name="多机部署测试", year=2026, units=[unit], actor=evaluator)
    form = satisfaction_form_issue(campaign=campaign, actor=evaluator)
    for _i in range(5):
        survey_response_submit(link=form.links.get(), data=ANSWERS)
    target = campaign.targets.get()
    signed_report(target, evaluator)  # files are rendered from a signed report (its PDF and its Word file)
    browser = Client()
    browser.force_login(evaluator)
    session = browser.cookies["sessionid"].value
    status, headers, _body = request(web_a, "GET", f"/campaigns/{campaign.pk}/", {"Cookie": f"sessionid={session}"})
    assert status == 200, headers.get("location")
    csrf = headers["set-cookie"].split("csrftoken=")[1].split(";")[0]
    cookies = f"sessionid={session}; csrftoken={csrf}"

    # when: the report is asked for on web A
    status, _headers, body = request(web_a, "POST", f"/reports/targets/{target.pk}/request/",
                                     {"Cookie": cookies, "X-CSRFToken": csrf, "Accept": "application/json",
                                      "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 202, body[:500]
    status_url = json.loads(body)["status_url"]

    # then: web B sees it rendered by a worker, and serves the PDF from the object store
    deadline = time.monotonic() + 120
    while True:
        status, _headers, body = request(web_b, "GET", status_url, {"Cookie": cookies})
        payload = json.loads(body)
        assert payload["status"] != "failed", payload
        if payload["status"] == "ready":
            break
        assert time.monotonic() < deadline, payload
        time.sleep(0.5)
    status, headers, pdf = request(web_b, "GET", payload["download_url"], {"Cookie": cookies})
    assert status == 200 and headers["content-type"] == "application/pdf" and pdf.startswith(b"%PDF")
    rendered_by = [w for w in ("worker_1", "worker_2")
                   if "bianzhi.jobs.run[" in (log := machines[w]["log"].read_text()) and "succeeded" in log]
    assert rendered_by, "a worker rendered it"
    assert Report.objects.get(target=target, kind=Report.Kind.UNIT).attempts == 1

    # the file is in the bucket, byte for byte, and on no machine's local disk
    keys = [o["Key"] for o in s3_server["client"].list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    report_keys = [k for k in keys if k.startswith(f"reports/{campaign.pk}/") and k.endswith(".pdf")]
    assert len(report_keys) == 1, keys
    stored = s3_server["client"].get_object(Bucket=BUCKET, Key=report_keys[0])["Body"].read()
    assert stored == pdf
    for name, machine in machines.items():
        assert not any(p.is_file() for p in machine["private"].rglob("*")), f"{name} wrote a local file"
    # downloads go through the app's permission checks: it never hands out a bucket URL
    assert s3_server["endpoint"] not in json.dumps(payload) and "location" not in headers
