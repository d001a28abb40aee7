"""The public form's submit under gunicorn on loopback, against a bare Django view saving one row.

Both run in the same server, in the same run, with the same load (16 keep-alive clients), so the ratio
means something on a noisy machine. The database is a fresh SQLite file, or BENCH_DATABASE_URL.

With BENCH_DATABASE_URL and BENCH_REDIS_URL both set this measures the production stack (issue 16):
PostgreSQL, the Redis cache and broker, the abuse controls at their defaults with every request from its own
address through the proxy header and its own device cookie, gunicorn with the README's worker count
(2 × cores); and a profile of where a submit spends its time is written beside the figures.
"""

import itertools
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .http_load import post_load

ROOT = Path(__file__).resolve().parents[2]
CLIENTS, SECONDS, ROUNDS = 16, 4.0, 2
PRODUCTION = bool(os.environ.get("BENCH_DATABASE_URL") and os.environ.get("BENCH_REDIS_URL"))
# The README's recommendation for a web machine: two sync workers per core.
WORKERS = 2 * (os.cpu_count() or 1) if PRODUCTION else 2
IP_HEADER = "HTTP_X_REAL_IP"
PHONES = itertools.count()  # next() on a count is atomic under the GIL: safe across the client threads
RUN = int(time.time())
THIS_RUN = f"基准测试-{RUN}"  # this run's answers, even in a reused database
ANSWERS = {"duties": "satisfied", "efficiency": "basically_satisfied", "attitude": "satisfied",
           "openness": "satisfied", "problem_solving": "dissatisfied", "comment": "基准测试"}


# A campaign of 40 units with its satisfaction form: the 20,000-submission run spreads over its links.
BENCH_CAMPAIGN = """
from bianzhi.models import Unit, User
from evaluations.models import Campaign
from evaluations.services import campaign_create
from surveys.services import satisfaction_form_issue
units = [Unit.objects.update_or_create(code=f"B{i:03d}", defaults=dict(name=f"基准测试单位{i}", kind="party_government",
                                       level="municipal", region="市本级"))[0] for i in range(40)]
actor = User.objects.get(username="evaluator")
campaign = Campaign.objects.filter(name="基准测试", year=2026).first()
campaign = campaign or campaign_create(name="基准测试", year=2026, units=units, actor=actor)
satisfaction_form_issue(campaign=campaign, actor=actor)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    return subprocess.run([sys.executable, "manage.py", *args, "-v", "0"], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout


def count_rows(env: dict, model: str, where: str = "") -> int:
    return int(manage(env, "shell", "-c", f"from surveys.models import {model}; print({model}.objects.filter({where}).count())"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.bench_settings",
        "SECRET_KEY": "bench-only",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3"),
        "PRIVATE_MEDIA_ROOT": str(tmp / "private"),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    if PRODUCTION:  # the abuse controls at their defaults; each phone's address comes through the proxy header
        env.update(REDIS_URL=os.environ["BENCH_REDIS_URL"], SURVEY_CLIENT_IP_HEADER=IP_HEADER)
        for name in ("SURVEY_IP_SOFT_LIMIT", "SURVEY_IP_HARD_LIMIT", "SURVEY_IP_NO_DEVICE_LIMIT", "CELERY_BROKER_URL"):
            env.pop(name, None)
    else:
        # Every client comes from 127.0.0.1: the per-address limits would stand in for thousands of phones.
        env.update(SURVEY_IP_SOFT_LIMIT="100000000", SURVEY_IP_HARD_LIMIT="100000000",
                   SURVEY_IP_NO_DEVICE_LIMIT="100000000")  # the load clients keep no device cookie
        env.pop("REDIS_URL", None)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    manage(env, "shell", "-c", BENCH_CAMPAIGN)
    links = json.loads(manage(env, "shell", "-c", (
        "import json; from surveys.models import SurveyLink;"
        # the benchmark campaign's links only: the demo's campaign has moved past the stages that take answers
        "print(json.dumps([[l.token, l.form_id, l.target_id] for l in"
        " SurveyLink.objects.filter(form__campaign__name='基准测试')]))"
    )))
    port = int(os.environ.get("BENCH_PORT") or 0) or free_port()  # BENCH_PORT: a port of one's own
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "bianzhi.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()
            time.sleep(0.2)
    yield {"port": port, "links": links, "env": env, "responses_before": count_rows(env, "SurveyResponse")}
    proc.terminate()
    try:
        proc.wait(timeout=60)  # a loaded machine takes a while to stop 2 × cores workers
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def csrf_session(port: int, token: str) -> dict:
    """What a phone gets on opening the form: the CSRF cookie and the page's token."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", f"/f/{token}/")
    response = conn.getresponse()
    page = response.read().decode()
    assert response.status == 200, (response.status, response.getheaders(), page[:500])
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return {"cookie": f"csrftoken={cookie}", "token": form_token}


def phone_headers(session: dict, client: int, i: int) -> dict:
    """On the production stack every request is a phone of its own: its address (set by the proxy) and its
    device cookie, so the per-address count and the one-answer-per-device check run as in the field."""
    if not PRODUCTION:
        return {"Cookie": session["cookie"]}
    n = next(PHONES)  # never the same device twice, across rounds and tests
    return {"Cookie": f"{session['cookie']}; bz_device=bench{n}-{RUN}",
            "X-Real-IP": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}


