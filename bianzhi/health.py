"""Health checks for the machines of a deployment: `/healthz` for the proxy, `worker_health` for the workers.

The proxy takes a web machine out of rotation when it cannot reach the database or the broker: such a
machine would answer pages but lose report requests and exports.
"""

import time

from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

BROKER_TIMEOUT_SECONDS = 2.0


def database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # any failure means "take me out of rotation", whatever its class
        return False, type(exc).__name__


def broker_ok() -> tuple[bool, str]:
    from bianzhi.celery import app

    if app.conf.task_always_eager:  # no broker configured: tasks run in-process
        return True, "eager"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
        return True, "ok"
    except Exception as exc:
        return False, type(exc).__name__


@transaction.non_atomic_requests  # a probe, not a transaction: nothing to roll back
@never_cache
@require_GET
def healthz(request):
    """200 with {"database": "ok", "broker": "ok"}, or 503 naming what failed. No login, no data."""
    started = time.perf_counter()
    db, db_detail = database_ok()
    broker, broker_detail = broker_ok()
    body = {"database": db_detail, "broker": broker_detail, "ms": round(1000 * (time.perf_counter() - started))}
    return JsonResponse(body, status=200 if db and broker else 503)


def workers_answering(*, destination: list[str] | None = None, timeout: float = 5.0) -> list[str]:
    """The names of the Celery workers that answer a ping (all of them, or those in `destination`)."""
    from bianzhi.celery import app

    replies = app.control.ping(destination=destination, timeout=timeout) or []
    return sorted(name for reply in replies for name in reply)
