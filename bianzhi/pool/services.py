"""The ONE place that writes the 编制周转池 ledger.

Every movement goes through `_post`: it opens the accounts it needs, locks them (in id order, so two
movements never deadlock), checks that no account would change sign, writes the movement and its balanced
lines, and moves the balances. The database repeats the checks (CHECK constraints on balances, a deferred
trigger that each movement sums to zero, append-only triggers), so a bug here cannot corrupt the ledger.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi.exceptions import ApplicationError
from bianzhi.figures import INSTITUTIONAL_KINDS
from bianzhi.models import Quota, Unit, User

from . import ledger
from .models import Pool, PoolAccount, PoolLine, PoolLoan, PoolMovement

KIND_LABELS = dict(Quota.Kind.choices)
POOL_LABELS = dict(Pool.choices)


def _key_q(key: ledger.AccountKey) -> Q:
    type_, unit, pool, kind = key
    return Q(type=type_, unit_id=unit, pool=pool, quota_kind=kind) if unit else Q(
        type=type_, unit__isnull=True, pool=pool, quota_kind=kind)


def _locked_accounts(keys: list[ledger.AccountKey]) -> dict[ledger.AccountKey, PoolAccount]:
    PoolAccount.objects.bulk_create(
        [PoolAccount(type=t, unit_id=u, pool=p, quota_kind=k) for t, u, p, k in keys], ignore_conflicts=True
    )
    query = Q()
    for key in keys:
        query |= _key_q(key)
    rows = PoolAccount.objects.select_for_update().filter(query).order_by("pk")
    return {(a.type, a.unit_id, a.pool, a.quota_kind): a for a in rows}


def _describe(account: PoolAccount) -> str:
    return str(account)


def _post(*, type_: str, quota_kind: str, lines: list[tuple[ledger.AccountKey, int]], posted_on: date,
          document: str = "", reason: str = "", actor: User | None = None,
          reverses: PoolMovement | None = None) -> PoolMovement:
    if sum(amount for _key, amount in lines) != 0:
        raise ApplicationError(_("分录借贷不平衡"))
    accounts = _locked_accounts([key for key, _amount in lines])
    after = {key: account.balance for key, account in accounts.items()}
    for key in ledger.apply(after, lines):
        account = accounts[key]
        raise ApplicationError(
            _("%(account)s 余额不足：现有 %(have)d，本次需要 %(need)d") % {
                "account": _describe(account), "have": abs(account.balance),
                "need": abs(sum(a for k, a in lines if k == key))}
        )
    movement = PoolMovement.objects.create(
        type=type_, quota_kind=quota_kind, posted_on=posted_on, document=document, reason=reason, actor=actor,
        reverses=reverses,
    )
    PoolLine.objects.bulk_create([PoolLine(movement=movement, account=accounts[key], amount=amount)
                                  for key, amount in lines])
    for key, amount in lines:
        PoolAccount.objects.filter(pk=accounts[key].pk).update(balance=F("balance") + amount)
    return movement


def _check_amount(amount: int) -> None:
    if not isinstance(amount, int) or amount <= 0:
        raise ApplicationError(_("数量须为正整数"))


def _lock_unit(unit: Unit) -> Unit:
    return Unit.objects.select_for_update().get(pk=unit.pk)


def _ensure_opened(unit: Unit, quota_kind: str, *, actor: User | None, on: date) -> None:
    """The first time the ledger touches a unit's quotas of a kind, it opens them from the registry (期初)."""
    key = ledger.usable(unit.pk, quota_kind)
    if PoolAccount.objects.filter(_key_q(key)).exists():
        return
    approved = Quota.objects.filter(unit=unit, kind=quota_kind).values_list("approved", flat=True).first() or 0
    if approved:
        _post(type_=PoolMovement.Type.OPENING, quota_kind=quota_kind, posted_on=on, actor=actor,
              reason=_("按编制台账核定数期初建账"),
              lines=ledger.movement_lines("opening", quota_kind=quota_kind, amount=approved, unit=unit.pk))
    else:
        _locked_accounts([key])


def _position(unit: Unit, quota_kind: str) -> ledger.UnitPosition:
    from .selectors import unit_positions

    return unit_positions(unit_ids=[unit.pk]).get((unit.pk, quota_kind)) or ledger.UnitPosition(0, 0, 0, 0)


def _actual(unit: Unit, quota_kind: str) -> int:
    return Quota.objects.filter(unit=unit, kind=quota_kind).values_list("actual", flat=True).first() or 0


