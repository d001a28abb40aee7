"""/healthz for the proxy: 200 when the database and the broker answer, 503 naming what does not."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_a_login_and_says_only_what_is_up():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = json.loads(response.content)
    assert body["database"] == "ok" and body["broker"] == "eager"  # the tests run tasks in-process
    assert set(body) == {"database", "broker", "ms"}


def test_healthz_is_503_when_the_broker_is_down(settings):
    from bianzhi.celery import app

    previous = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        response = Client().get("/healthz")
    finally:
        app.conf.update(**previous)
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["database"] == "ok" and body["broker"] != "ok"


def test_healthz_is_503_when_the_database_is_down(monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "OperationalError"


def test_healthz_needs_no_https_redirect_behind_the_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/accounts/login/").status_code == 301
