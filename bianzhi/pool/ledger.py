"""The ledger's arithmetic: pure functions over account keys and signed amounts, no Django.

An account key is (type, unit id or None, pool or "", quota kind). Each movement's lines sum to zero.
`movement_lines` says which accounts each kind of movement touches; `invariant_errors` checks a set of
balances against the ledger's invariants (the hypothesis tests and the services' self-check use it).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

AccountKey = tuple[str, int | None, str, str]
CONTRA = frozenset({"pool_claims", "establishment"})


def usable(unit: int, kind: str) -> AccountKey:
    return ("usable", unit, "", kind)


def deposited(unit: int, pool: str, kind: str) -> AccountKey:
    return ("deposited", unit, pool, kind)


def pool_account(pool: str, kind: str) -> AccountKey:
    return ("pool", None, pool, kind)


def borrowed(unit: int, pool: str, kind: str) -> AccountKey:
    return ("borrowed", unit, pool, kind)


def claims(pool: str, kind: str) -> AccountKey:
    return ("pool_claims", None, pool, kind)


def establishment(kind: str) -> AccountKey:
    return ("establishment", None, "", kind)


def movement_lines(kind_of_movement: str, *, quota_kind: str, amount: int, unit: int | None = None,
                   pool: str = "", to_unit: int | None = None) -> list[tuple[AccountKey, int]]:
    """The balanced lines of one movement (amount > 0)."""
    if amount <= 0:
        raise ValueError("amount must be positive")
    k, n = quota_kind, amount
    table = {
        # ownership created or removed: only approved increases and reclaims touch the city's total
        "opening": [(establishment(k), -n), (usable(unit, k), n)],
        "increase": [(establishment(k), -n), (usable(unit, k), n)],
        "reclaim": [(usable(unit, k), -n), (establishment(k), n)],
        # 存: use moves from the owner to the pool; the owner's claim records that it still owns them
        "deposit": [(usable(unit, k), -n), (pool_account(pool, k), n), (deposited(unit, pool, k), n),
                    (claims(pool, k), -n)],
        "withdraw": [(pool_account(pool, k), -n), (usable(unit, k), n), (deposited(unit, pool, k), -n),
                     (claims(pool, k), n)],
        # 贷 / 还: use moves between the pool and the borrower; ownership does not move
        "loan": [(pool_account(pool, k), -n), (borrowed(unit, pool, k), n)],
        "return": [(borrowed(unit, pool, k), -n), (pool_account(pool, k), n)],
        "recall": [(borrowed(unit, pool, k), -n), (pool_account(pool, k), n)],
        # 划转: an approved permanent move of ownership (with its use) from one unit to another
        "transfer": [(usable(unit, k), -n), (usable(to_unit, k), n)],
    }
    lines = table[kind_of_movement]
    assert sum(a for _key, a in lines) == 0
    return lines


def reversal_lines(lines: Iterable[tuple[AccountKey, int]]) -> list[tuple[AccountKey, int]]:
    return [(key, -amount) for key, amount in lines]


def apply(balances: dict[AccountKey, int], lines: Iterable[tuple[AccountKey, int]]) -> list[AccountKey]:
    """Add the lines to `balances` in place; return the accounts that now break their sign (empty: fine)."""
    bad = []
    for key, amount in lines:
        balances[key] = balances.get(key, 0) + amount
        if (balances[key] > 0) if key[0] in CONTRA else (balances[key] < 0):
            bad.append(key)
    return bad


@dataclass(frozen=True)
class UnitPosition:
    """One unit's quotas of one kind as the ledger sees them."""

    owned: int
    own_usable: int
    deposited: int
    borrowed: int

    @property
    def usable(self) -> int:
        """What the unit may fill: its own usable plus what it borrowed."""
        return self.own_usable + self.borrowed


def positions(balances: Mapping[AccountKey, int]) -> dict[tuple[int, str], UnitPosition]:
    """{(unit, kind): position} from account balances."""
    acc: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (type_, unit, _pool, kind), balance in balances.items():
        if unit is not None:
            acc[(unit, kind)][type_] += balance
    return {
        key: UnitPosition(owned=v["usable"] + v["deposited"], own_usable=v["usable"], deposited=v["deposited"],
                          borrowed=v["borrowed"])
        for key, v in acc.items()
    }


def invariant_errors(balances: Mapping[AccountKey, int], loans_outstanding: Mapping[tuple[str, str], int]) -> list[str]:
    """Every invariant of the ledger that `balances` break (empty: all hold).

    `loans_outstanding` is {(pool, kind): quotas lent and not returned}, from the loan records.
    """
    errors = []
    for key, balance in balances.items():
        if (balance > 0) if key[0] in CONTRA else (balance < 0):
            errors.append(_("%(account)s 余额 %(balance)s 符号错误") % {"account": key, "balance": balance})
    by_kind: dict[str, int] = defaultdict(int)
    for (_type, _unit, _pool, kind), balance in balances.items():
        by_kind[kind] += balance
    errors += [_("%(kind)s 借贷不平衡 %(total)s") % {"kind": kind, "total": total} for kind, total in by_kind.items() if total]
    owned_total: dict[str, int] = defaultdict(int)
    for (_unit, kind), position in positions(balances).items():
        owned_total[kind] += position.owned
    for kind, total in owned_total.items():
        if -balances.get(establishment(kind), 0) != total:
            errors.append(_("%(kind)s 核定总额 %(approved)s ≠ 各单位占有之和 %(total)s") % {
                "kind": kind, "approved": -balances.get(establishment(kind), 0), "total": total})
    pools = {(pool, kind) for (type_, _u, pool, kind) in balances if pool}
    for pool, kind in pools:
        deposits = sum(b for (t, _u, p, k), b in balances.items() if t == "deposited" and p == pool and k == kind)
        lent = sum(b for (t, _u, p, k), b in balances.items() if t == "borrowed" and p == pool and k == kind)
        available = balances.get(pool_account(pool, kind), 0)
        if -balances.get(claims(pool, kind), 0) != deposits:
            errors.append(_("%(pool)s/%(kind)s 存入总额与各单位存入之和不符") % {"pool": pool, "kind": kind})
        if available != deposits - lent or available < 0:
            errors.append(_("%(pool)s/%(kind)s 可贷余额 %(available)s ≠ 存入 %(deposits)s − 借出 %(lent)s") % {
                "pool": pool, "kind": kind, "available": available, "deposits": deposits, "lent": lent})
        if lent != loans_outstanding.get((pool, kind), 0):
            errors.append(_("%(pool)s/%(kind)s 借用科目 %(lent)s ≠ 未还借用记录 %(loans)s") % {
                "pool": pool, "kind": kind, "lent": lent, "loans": loans_outstanding.get((pool, kind), 0)})
    return errors
