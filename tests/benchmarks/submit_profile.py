"""Where a public submit spends its time: run in the benchmark's environment, prints JSON.

`python -m tests.benchmarks.submit_profile --tokens JSON --n 300 --answers JSON` posts answer sheets through Django's full
request stack (middleware, view, services) in this process, with the database's queries, the cache's calls
and the template renders timed by wrappers, and the form page (GET) likewise. The rest of a request's time
is Python: middleware, form cleaning, the URL resolver, building the response.
"""

import argparse
import json
import os
import secrets
import time
from collections import defaultdict
from contextlib import contextmanager

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.benchmarks.bench_settings")
django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.backends.django import Template as BackendTemplate  # noqa: E402
from django.test import Client  # noqa: E402

CACHE_METHODS = ("get", "set", "add", "incr", "delete", "get_many", "set_many", "has_key", "touch")


class Meter:
    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.statements: dict[str, int] = defaultdict(int)

    def add(self, what: str, seconds: float) -> None:
        self.seconds[what] += seconds
        self.calls[what] += 1


@contextmanager
def instrumented(meter: Meter):
    def db_wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            meter.add("db", time.perf_counter() - started)
            meter.statements[sql.split(None, 1)[0].upper()] += 1

    cache = caches["default"]
    originals = {name: getattr(cache, name) for name in CACHE_METHODS}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                meter.add("cache", time.perf_counter() - started)
                meter.statements[f"cache.{name}"] += 1
        return wrapper

    for name, fn in originals.items():
        setattr(cache, name, timed(name, fn))
    render = BackendTemplate.render

    def template_render(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return render(self, *args, **kwargs)
        finally:
            meter.add("template", time.perf_counter() - started)

    BackendTemplate.render = template_render
    from redis.client import Pipeline

    pipeline_execute = Pipeline.execute
    Pipeline.execute = timed("pipeline", pipeline_execute)
    commit = connection.commit

    def timed_commit():  # the COMMIT waits for the WAL to reach the disk: part of the database's time
        started = time.perf_counter()
        try:
            return commit()
        finally:
            meter.add("db", time.perf_counter() - started)
            meter.statements["COMMIT"] += 1

    connection.commit = timed_commit
    try:
        with connection.execute_wrapper(db_wrapper):
            yield
    finally:
        BackendTemplate.render = render
        Pipeline.execute = pipeline_execute
        del connection.commit
        for name in CACHE_METHODS:
            delattr(cache, name)  # back to the class's methods


def profile(tokens: list[str], n: int, answers: dict, bare: dict) -> dict:
    header = os.environ.get("SURVEY_CLIENT_IP_HEADER", "") or "REMOTE_ADDR"
    results = {}
    for name, method in (("form_page_get", "get"), ("submit_post", "post"), ("bare_insert_post", "bare")):
        meter, total = Meter(), 0.0
        for i in range(n):
            client = Client(enforce_csrf_checks=False, HTTP_HOST="127.0.0.1")
            client.cookies["bz_device"] = secrets.token_urlsafe(16)  # every submit a new phone
            token = tokens[i % len(tokens)]
            extra = {header: f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"}
            with instrumented(meter):
                started = time.perf_counter()
                if method == "get":
                    response = client.get(f"/f/{token}/", **extra)
                elif method == "post":
                    response = client.post(f"/f/{token}/", answers, **extra)
                else:  # the baseline view of the same benchmark, same stack
                    response = client.post("/bench/bare/", bare, **extra)
                total += time.perf_counter() - started
            assert response.status_code in (200, 302), (response.status_code, response.content[:300])
        per = {k: round(1000 * v / n, 3) for k, v in meter.seconds.items()}
        results[name] = {
            "requests": n,
            "ms_per_request": round(1000 * total / n, 3),
            "db_ms": per.get("db", 0.0), "db_statements_per_request": round(meter.calls["db"] / n, 2),
            "cache_ms": per.get("cache", 0.0), "cache_calls_per_request": round(meter.calls["cache"] / n, 2),
            "template_ms": per.get("template", 0.0),
            "other_python_ms": round(1000 * total / n - sum(per.values()), 3),
            "statements": {k: round(v / n, 2) for k, v in sorted(meter.statements.items())},
        }
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", required=True, help="JSON list of the links' tokens (they may start with -)")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--answers", required=True, help="JSON of the form fields")
    parser.add_argument("--bare", required=True, help="JSON of the bare view's fields (form, target)")
    args = parser.parse_args()
    print(json.dumps(profile(json.loads(args.tokens), args.n, json.loads(args.answers), json.loads(args.bare))))
