"""Reads of the 编制周转池 ledger: positions (owned vs usable), balances, loans due, a unit's ledger."""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from bianzhi.figures import StaffingFigures
from bianzhi.models import Quota, Unit

from . import ledger
from .models import Pool, PoolAccount, PoolLine, PoolLoan

KIND_LABELS = dict(Quota.Kind.choices)


def ledger_balances() -> dict[ledger.AccountKey, int]:
    return {(t, u, p, k): b for t, u, p, k, b in
            PoolAccount.objects.values_list("type", "unit_id", "pool", "quota_kind", "balance")}


def ledger_sums() -> dict[ledger.AccountKey, int]:
    """Balances recomputed from the lines (what the stored balances must equal)."""
    rows = PoolLine.objects.values("account__type", "account__unit_id", "account__pool", "account__quota_kind") \
        .annotate(total=Sum("amount"))
    return {(r["account__type"], r["account__unit_id"], r["account__pool"], r["account__quota_kind"]): r["total"]
            for r in rows}


def loans_outstanding_by_pool() -> dict[tuple[str, str], int]:
    rows = PoolLoan.objects.filter(status=PoolLoan.Status.OUTSTANDING).values("pool", "quota_kind") \
        .annotate(total=Sum("amount"))
    return {(r["pool"], r["quota_kind"]): r["total"] for r in rows}


def ledger_invariant_errors() -> list[str]:
    """Every broken invariant of the whole ledger (empty when it balances), incl. stored vs recomputed balances."""
    balances = ledger_balances()
    errors = ledger.invariant_errors(balances, loans_outstanding_by_pool())
    sums = ledger_sums()
    errors += [_("%(account)s 余额 %(balance)s ≠ 分录合计 %(sum)s") % {"account": key, "balance": b, "sum": sums.get(key, 0)}
               for key, b in balances.items() if b != sums.get(key, 0)]
    opened = {(u, k) for (t, u, _p, k) in balances if t == "usable"}
    # the registry's figures of every opened account in one query (not one per unit)
    approved_of = {(u, k): a for u, k, a in Quota.objects.filter(unit_id__in={u for u, _k in opened})
                   .values_list("unit_id", "kind", "approved")}
    for (unit, kind), position in ledger.positions(balances).items():
        if (unit, kind) not in opened:  # only borrowed: its own quotas are still as the registry says
            continue
        approved = approved_of.get((unit, kind)) or 0
        if position.owned != approved:
            errors.append(_("单位 %(unit)s %(kind)s：台账核定 %(approved)s ≠ 周转池占有 %(owned)s") % {
                "unit": unit, "kind": kind, "approved": approved, "owned": position.owned})
    return errors


def _unit_balances(unit_ids) -> dict[ledger.AccountKey, int]:
    return {(t, u, p, k): b for t, u, p, k, b in PoolAccount.objects.filter(unit_id__any=unit_ids)
            .values_list("type", "unit_id", "pool", "quota_kind", "balance")}


def _positions(balances: dict[ledger.AccountKey, int], approved: dict[tuple[int, str], int]
               ) -> dict[tuple[int, str], ledger.UnitPosition]:
    """{(unit, kind): position} from the units' ledger balances and their registry's approved figures."""
    opened = ledger.positions(balances)
    usable_opened = {(u, k) for (t, u, _p, k) in balances if t == "usable"}
    result = {key: ledger.UnitPosition(approved_, approved_, 0, 0) for key, approved_ in approved.items()}
    for key, position in opened.items():
        if key in usable_opened:
            result[key] = position
        else:  # borrowed or deposited without an opened usable account: the registry gives the own part
            own = result.get(key, ledger.UnitPosition(0, 0, 0, 0))
            result[key] = ledger.UnitPosition(own.owned, own.own_usable, position.deposited, position.borrowed)
    return result


