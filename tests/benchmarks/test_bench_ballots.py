"""P8 (issue 10 #19): the cost of one staff ballot (测评票) does not grow with its unit.

A ballot adds to its unit's tallies (one UPDATE of a fixed number of rows) and, with a comment, rewrites the
unit's pool of unreleased comments (never more than a batch): no row per answer, nothing rewritten per unit.
Measured on PostgreSQL (the test database; DATABASE_URL=postgres://…), where the row lock on the unit's
ballot box serialises simultaneous ballots:

- one ballot into a unit with 1 answer and with 400 answers (median of 20 each): goal ≤ 50 ms, and the two
  within a factor of 2 of each other (the old design rewrote the unit's answers: 21 ms vs 530 ms);
- 50 simultaneous ballots (50 threads, one connection each) into a unit of 400 staff: goal ≤ 2 s in all,
  every ballot counted once.

The machine is shared and noisy: a bare write transaction (lock, update, insert, commit) is measured in the
same run and recorded; `goal_met` says whether the absolute goals held, and the assertions let the goals
stretch only as far as that floor has slowed down beyond a quiet machine's (QUIET_BARE_MS).
"""

import statistics
import threading
import time

from django.db import connection, connections
from django.db.models import Sum

from surveys.models import BallotBox, Form, StaffTally
from surveys.services import ballot_submit, ballots_issue, form_create
from tests.conftest import service_missing
from tests.factories import CampaignTargetFactory, UserFactory

ANSWERS = {f"d{n}": ("satisfied", "basically_satisfied", "dissatisfied")[n % 3] for n in range(1, 9)}
SAMPLES = 20
GOAL_BALLOT_MS, GOAL_FIFTY_S = 50, 2.0
QUIET_BARE_MS = 5.0  # a bare write transaction on this kind of machine when it is not saturated


def ballot(code: str, i: int) -> None:
    ballot_submit(code=code, data={**ANSWERS, "comment": f"基准测试意见{i}"})


def timed(code: str, i: int) -> float:
    started = time.perf_counter()
    ballot(code, i)
    return (time.perf_counter() - started) * 1000


def bare_write_ms(form) -> float:
    """The floor under any answer on this machine, now: one transaction that locks, updates and inserts a row
    (the machine is shared and noisy; a ballot is a few of these round trips and one commit)."""
    from django.db import transaction

    from surveys.models import StaffComment

    box = BallotBox.objects.filter(form=form).first()
    question = form.questions.get(code="comment")
    started = time.perf_counter()
    with transaction.atomic():
        BallotBox.objects.select_for_update().filter(pk=box.pk).update(used=box.used)
        StaffComment.objects.create(target_id=box.target_id, question=question, text="基准", released=True)
    return (time.perf_counter() - started) * 1000


def unit_with_answers(form, actor, answered: int, extra: int) -> list[str]:
    """A unit whose box has `answered` ballots already used; returns the codes of the `extra` unused ones."""
    target = CampaignTargetFactory(campaign=form.campaign)
    box = ballots_issue(form=form, target=target, actor=actor, count=answered + extra)
    codes = list(box.ballots.order_by("serial").values_list("code", flat=True))
    for i, code in enumerate(codes[:answered]):
        ballot(code, i)
    return codes[answered:]


def test_p8_staff_ballot_cost_at_1_and_400_answers_and_50_at_once(transactional_db, bench_record):
    if connection.vendor != "postgresql":
        service_missing("P8 measures on PostgreSQL: set DATABASE_URL=postgres://…")
    actor = UserFactory(role="evaluator")
    form = form_create(campaign=CampaignTargetFactory().campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=actor)

    # one ballot into a unit with 1 answer: SAMPLES units, one timed ballot each
    small = [timed(unit_with_answers(form, actor, 1, 1)[0], n) for n in range(SAMPLES)]
    # ...and into a unit with 400 answers: the next SAMPLES ballots of one unit (400 to 419 answers before)
    large_codes = unit_with_answers(form, actor, 400, SAMPLES)
    large = [timed(code, n) for n, code in enumerate(large_codes)]

    # 50 simultaneous ballots into a unit of 400 staff (350 have answered): one thread and connection each
    codes = unit_with_answers(form, actor, 350, 50)
    box = BallotBox.objects.get(ballots__code=codes[0])
    gate = threading.Barrier(51)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(n: int, code: str) -> None:
        try:
            connection.ensure_connection()  # as a web worker's persistent connection: not part of the cost
            gate.wait()
            ballot(code, n)
            result = "accepted"
        except Exception as exc:  # anything else is a bug here: keep it visible
            result = repr(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit, args=(n, code)) for n, code in enumerate(codes)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=60)
    fifty_seconds = time.perf_counter() - started

    box.refresh_from_db()
    at_1, at_400 = statistics.median(small), statistics.median(large)
    bare = statistics.median(bare_write_ms(form) for _i in range(SAMPLES))
    bench_record("P8_staff_ballot_cost", {
        "database": connection.vendor,
        "ballot_ms_with_1_answer": round(at_1, 1), "ballot_ms_with_400_answers": round(at_400, 1),
        "ratio_400_to_1": round(at_400 / at_1, 2), "samples": SAMPLES,
        "bare_write_transaction_ms": round(bare, 1), "goal_slack": round(max(1.0, bare / QUIET_BARE_MS), 2),
        "goal_met": at_1 <= GOAL_BALLOT_MS and at_400 <= GOAL_BALLOT_MS and fifty_seconds <= GOAL_FIFTY_S,
        "fifty_simultaneous_into_400_staff_s": round(fifty_seconds, 3),
        "goal_ballot_ms": GOAL_BALLOT_MS, "goal_fifty_s": GOAL_FIFTY_S,
        "before_this_design": {"ballot_ms_with_1_answer": 21, "ballot_ms_with_400_answers": 530,
                               "fifty_simultaneous_into_400_staff_s": 23},
    })
    assert outcomes == ["accepted"] * 50, outcomes
    assert box.used == 400 and box.released + box.pending == 400
    counted = StaffTally.objects.filter(target_id=box.target_id).aggregate(n=Sum("count") + Sum("pending"))["n"]
    assert counted == 400 * 8  # every ballot counted once, none twice
    assert at_400 <= 2 * at_1 + 5, (at_1, at_400)  # flat in the size of the unit (5 ms of noise allowed)
    # The goals hold on a machine where a bare write transaction takes at most QUIET_BARE_MS; on a shared
    # machine under load they stretch as far as that floor has slowed down in the same run (goal_met: the
    # absolute goals, recorded either way).
    slack = max(1.0, bare / QUIET_BARE_MS)
    assert at_1 <= GOAL_BALLOT_MS * slack and at_400 <= GOAL_BALLOT_MS * slack, (at_1, at_400, bare)
    assert fifty_seconds <= GOAL_FIFTY_S * slack, (fifty_seconds, bare)
