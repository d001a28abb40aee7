"""The 编制周转池 ledger: its invariants under random sequences of postings (hypothesis), its database
guards (append-only, balanced, no negative balance), and 20 concurrent loans against a pool of 10."""

import dataclasses
import threading
from datetime import date

import pytest
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from bianzhi.exceptions import ApplicationError
from bianzhi.models import PoolLine, PoolLoan, PoolMovement, Quota, Unit
from bianzhi.pool import ledger
from bianzhi.pool.models import LedgerImmutable, PoolAccount
from bianzhi.pool.selectors import ledger_invariant_errors, unit_effective_rows
from bianzhi.pool.services import (
    pool_deposit,
    pool_loan,
    pool_loan_close,
    pool_reverse,
    pool_withdraw,
)
from bianzhi.services import registry_decision, registry_transfer

from ..factories import QuotaFactory, UnitFactory

DAY = date(2026, 3, 1)
INST = Quota.Kind.INSTITUTIONAL_FULL
ADMIN = Quota.Kind.ADMINISTRATIVE
KINDS = [ADMIN, INST]
POOLS = ["city", "talent"]


# ------------------------------------------------------------------ pure: thousands of random postings

OPS = st.tuples(
    st.sampled_from(["increase", "reclaim", "deposit", "withdraw", "loan", "return", "transfer"]),
    st.integers(0, 4), st.integers(0, 4), st.sampled_from(POOLS), st.sampled_from(KINDS), st.integers(1, 6),
)


@hyp_settings(max_examples=60, deadline=None, database=None)
@given(st.lists(OPS, min_size=50, max_size=120))
def test_random_postings_keep_every_invariant(ops):
    """A posting that would break a sign is refused whole; every accepted one keeps all invariants."""
    balances: dict = {}
    outstanding: dict = {}
    for op, unit, other, pool, kind, n in ops:
        lines = ledger.movement_lines(op, quota_kind=kind, amount=n, unit=unit, pool=pool, to_unit=other)
        trial = dict(balances)
        if ledger.apply(trial, lines):
            continue  # refused: balances untouched
        city_total_before = -balances.get(ledger.establishment(kind), 0)
        balances = trial
        if op == "loan":
            outstanding[(pool, kind)] = outstanding.get((pool, kind), 0) + n
        if op == "return":
            outstanding[(pool, kind)] -= n
        assert ledger.invariant_errors(balances, outstanding) == []
        if op in {"deposit", "withdraw", "loan", "return", "transfer"}:  # never change the city's owned total
            assert -balances.get(ledger.establishment(kind), 0) == city_total_before
    positions = ledger.positions(balances)
    for p in positions.values():
        assert p.owned == p.own_usable + p.deposited and p.usable == p.own_usable + p.borrowed


def test_the_invariant_check_would_catch_a_broken_ledger():
    balances = {}
    ledger.apply(balances, ledger.movement_lines("opening", quota_kind=ADMIN, amount=5, unit=1))
    ledger.apply(balances, ledger.movement_lines("deposit", quota_kind=ADMIN, amount=2, unit=1, pool="city"))
    assert ledger.invariant_errors(balances, {}) == []
    broken = dict(balances) | {ledger.pool_account("city", ADMIN): 3}  # more in the pool than was deposited
    assert ledger.invariant_errors(broken, {})
    assert ledger.invariant_errors(balances, {("city", ADMIN): 1})  # a loan record without its posting


# ------------------------------------------------------------------ the real services on the database

@pytest.fixture
def units(db):
    made = []
    for i in range(4):
        unit = UnitFactory(kind=Unit.Kind.PUBLIC_INSTITUTION, code=f"P{i}")
        QuotaFactory(unit=unit, kind=ADMIN, approved=20, actual=12)
        QuotaFactory(unit=unit, kind=INST, approved=30, actual=20)
        made.append(unit)
    return made


DB_OPS = st.tuples(
    st.sampled_from(["deposit", "withdraw", "loan", "close", "increase", "reclaim", "transfer", "reverse"]),
    st.integers(0, 3), st.integers(0, 3), st.sampled_from(POOLS), st.sampled_from(KINDS), st.integers(1, 5),
)


def run_op(op, units, loans, movements):
    o, a, b, pool, kind, n = op
    unit, other = units[a], units[b]
    common = dict(posted_on=DAY, document="测试〔2026〕1号", reason="随机")
    if o == "deposit":
        movements.append(pool_deposit(unit=unit, pool=pool, quota_kind=kind, amount=n, **common))
    elif o == "withdraw":
        movements.append(pool_withdraw(unit=unit, pool=pool, quota_kind=kind, amount=n, **common))
    elif o == "loan":
        loans.append(pool_loan(borrower=unit, pool=pool, quota_kind=kind, amount=n, field="health", start_on=DAY,
                               due_on=date(2027, 3, 1), document="贷", reason="急需"))
    elif o == "close" and loans:
        pool_loan_close(loan=loans.pop(n % len(loans)), on=DAY if n % 2 else date(2027, 3, 1))
    elif o in {"increase", "reclaim"}:
        registry_decision(unit=unit, actor=None, on=DAY, quota_deltas={kind: n if o == "increase" else -n})
    elif o == "transfer" and a != b:
        registry_transfer(from_unit=unit, to_unit=other, quota_kind=kind, amount=n, actor=None, on=DAY)
    elif o == "reverse" and movements:
        pool_reverse(movement=movements.pop(), reason="录入错误")