def unit_positions(*, unit_ids) -> dict[tuple[int, str], ledger.UnitPosition]:
    """{(unit, kind): position}; a unit or kind the ledger has not opened is all its own (owned = usable)."""
    approved = {(u, k): a for u, k, a in Quota.objects.filter(unit_id__in=unit_ids)
                .values_list("unit_id", "kind", "approved")}
    return _positions(_unit_balances(unit_ids), approved)


def pool_adjustments(*, unit_ids) -> dict[int, dict[str, int]]:
    """{unit: {kind: borrowed − deposited}} for the units the pool touches, in one query."""
    adjustments: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = PoolAccount.objects.filter(unit_id__in=unit_ids, type__in=["deposited", "borrowed"]).exclude(balance=0) \
        .values_list("unit_id", "type", "quota_kind", "balance")
    for unit_id, type_, kind, balance in rows:
        adjustments[unit_id][kind] += balance if type_ == "borrowed" else -balance
    return {unit_id: dict(by_kind) for unit_id, by_kind in adjustments.items()}


def units_effective_rows(*, unit_ids) -> dict[int, list[dict]]:
    """{unit: the unit page's table}: per kind owned vs usable and the effective 空编/超编 (against what it may
    use). Two queries, however many units (the result-application rules read every unit's at once)."""
    quotas = list(Quota.objects.filter(unit_id__any=unit_ids).order_by()  # (its ordering joins the units)
                  .values_list("unit_id", "kind", "approved", "actual"))
    positions = _positions(_unit_balances(unit_ids), {(u, k): a for u, k, a, _x in quotas})
    actual = {(u, k): x for u, k, _a, x in quotas}
    found = {}
    kinds = Quota.Kind.choices  # (built anew on every access)
    for unit_id in unit_ids:
        rows = []
        for kind, label in kinds:
            position = positions.get((unit_id, kind))
            if position is None and (unit_id, kind) not in actual:
                continue
            position = position or ledger.UnitPosition(0, 0, 0, 0)
            figures = StaffingFigures(position.usable, actual.get((unit_id, kind), 0))
            rows.append({"kind": kind, "label": label, "owned": position.owned, "deposited": position.deposited,
                         "borrowed": position.borrowed, "usable": position.usable, "actual": figures.actual,
                         "vacancy": figures.vacancy, "overstaffing": figures.overstaffing})
        found[unit_id] = rows
    return found


def unit_effective_rows(*, unit: Unit) -> list[dict]:
    return units_effective_rows(unit_ids=[unit.pk])[unit.pk]


def units_effective_lines(*, unit_ids) -> dict[int, list[tuple[str, int, int]]]:
    """{unit: (kind, usable, actual) lines}: the registry figures with the pool's deposits and loans applied."""
    return {unit_id: [(r["kind"], r["usable"], r["actual"]) for r in rows]
            for unit_id, rows in units_effective_rows(unit_ids=unit_ids).items()}


def pool_balance_rows() -> list[dict]:
    """Per pool and kind: deposits, lent out, available."""
    balances = ledger_balances()
    rows = []
    for pool, pool_label in Pool.choices:
        for kind, kind_label in Quota.Kind.choices:
            deposits = -balances.get(ledger.claims(pool, kind), 0)
            available = balances.get(ledger.pool_account(pool, kind), 0)
            if deposits or available:
                rows.append({"pool": pool, "pool_label": pool_label, "kind": kind, "kind_label": kind_label,
                             "deposits": deposits, "lent": deposits - available, "available": available})
    return rows


def loans_by_field() -> list[dict]:
    rows = PoolLoan.objects.filter(status=PoolLoan.Status.OUTSTANDING).values("field", "quota_kind") \
        .annotate(total=Sum("amount")).order_by("field", "quota_kind")
    labels = dict(PoolLoan.Field.choices)
    return [{"field_label": labels[r["field"]], "kind_label": KIND_LABELS[r["quota_kind"]], "total": r["total"]}
            for r in rows]