@transaction.atomic
def pool_deposit(*, unit: Unit, pool: str, quota_kind: str, amount: int, posted_on: date, document: str = "",
                 reason: str = "", actor: User | None = None) -> PoolMovement:
    """存: the unit's vacant quotas go to the pool; it keeps ownership, the pool gets the right of use."""
    _check_amount(amount)
    unit = _lock_unit(unit)
    _ensure_opened(unit, quota_kind, actor=actor, on=posted_on)
    position = _position(unit, quota_kind)
    vacant = position.usable - _actual(unit, quota_kind)
    if amount > vacant:
        raise ApplicationError(_("只能存入空编：%(unit)s %(kind)s 现有空编 %(vacant)d，不能存入 %(n)d") % {
            "unit": unit.name, "kind": KIND_LABELS[quota_kind], "vacant": max(vacant, 0), "n": amount})
    return _post(type_=PoolMovement.Type.DEPOSIT, quota_kind=quota_kind, posted_on=posted_on, document=document,
                 reason=reason, actor=actor,
                 lines=ledger.movement_lines("deposit", quota_kind=quota_kind, amount=amount, unit=unit.pk, pool=pool))


@transaction.atomic
def pool_withdraw(*, unit: Unit, pool: str, quota_kind: str, amount: int, posted_on: date, document: str = "",
                  reason: str = "", actor: User | None = None) -> PoolMovement:
    """支取: the owner takes back the use of its deposited quotas (the pool must hold them unlent)."""
    _check_amount(amount)
    unit = _lock_unit(unit)
    return _post(type_=PoolMovement.Type.WITHDRAW, quota_kind=quota_kind, posted_on=posted_on, document=document,
                 reason=reason, actor=actor,
                 lines=ledger.movement_lines("withdraw", quota_kind=quota_kind, amount=amount, unit=unit.pk, pool=pool))


@transaction.atomic
def pool_loan(*, borrower: Unit, pool: str, quota_kind: str, amount: int, field: str, start_on: date, due_on: date,
              document: str = "", reason: str = "", actor: User | None = None) -> PoolLoan:
    """贷: the pool lends quotas to a unit in an urgent field for a term; nobody's ownership changes."""
    _check_amount(amount)
    if due_on < start_on:
        raise ApplicationError(_("到期日期不能早于起始日期"))
    if borrower.status != Unit.Status.ACTIVE:
        raise ApplicationError(_("已撤销的单位不能借用编制"))
    if borrower.kind == Unit.Kind.PARTY_GOVERNMENT and quota_kind in INSTITUTIONAL_KINDS:
        raise ApplicationError(_("党政机关不得使用事业编制"))
    try:
        with transaction.atomic():
            movement = _post(
                type_=PoolMovement.Type.LOAN, quota_kind=quota_kind, posted_on=start_on, document=document,
                reason=reason, actor=actor,
                lines=ledger.movement_lines("loan", quota_kind=quota_kind, amount=amount, unit=borrower.pk, pool=pool),
            )
    except IntegrityError as exc:  # the CHECK constraint: should not happen behind the lock, refuse if it does
        raise ApplicationError(_("周转池可贷余额不足")) from exc
    return PoolLoan.objects.create(
        borrower=borrower, pool=pool, quota_kind=quota_kind, amount=amount, field=field, start_on=start_on,
        due_on=due_on, document=document, reason=reason, loan_movement=movement,
    )


@transaction.atomic
def pool_loan_close(*, loan: PoolLoan, on: date, document: str = "", reason: str = "",
                    actor: User | None = None) -> PoolLoan:
    """还 (at or after the due date) or 召回 (before it, when the owner needs the quotas back)."""
    loan = PoolLoan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != PoolLoan.Status.OUTSTANDING:
        raise ApplicationError(_("该笔借用已归还"))
    if on < loan.start_on:
        raise ApplicationError(_("归还日期不能早于借用起始日期"))
    recall = on < loan.due_on
    type_ = PoolMovement.Type.RECALL if recall else PoolMovement.Type.RETURN
    loan.close_movement = _post(
        type_=type_, quota_kind=loan.quota_kind, posted_on=on, document=document, reason=reason, actor=actor,
        lines=ledger.movement_lines("recall" if recall else "return", quota_kind=loan.quota_kind, amount=loan.amount,
                                    unit=loan.borrower_id, pool=loan.pool),
    )
    loan.status = PoolLoan.Status.RECALLED if recall else PoolLoan.Status.RETURNED
    loan.closed_on = on
    loan.save(update_fields=["close_movement", "status", "closed_on"])
    return loan