def submit_profile(env: dict, links: list) -> dict:
    """Where a submit's time goes, measured in-process against the same database and cache."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.submit_profile", "--tokens", json.dumps([l[0] for l in links[:40]]),
         "--n", "300", "--answers", json.dumps(ANSWERS, ensure_ascii=False),
         "--bare", json.dumps({"form": links[0][1], "target": links[0][2]})],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_public_submit_against_bare_view(server, bench_record):
    port, links = server["port"], server["links"]
    sessions = [csrf_session(port, links[0][0]) for _ in range(CLIENTS)]

    def ours(client, i):
        token = links[(client + i * CLIENTS) % len(links)][0]
        session = sessions[client]
        fields = {**ANSWERS, "comment": THIS_RUN, "csrfmiddlewaretoken": session["token"]}
        return f"/f/{token}/", fields, phone_headers(session, client, i)

    def bare(client, i):
        _token, form_id, target_id = links[(client + i) % len(links)]
        return "/bench/bare/", {"form": form_id, "target": target_id}, {}

    runs = {"ours": [], "bare": []}
    for _round in range(ROUNDS):  # interleaved, best of each: the machine is noisy
        for name, make in (("bare", bare), ("ours", ours)):
            runs[name].append(post_load(host="127.0.0.1", port=port, clients=CLIENTS, seconds=SECONDS, make_request=make))
    assert not any(r.errors for rs in runs.values() for r in rs), runs

    responses_after = count_rows(server["env"], "SurveyResponse")
    ours_saved = count_rows(server["env"], "Answer", f"text='{THIS_RUN}'")
    best_ours = max(r.per_second for r in runs["ours"])
    best_bare = max(r.per_second for r in runs["bare"])
    figures = {
        "clients": CLIENTS, "seconds_per_run": SECONDS, "gunicorn_workers": WORKERS,
        "ours_requests_per_s": round(best_ours, 1), "bare_view_requests_per_s": round(best_bare, 1),
        "ratio": round(best_ours / best_bare, 3),
    }
    if PRODUCTION:
        figures["stack"] = "PostgreSQL, Redis cache and broker, abuse controls on (own address and device per request)"
        figures["profile"] = submit_profile(server["env"], links)
    bench_record("public_form_submit_production" if PRODUCTION else "public_form_submit", figures)
    # every accepted submission is in the database, once
    assert ours_saved == sum(r.ok for r in runs["ours"])
    assert responses_after - server["responses_before"] == sum(r.ok for rs in runs.values() for r in rs)
    # On the production stack the submit does what the bare view cannot skip — write the sheet and its answers
    # with the link's facts checked in the same statement (a link its worker has read; else one more SELECT),
    # one Redis pipeline for the abuse controls, clean and hash the answers: 0.63 of the bare view on a quiet
    # machine (goal 0.8, see the README).
    floor = 0.3 if PRODUCTION else 0.5
    assert best_ours / best_bare >= floor, f"public submit {best_ours:.0f}/s vs bare {best_bare:.0f}/s"


def test_twenty_thousand_submissions_over_forty_units_are_all_counted_once(server, bench_record):
    """20,000 answer sheets from 16 concurrent clients, spread over 40 units: every one in the database, once."""
    import threading
    from collections import Counter

    port, env = server["port"], server["env"]
    links = json.loads(manage(env, "shell", "-c", (
        "import json; from surveys.models import SurveyLink;"
        "print(json.dumps([[l.token, l.target_id] for l in SurveyLink.objects.filter(form__campaign__name='基准测试')]))"
    )))
    assert len(links) == 40
    sessions = [csrf_session(port, links[0][0]) for _ in range(CLIENTS)]
    sent: Counter = Counter()
    lock = threading.Lock()
    run = f"两万-{int(time.time())}-"  # this run's answers, even in a reused database

    def make(client, i):
        token, target_id = links[(client * 7 + i) % len(links)]
        with lock:
            sent[target_id] += 1
        session = sessions[client]
        answers = {**ANSWERS, "comment": f"{run}{client}-{i}", "csrfmiddlewaretoken": session["token"]}
        return f"/f/{token}/", answers, phone_headers(session, client, i)

    result = post_load(host="127.0.0.1", port=port, clients=CLIENTS, seconds=600, make_request=make,
                       max_requests=20_000)
    saved = json.loads(manage(env, "shell", "-c", (
        "import json; from django.db.models import Count; from surveys.models import SurveyResponse;"
        f"print(json.dumps(dict(SurveyResponse.objects.filter(answers__text__startswith='{run}')"
        ".values_list('target_id').annotate(n=Count('id')).order_by())))"
    )))
    distinct_comments = int(manage(env, "shell", "-c", (
        "from surveys.models import Answer;"
        f"print(Answer.objects.filter(text__startswith='{run}').values('text').distinct().count())"
    )))
    bench_record("public_form_20000_submissions", {
        "clients": CLIENTS, "units": 40, "submitted": sum(sent.values()), "accepted": result.ok,
        "errors": result.errors, "seconds": round(result.seconds, 1), "requests_per_s": round(result.per_second, 1),
    })
    assert sum(sent.values()) == 20_000 and result.ok == 20_000 and result.errors == 0
    assert {int(k): v for k, v in saved.items()} == dict(sent)  # per unit: none lost, none doubled
    assert distinct_comments == 20_000