def loan_list(*, status: str = "") -> QuerySet[PoolLoan]:
    loans = PoolLoan.objects.select_related("borrower")
    return loans.filter(status=status) if status else loans


def loans_due(*, today: date, days: int = 90) -> QuerySet[PoolLoan]:
    """Outstanding loans due within `days` (overdue ones included: they are due already)."""
    return loan_list(status=PoolLoan.Status.OUTSTANDING).filter(due_on__lte=today + timedelta(days=days))


def unit_ledger_lines(*, unit: Unit) -> QuerySet[PoolLine]:
    return (PoolLine.objects.filter(account__unit=unit)
            .select_related("movement", "movement__actor", "account__unit").order_by("-movement__posted_on", "-id"))


def units_in_ledger() -> QuerySet[Unit]:
    return Unit.objects.filter(pool_accounts__isnull=False).distinct().order_by("code")


def movement_totals_by_kind() -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for kind, amount in PoolLine.objects.values_list("movement__quota_kind", "amount"):
        totals[kind] += amount
    return dict(totals)


def pool_effective_lines(snapshots: dict, units=None) -> dict:
    """The objective indicators' figures with the pool applied: {key: (quota lines, long-vacant kinds)}.

    `snapshots` is {key: (unit id, day, [(kind, approved, actual)], [long-vacant kinds])}; each kind's usable
    quotas are owned − deposited + borrowed as of `day` (movements posted up to that day). A kind no longer
    vacant once its idle quotas are in the pool is not 长期空编. One query for all keys (`units`, a subquery of
    the same unit ids, spares sending thousands of ids).
    """
    unit_ids = units if units is not None else {unit_id for unit_id, *_rest in snapshots.values()}
    lines = PoolLine.objects.filter(account__unit_id__in=unit_ids, account__type__in=["deposited", "borrowed"]) \
        .values_list("account__unit_id", "account__type", "account__quota_kind", "movement__posted_on", "amount")
    by_unit: dict[int, list] = defaultdict(list)
    for unit_id, type_, kind, posted_on, amount in lines:
        by_unit[unit_id].append((kind, posted_on, amount if type_ == "borrowed" else -amount))
    out = {}
    for key, (unit_id, day, quota_lines, long_vacant) in snapshots.items():
        adjust: dict[str, int] = defaultdict(int)
        for kind, posted_on, amount in by_unit.get(unit_id, []):
            if day is None or posted_on <= day:
                adjust[kind] += amount
        effective = [(kind, max(0, approved + adjust.pop(kind, 0)), actual) for kind, approved, actual in quota_lines]
        effective += [(kind, amount, 0) for kind, amount in adjust.items() if amount > 0]  # borrowed, none owned
        vacant = {kind for kind, usable, actual in effective if usable > actual}
        out[key] = (effective, [kind for kind in long_vacant if kind in vacant])
    return out


def transfer_preview(*, from_unit: Unit, to_unit: Unit, quota_kind: str, amount: int) -> list[dict]:
    """What a 划转 would do to each unit's figures of the kind: owned, usable, actual, 空编/超编 before and after."""
    positions = unit_positions(unit_ids=[from_unit.pk, to_unit.pk])
    actual = dict(Quota.objects.filter(unit__in=[from_unit, to_unit], kind=quota_kind).values_list("unit_id", "actual"))
    rows = []
    for unit, delta in ((from_unit, -amount), (to_unit, amount)):
        position = positions.get((unit.pk, quota_kind)) or ledger.UnitPosition(0, 0, 0, 0)
        before = StaffingFigures(position.usable, actual.get(unit.pk, 0))
        after = StaffingFigures(max(0, position.usable + delta), actual.get(unit.pk, 0))
        rows.append({"unit": unit, "delta": delta, "owned": position.owned, "owned_after": position.owned + delta,
                     "usable": position.usable, "usable_after": after.approved, "actual": before.actual,
                     "vacancy": before.vacancy, "vacancy_after": after.vacancy, "overstaffing_after": after.overstaffing})
    return rows