@transaction.atomic
def pool_owned_change(*, unit: Unit, quota_kind: str, delta: int, posted_on: date, document: str = "",
                      reason: str = "", actor: User | None = None) -> PoolMovement | None:
    """核增 (delta > 0) or 核减收回 (delta < 0) of a unit's owned quotas: called by the registry's decisions
    BEFORE they change Quota.approved, so an account opened here starts from the old figure."""
    if not delta:
        return None
    unit = _lock_unit(unit)
    _ensure_opened(unit, quota_kind, actor=actor, on=posted_on)
    kind = "increase" if delta > 0 else "reclaim"
    return _post(type_=kind, quota_kind=quota_kind, posted_on=posted_on, document=document, reason=reason,
                 actor=actor, lines=ledger.movement_lines(kind, quota_kind=quota_kind, amount=abs(delta), unit=unit.pk))


@transaction.atomic
def pool_transfer(*, from_unit: Unit, to_unit: Unit, quota_kind: str, amount: int, posted_on: date,
                  document: str = "", reason: str = "", actor: User | None = None) -> PoolMovement:
    """划转: an approved permanent move of ownership between units (the registry decision records both)."""
    _check_amount(amount)
    for unit in sorted([from_unit, to_unit], key=lambda u: u.pk):
        _lock_unit(unit)
        _ensure_opened(unit, quota_kind, actor=actor, on=posted_on)
    return _post(type_=PoolMovement.Type.TRANSFER, quota_kind=quota_kind, posted_on=posted_on, document=document,
                 reason=reason, actor=actor,
                 lines=ledger.movement_lines("transfer", quota_kind=quota_kind, amount=amount, unit=from_unit.pk,
                                             to_unit=to_unit.pk))


REVERSIBLE = {PoolMovement.Type.DEPOSIT, PoolMovement.Type.WITHDRAW}


@transaction.atomic
def pool_reverse(*, movement: PoolMovement, reason: str, actor: User | None = None,
                 posted_on: date | None = None) -> PoolMovement:
    """冲正: a mistaken deposit or withdrawal is undone by a movement with the opposite lines (never an edit)."""
    movement = PoolMovement.objects.select_for_update().get(pk=movement.pk)
    if not reason.strip():
        raise ApplicationError(_("请填写冲正原因"))
    if movement.type not in REVERSIBLE:
        raise ApplicationError(_("只有存入和支取可以冲正；借用请办理归还或召回，核增核减请以新的批复更正"))
    if PoolMovement.objects.filter(reverses=movement).exists():
        raise ApplicationError(_("该笔业务已冲正"))
    lines = [((a.type, a.unit_id, a.pool, a.quota_kind), amount)
             for a, amount in ((line.account, line.amount) for line in movement.lines.select_related("account"))]
    return _post(type_=PoolMovement.Type.REVERSAL, quota_kind=movement.quota_kind,
                 posted_on=posted_on or timezone.localdate(), document=movement.document, reason=reason, actor=actor,
                 reverses=movement, lines=ledger.reversal_lines(lines))


def pool_registry_sync(*, unit_ids, posted_on: date, actor: User | None = None, document: str = "") -> list[str]:
    """After the registry's approved figures changed outside a decision (an Excel import), post the difference
    as 核增/核减 for every account the ledger has opened, so owned = approved holds. Returns the refusals
    (a reduction below what is deposited or filled), in Chinese; the caller decides to roll back."""
    problems = []
    opened = PoolAccount.objects.filter(type=PoolAccount.Type.USABLE, unit_id__in=unit_ids) \
        .values_list("unit_id", "quota_kind")
    for unit_id, kind in opened:
        approved = Quota.objects.filter(unit_id=unit_id, kind=kind).values_list("approved", flat=True).first() or 0
        balances = dict(PoolAccount.objects.filter(unit_id=unit_id, quota_kind=kind, type__in=["usable", "deposited"])
                        .values_list("type", "balance"))
        owned = sum(balances.values())
        if approved == owned:
            continue
        unit = Unit.objects.get(pk=unit_id)
        kind_ = "increase" if approved > owned else "reclaim"
        try:
            with transaction.atomic():
                _post(type_=kind_, quota_kind=kind, posted_on=posted_on, document=document, actor=actor,
                      reason=_("编制台账导入后同步核定数"),
                      lines=ledger.movement_lines(kind_, quota_kind=kind, amount=abs(approved - owned), unit=unit_id))
        except ApplicationError as exc:
            problems.append(_("%(unit)s %(kind)s：核定数 %(a)d 少于已存入周转池的编制，%(why)s") % {
                "unit": unit.name, "kind": KIND_LABELS[kind], "a": approved, "why": exc.message})
    return problems