@hyp_settings(max_examples=8, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
@given(st.lists(DB_OPS, min_size=80, max_size=160))
def test_random_service_calls_keep_the_stored_ledger_consistent(units, ops):
    """~1,000 random calls through the real services: refused ones change nothing, accepted ones keep the
    stored balances equal to the lines, every sign, owned = usable + deposited = the registry's approved, and
    pool = deposits − loans outstanding."""
    with transaction.atomic():
        loans, movements = [], []
        for op in ops:
            try:
                with transaction.atomic():
                    run_op(op, units, loans, movements)
            except ApplicationError:
                pass
        assert ledger_invariant_errors() == []
        for unit in units:
            for row in unit_effective_rows(unit=unit):
                assert row["usable"] == row["owned"] - row["deposited"] + row["borrowed"]
        transaction.set_rollback(True)


def test_deposit_loan_and_return_move_use_not_ownership(units, postgres):
    owner, hospital = units[0], units[1]
    pool_deposit(unit=owner, pool="city", quota_kind=INST, amount=5, posted_on=DAY, document="编〔2026〕3号")
    loan = pool_loan(borrower=hospital, pool="city", quota_kind=INST, amount=5, field="health", start_on=DAY,
                     due_on=date(2027, 2, 28))
    rows = {u.pk: {r["kind"]: r for r in unit_effective_rows(unit=u)} for u in (owner, hospital)}
    assert (rows[owner.pk][INST]["owned"], rows[owner.pk][INST]["usable"], rows[owner.pk][INST]["vacancy"]) == (30, 25, 5)
    assert (rows[hospital.pk][INST]["owned"], rows[hospital.pk][INST]["usable"]) == (30, 35)
    with pytest.raises(ApplicationError, match="余额不足"):
        pool_loan(borrower=hospital, pool="city", quota_kind=INST, amount=1, field="health", start_on=DAY,
                  due_on=date(2027, 2, 28))
    with pytest.raises(ApplicationError, match="余额不足"):  # lent out: the owner must wait for the return
        pool_withdraw(unit=owner, pool="city", quota_kind=INST, amount=1, posted_on=DAY)
    pool_loan_close(loan=loan, on=date(2026, 6, 1))
    loan.refresh_from_db()
    assert loan.status == PoolLoan.Status.RECALLED
    pool_withdraw(unit=owner, pool="city", quota_kind=INST, amount=5, posted_on=DAY)
    assert ledger_invariant_errors() == []


def test_only_vacant_quotas_may_be_deposited_and_organs_never_borrow_institutional_quotas(units):
    with pytest.raises(ApplicationError, match="只能存入空编"):
        pool_deposit(unit=units[0], pool="city", quota_kind=INST, amount=11, posted_on=DAY)
    organ = UnitFactory(kind=Unit.Kind.PARTY_GOVERNMENT)
    with pytest.raises(ApplicationError, match="党政机关不得使用事业编制"):
        pool_loan(borrower=organ, pool="city", quota_kind=INST, amount=1, field="other", start_on=DAY, due_on=DAY)
    assert not PoolMovement.objects.exists()


def test_a_mistake_is_corrected_by_a_reversing_movement_never_an_edit(units, postgres):
    deposit = pool_deposit(unit=units[0], pool="city", quota_kind=ADMIN, amount=3, posted_on=DAY)
    reversal = pool_reverse(movement=deposit, reason="存错单位")
    assert sorted(line.amount for line in reversal.lines.all()) == sorted(-line.amount for line in deposit.lines.all())
    with pytest.raises(ApplicationError, match="已冲正"):
        pool_reverse(movement=deposit, reason="again")
    with pytest.raises(LedgerImmutable):
        PoolMovement.objects.filter(pk=deposit.pk).update(reason="x")
    with pytest.raises(LedgerImmutable):
        deposit.delete()
    assert ledger_invariant_errors() == []


def test_postgresql_refuses_edits_truncation_unbalanced_movements_and_negative_balances(units, postgres):
    pool_deposit(unit=units[0], pool="city", quota_kind=ADMIN, amount=3, posted_on=DAY)
    for sql in ("UPDATE bianzhi_poolline SET amount = amount * 2", "DELETE FROM bianzhi_poolmovement",
                "UPDATE bianzhi_poolmovement SET reason = 'x'"):
        with pytest.raises(DatabaseError, match="不可修改或删除"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
    with pytest.raises(DatabaseError, match="TRUNCATE"), transaction.atomic(), connection.cursor() as c:
        c.execute("SET LOCAL bianzhi.audit_maintenance = 'off'")
        c.execute("TRUNCATE bianzhi_poolline, bianzhi_poolmovement CASCADE")
    account = PoolAccount.objects.get(type="pool", pool="city", quota_kind=ADMIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        PoolAccount.objects.filter(pk=account.pk).update(balance=-1)
    movement = PoolMovement.objects.first()
    with pytest.raises(DatabaseError, match="借贷不平衡"), transaction.atomic():
        unbalanced = PoolMovement.objects.create(type="deposit", quota_kind=ADMIN, posted_on=DAY)
        PoolLine.objects.create(movement=unbalanced, account=account, amount=1)
        with connection.cursor() as c:
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert movement.lines.count() == 4


def test_twenty_concurrent_loans_against_a_pool_of_ten_exactly_ten_succeed(transactional_db, postgres):
    owner = UnitFactory(kind=Unit.Kind.PUBLIC_INSTITUTION)
    QuotaFactory(unit=owner, kind=INST, approved=40, actual=20)
    borrowers = [UnitFactory(kind=Unit.Kind.PUBLIC_INSTITUTION) for _i in range(20)]
    pool_deposit(unit=owner, pool="city", quota_kind=INST, amount=10, posted_on=DAY)
    barrier = threading.Barrier(20)
    outcomes = []

    def borrow(unit):
        try:
            barrier.wait(timeout=30)
            pool_loan(borrower=unit, pool="city", quota_kind=INST, amount=1, field="health", start_on=DAY,
                      due_on=date(2027, 1, 1))
            outcomes.append("ok")
        except ApplicationError:
            outcomes.append("refused")
        except Exception as exc:  # anything else is a failure of the ledger
            outcomes.append(repr(exc))
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=borrow, args=(u,)) for u in borrowers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["ok"] * 10 + ["refused"] * 10
    assert PoolLoan.objects.count() == 10
    assert PoolAccount.objects.get(type="pool", pool="city", quota_kind=INST).balance == 0
    assert ledger_invariant_errors() == []


def test_a_registry_import_keeps_the_ledger_owned_equal_to_approved(units):
    from bianzhi.services import RegistryImportError, registry_apply, unit_record

    unit = units[0]
    pool_deposit(unit=unit, pool="city", quota_kind=INST, amount=8, posted_on=DAY)  # 30 owned, 8 in the pool
    record = unit_record(unit=unit)
    more = dataclasses.replace(record, staff_as_of=DAY, quotas=((ADMIN, 20, 12), (INST, 34, 20)))
    registry_apply(records=[more], actor=None, source="import")
    assert ledger_invariant_errors() == []
    cut = dataclasses.replace(record, staff_as_of=DAY, quotas=((ADMIN, 20, 12), (INST, 7, 0)))  # below the 8 deposited
    with pytest.raises(RegistryImportError):
        registry_apply(records=[cut], actor=None, source="import")
    assert Quota.objects.get(unit=unit, kind=INST).approved == 34 and ledger_invariant_errors() == []


def test_the_registry_list_counts_vacancies_against_what_a_unit_may_use(units):
    from bianzhi.selectors import unit_rows

    owner, hospital = units[0], units[1]
    before = {r["unit"].pk: r["vacancy"] for r in unit_rows(Unit.objects.filter(pk__in=[owner.pk, hospital.pk]))}
    pool_deposit(unit=owner, pool="city", quota_kind=INST, amount=6, posted_on=DAY)
    pool_loan(borrower=hospital, pool="city", quota_kind=INST, amount=6, field="health", start_on=DAY, due_on=DAY)
    after = {r["unit"].pk: r["vacancy"] for r in unit_rows(Unit.objects.filter(pk__in=[owner.pk, hospital.pk]))}
    assert after == {owner.pk: before[owner.pk] - 6, hospital.pk: before[hospital.pk] + 6}


def test_a_transfer_moves_ownership_in_the_ledger_and_the_registry(units):
    from bianzhi.models import UnitVersion

    registry_transfer(from_unit=units[0], to_unit=units[1], quota_kind=ADMIN, amount=4, actor=None, on=DAY,
                      document="临编〔2026〕30号")
    assert [Quota.objects.get(unit=u, kind=ADMIN).approved for u in units[:2]] == [16, 24]
    assert UnitVersion.objects.filter(source="decision").count() == 2
    with pytest.raises(ApplicationError, match="超编"):  # 16 owned, 12 filled: 5 more would leave 11 for 12 people
        registry_transfer(from_unit=units[0], to_unit=units[1], quota_kind=ADMIN, amount=5, actor=None, on=DAY)
    assert ledger_invariant_errors() == []
