"""Analytic Hierarchy Process (AHP): priorities, consistency, completion, groups, synthesis.

Pure Python + numpy, no Django. Conventions used throughout:

* A judgement matrix ``a`` is n x n, ``a[i][j]`` = how much more item i matters than item j,
  on Saaty's 1/9 ... 9 scale. ``None`` or NaN marks a missing judgement. If only one of
  ``a[i][j]`` / ``a[j][i]`` is given, the other is implied as its reciprocal (not an error).
  A missing diagonal entry is taken as 1.
* Indices in the API (``RevisionHint.i``, ``StabilityInterval.criterion`` ...) are 0-based
  Python indices. Error messages talk to people and name cells 1-based: "row 2, column 3".
* Tolerance ``TOL`` = 1e-6, relative: reciprocity means |a_ij * a_ji - 1| <= TOL, the diagonal
  must be 1 within that, and the scale bounds are 1/9 and 9 widened by the same factor.
  Type reciprocals as fractions (1/3, not 0.333).
* lambda_max, CI and CR always come from the principal eigenvalue, whatever ``method``
  derives the weights: CI = (lambda_max - n) / (n - 1), CR = CI / RI(n), CR = 0 for n <= 2.
  ``consistent`` means CR < 0.10. Nothing is rounded.
* RI tables (``RI_TABLES``), n -> mean CI of random reciprocal matrices:
  - "saaty1980":     Saaty, The Analytic Hierarchy Process, McGraw-Hill 1980.
  - "saaty2005":     Saaty, Theory and Applications of the ANP, RWS 2005, p. 31
                     (as transcribed in the AHPy library; its random_index='saaty').
  - "alonso_lamata": Alonso & Lamata, Int. J. Uncertainty, Fuzziness and Knowledge-Based
                     Systems 14(4), 2006.
  - "donegan_dodd":  Donegan & Dodd, Math. Comput. Modelling 15(10), 1991, pp. 135-137
                     (as transcribed in AHPy; its default random_index='dd').
  Noble's and Golden & Wang's tables are left out: we could not verify their figures.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

TOL = 1e-6
SCALE_MIN, SCALE_MAX = 1 / 9, 9.0
SAATY_SCALE: tuple[float, ...] = tuple([1 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)])
_LOG_SCALE = np.log(SAATY_SCALE)
_LO, _HI = SCALE_MIN * (1 - TOL), SCALE_MAX * (1 + TOL)


def _table(*values: float) -> dict[int, float]:
    return {1: 0.0, 2: 0.0, **{n: v for n, v in enumerate(values, start=3)}}


RI_TABLES: dict[str, dict[int, float]] = {
    "saaty1980": _table(0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59),
    "saaty2005": _table(0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59),
    "alonso_lamata": _table(0.5245, 0.8815, 1.1086, 1.2479, 1.3417, 1.4056, 1.4499, 1.4854,
                            1.5141, 1.5365, 1.5551, 1.5713, 1.5838),
    "donegan_dodd": _table(0.4914, 0.8286, 1.0591, 1.1797, 1.2519, 1.3171, 1.3733, 1.4055,
                           1.4213, 1.4497, 1.4643, 1.4822, 1.4969),
}
METHODS = ("eigenvector", "geometric_mean", "arithmetic_mean")
COMPLETIONS = ("harker", "lambda_min")


@dataclass(frozen=True)
class Priorities:
    weights: tuple[float, ...]  # sums to 1
    lambda_max: float
    ci: float
    cr: float
    ri: float
    ri_table: str
    consistent: bool  # cr < 0.10
    method: str  # one of METHODS, or "given" for precomputed weights in a hierarchy
    completed_by: str | None  # completion method if the input had missing judgements
    n: int


@dataclass(frozen=True)
class RevisionHint:
    i: int  # 0-based, i < j
    j: int
    current: float  # a_ij as given
    suggested: float  # w_i / w_j
    suggested_scale: float  # `suggested` rounded (in log space) to the nearest Saaty scale value
    deviation: float  # |ln(a_ij * w_j / w_i)|
    cr_after: float  # CR after setting a_ij = suggested_scale (and a_ji = 1/suggested_scale)


@dataclass
class Node:
    """A hierarchy node. `matrix` compares the children (in order); alternatively `weights`
    gives their frozen local weights. A node without children is a leaf; a single child
    needs neither (its weight is 1)."""
    name: str = ""
    matrix: Any = None
    weights: Sequence[float] | None = None
    children: list[Node | str | dict] = field(default_factory=list)


@dataclass(frozen=True)
class Synthesis:
    global_weights: dict[str, float]  # leaf path ("Cost/Price/Odyssey", root excluded) -> weight
    local: dict[str, Priorities]  # node path -> its local priorities; the root is ""
    cr: float  # hierarchy CR_H = sum(w_k CI_k) / sum(w_k RI_k), w_k = global weight of node k
    consistent: bool

    def by_leaf_name(self) -> dict[str, float]:
        """Sum the global weights of leaves sharing a name (alternatives repeated under each
        criterion, as in a classic AHP with alternatives)."""
        out: dict[str, float] = {}
        for path, w in self.global_weights.items():
            name = path.rsplit("/", 1)[-1]
            out[name] = out.get(name, 0.0) + w
        return out


@dataclass(frozen=True)
class StabilityInterval:
    criterion: int  # 0-based column of `scores`
    current: float
    lo: float  # the ranking of units is unchanged for w_k strictly inside (lo, hi)
    hi: float


# ---------------------------------------------------------------- validation

def _cell(i: int, j: int) -> str:
    return f"row {i + 1}, column {j + 1}"


def _parse(matrix: Any, require_connected: bool = True) -> tuple[np.ndarray, bool]:
    """Validated float copy of `matrix` (NaN = missing, reciprocals mirrored) and whether
    anything is missing. The common complete, valid case costs a handful of numpy calls."""
    try:
        a = np.array(matrix, dtype=float)
    except (ValueError, TypeError):
        a = None  # ragged rows or non-numbers: diagnose below
    if a is not None and a.size == 0:
        raise ValueError("matrix is empty")
    if a is None or a.ndim != 2 or a.shape[0] != a.shape[1]:
        _raise_shape(matrix, a)
    n = a.shape[0]
    # NaN makes min/max NaN and every comparison False, so missing cells leave the fast path.
    if a.min() >= _LO and a.max() <= _HI and np.abs(a * a.T - 1.0).max() <= TOL:
        return a, False
    with np.errstate(invalid="ignore", divide="ignore"):
        missing = np.isnan(a)
        _reject(~missing & np.isinf(a), a, "is not a finite number")
        _reject(~missing & (a <= 0), a, "is not positive")
        a[np.diag_indices(n)] = np.where(missing.diagonal(), 1.0, a.diagonal())
        a = np.where(missing & ~missing.T, 1.0 / a.T, a)  # one side given: reciprocal implied
        missing = np.isnan(a)
        _reject(np.eye(n, dtype=bool) & (np.abs(a - 1.0) > TOL), a, "is on the diagonal but is not 1")
        _reject(np.triu(~missing & (np.abs(a * a.T - 1.0) > TOL), 1), a,
                "is not the reciprocal of its mirror", mirror=True)
        _reject(~missing & ((a < _LO) | (a > _HI)), a, "is outside Saaty's scale 1/9 ... 9")
    if missing.any() and require_connected:
        _check_connected(missing)
    return a, bool(missing.any())


def _reject(bad: np.ndarray, a: np.ndarray, what: str, mirror: bool = False) -> None:
    if bad.any():
        i, j = np.argwhere(bad)[0]
        extra = f" ({_cell(j, i)} = {a[j, i]:g})" if mirror else ""
        raise ValueError(f"judgement at {_cell(i, j)} (1-based) = {a[i, j]:g} {what}{extra}")


def _raise_shape(matrix: Any, a: np.ndarray | None) -> None:
    if a is not None and a.ndim != 2:
        raise ValueError(f"matrix is not square: it has {a.ndim} dimensions, shape {a.shape}")
    rows = list(matrix)
    for r, row in enumerate(rows):
        width = len(row) if hasattr(row, "__len__") else 1
        if width != len(rows):
            raise ValueError(f"matrix is not square: row {r + 1} (1-based) has {width} entries, "
                             f"expected {len(rows)}")
    raise ValueError("matrix entries must be numbers or None")


def _check_connected(missing: np.ndarray) -> None:
    n = missing.shape[0]
    given = int(np.triu(~missing, 1).sum())
    if given < n - 1:
        raise ValueError(f"too few judgements: {given} of the upper triangle given, "
                         f"at least {n - 1} are needed to connect {n} items")
    reach = (~missing).astype(int)  # judgements link items; square until paths of length n are in
    for _ in range(n.bit_length()):
        reach = ((reach @ reach) > 0).astype(int)
    if not reach[0].all():
        k = int(np.argmin(reach[0]))
        raise ValueError(f"judgements do not connect the items: item {k + 1} (row/column {k + 1}, "
                         f"1-based) is not linked to item 1 by any chain of judgements")


def _check_choice(what: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; choose one of {tuple(allowed)}")


def _ri(table: str, n: int) -> float:
    _check_choice("RI table", table, RI_TABLES)
    if n not in RI_TABLES[table]:
        raise ValueError(f"RI table {table!r} has no value for n = {n}")
    return RI_TABLES[table][n]


# ---------------------------------------------------------------- priorities

def priorities(matrix: Any, method: str = "eigenvector", ri_table: str = "saaty1980",
               completion: str = "harker") -> Priorities:
    """Weights and consistency of a judgement matrix; missing judgements are completed first."""
    _check_choice("method", method, METHODS)
    _check_choice("completion", completion, COMPLETIONS)
    a, has_missing = _parse(matrix)
    if has_missing:
        a = _complete(a, completion)
    return _priorities(a, method, ri_table, completion if has_missing else None)


def _priorities(a: np.ndarray, method: str, ri_table: str, completed_by: str | None) -> Priorities:
    n = a.shape[0]
    ri = _ri(ri_table, n)
    if n <= 2:  # always consistent: the weights are exact and lambda_max = n
        w = np.array([1.0]) if n == 1 else np.array([a[0, 1], 1.0]) / (1.0 + a[0, 1])
        lam, ci, cr = float(n), 0.0, 0.0
    else:
        vals, vecs = np.linalg.eig(a)
        k = vals.real.argmax()  # Perron root: real, and the largest
        lam = float(vals[k].real)
        if method == "eigenvector":
            w = np.abs(vecs[:, k].real)
        elif method == "geometric_mean":
            w = np.exp(np.log(a).mean(axis=1))
        else:
            w = (a / a.sum(axis=0)).mean(axis=1)
        # lambda_max >= n for positive reciprocal matrices; below n is float round-off only.
        ci = max(0.0, (lam - n) / (n - 1))
        cr = ci / ri
    w = w / w.sum()
    return Priorities(tuple(w.tolist()), lam, ci, cr, ri, ri_table, cr < 0.10, method, completed_by, n)


# ---------------------------------------------------------------- completion

def complete(matrix: Any, method: str = "harker") -> np.ndarray:
    """A copy of `matrix` with missing judgements filled in (complete input is returned as is).

    harker:     Harker (1987): a_ii = 1 + (missing entries in row i), missing entries 0, take
                the principal eigenvector w and fill a_ij = w_i / w_j. The completed matrix has
                the same principal eigenvector w.
    lambda_min: the completion minimising lambda_max (Shiraishi et al. 1998; Bozoki, Fulop &
                Ronyai 2010), by cyclic coordinate descent over the logs of the missing
                entries, started from Harker's fill. lambda_max is convex in those logs (Bozoki
                et al.), so each 1-D golden-section search is reliable.
    """
    a, has_missing = _parse(matrix)
    return _complete(a, method) if has_missing else a


def _complete(a: np.ndarray, method: str) -> np.ndarray:
    _check_choice("completion", method, COMPLETIONS)
    missing = np.isnan(a)
    b = np.where(missing, 0.0, a)
    b[np.diag_indices_from(b)] += missing.sum(axis=1)
    vals, vecs = np.linalg.eig(b)
    w = np.abs(vecs[:, vals.real.argmax()].real)
    filled = np.where(missing, np.outer(w, 1.0 / w), a)
    return filled if method == "harker" else _lambda_min(filled, np.argwhere(np.triu(missing, 1)))


def _lambda_min(a: np.ndarray, cells: np.ndarray, sweeps: int = 200) -> np.ndarray:
    a = a.copy()

    def lam_at(i: int, j: int, x: float) -> float:
        a[i, j], a[j, i] = math.exp(x), math.exp(-x)
        return float(np.linalg.eigvals(a).real.max())

    width = 2 * math.log(9.0)
    for _ in range(sweeps):
        moved = 0.0
        for i, j in cells:
            x0 = math.log(a[i, j])
            lo, hi = x0 - width, x0 + width
            x = _golden(lambda x, i=i, j=j: lam_at(i, j, x), lo, hi)
            for _retry in range(50):  # optimum at the bracket edge: move the bracket along
                if min(x - lo, hi - x) > 1e-6:
                    break
                lo, hi = x - width, x + width
                x = _golden(lambda x, i=i, j=j: lam_at(i, j, x), lo, hi)
            lam_at(i, j, x)
            moved = max(moved, abs(x - x0))
        if moved < 1e-9:
            break
    return a


def _golden(f: Callable[[float], float], lo: float, hi: float, tol: float = 1e-11) -> float:
    """Minimum of a convex f on [lo, hi] by golden-section search (plain, not hot code)."""
    g = (math.sqrt(5) - 1) / 2
    while hi - lo > tol:
        c, d = hi - g * (hi - lo), lo + g * (hi - lo)
        if f(c) < f(d):
            hi = d
        else:
            lo = c
    return (lo + hi) / 2


# ---------------------------------------------------------------- revision hints

def nearest_scale(x: float) -> float:
    """The Saaty scale value nearest to x in log space (ratios, so 1.41 -> 1, 1.42 -> 2)."""
    return SAATY_SCALE[int(np.abs(_LOG_SCALE - math.log(x)).argmin())]


def revision_hints(matrix: Any, limit: int | None = None, ri_table: str = "saaty1980",
                   completion: str = "harker") -> list[RevisionHint]:
    """For each given judgement (upper triangle), the Saaty value that lowers the CR most when put in its
    place; listed by the CR after the change, lowest first (ties: largest deviation from w_i / w_j first).

    Every one of the 17 scale values is tried: moving a judgement only towards w_i / w_j can miss the fix of
    an intransitive matrix (for [[1, 2, 1/6], [1/2, 1, 3], [6, 1/3, 1]] the fix is a_13 = 6, CR 0, while the
    nearest value to w_1 / w_3 leaves CR at 0.48). Changes that would not lower the CR and judgements that
    were missing (filled by completion) are not listed.
    """
    a, has_missing = _parse(matrix)
    if a.shape[0] <= 2:
        return []
    filled = _complete(a, completion) if has_missing else a
    base = _priorities(filled, "eigenvector", ri_table, None)
    w = np.asarray(base.weights)
    hints = []
    for i, j in np.argwhere(np.triu(~np.isnan(a), 1)):
        suggested = float(w[i] / w[j])
        best: tuple[float, float] | None = None  # (cr after, scale value)
        for scale in SAATY_SCALE:
            if math.isclose(scale, a[i, j], rel_tol=TOL):
                continue
            b = a.copy()
            b[i, j], b[j, i] = scale, 1.0 / scale
            b = _complete(b, completion) if has_missing else b
            cr_after = _priorities(b, "eigenvector", ri_table, None).cr
            # ties between values: the one nearer to w_i / w_j (the smaller change of mind)
            key = (round(cr_after, 12), abs(math.log(scale / suggested)))
            if best is None or key < (round(best[0], 12), abs(math.log(best[1] / suggested))):
                best = (cr_after, scale)
        if best is not None and best[0] < base.cr:
            hints.append(RevisionHint(int(i), int(j), float(a[i, j]), suggested, best[1],
                                      abs(math.log(a[i, j] / suggested)), best[0]))
    hints.sort(key=lambda h: (h.cr_after, -h.deviation))
    return hints[:limit]


# ---------------------------------------------------------------- groups

def _expert_weights(weights: Sequence[float] | None, k: int) -> np.ndarray:
    if weights is None:
        return np.full(k, 1.0 / k)
    w = np.asarray(weights, dtype=float)
    if w.shape != (k,) or (w < 0).any() or not w.sum() > 0:
        raise ValueError(f"expected {k} non-negative expert weights with a positive sum, got {weights!r}")
    return w / w.sum()


def aggregate_judgements(matrices: Sequence[Any], weights: Sequence[float] | None = None) -> np.ndarray:
    """AIJ: element-wise weighted geometric mean of the experts' matrices. A judgement only
    some experts gave is averaged over those experts (weights renormalised); one nobody gave
    stays NaN. The result is exactly reciprocal (the lower triangle is 1 / the upper)."""
    if not matrices:
        raise ValueError("no matrices to aggregate")
    parsed = [_parse(m, require_connected=False)[0] for m in matrices]
    n = parsed[0].shape[0]
    for e, m in enumerate(parsed):
        if m.shape[0] != n:
            raise ValueError(f"expert {e + 1} (1-based) gave a {m.shape[0]}x{m.shape[0]} matrix, expected {n}x{n}")
    logs = np.log(np.stack(parsed))
    known = ~np.isnan(logs)
    w = _expert_weights(weights, len(parsed))[:, None, None] * known  # each cell: its givers only
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.exp((np.where(known, logs, 0.0) * w).sum(axis=0) / w.sum(axis=0))
    lower = np.tril_indices(n, -1)
    out[lower] = 1.0 / out.T[lower]  # exact reciprocity, not just up to rounding of the logs
    return out


def aggregate_priorities(vectors: Sequence[Sequence[float]], weights: Sequence[float] | None = None,
                         mean: str = "geometric") -> np.ndarray:
    """AIP: weighted geometric (renormalised to sum 1) or arithmetic mean of priority vectors."""
    v = np.asarray(vectors, dtype=float)
    if v.ndim != 2 or (v <= 0).any():
        raise ValueError("expected a list of equally long, positive priority vectors")
    _check_choice("mean", mean, ("geometric", "arithmetic"))
    w = _expert_weights(weights, v.shape[0])
    out = np.exp(w @ np.log(v)) if mean == "geometric" else w @ v
    return out / out.sum()


# ---------------------------------------------------------------- hierarchy

def _as_node(x: Node | str | Mapping) -> Node:
    if isinstance(x, Node):
        return x
    if isinstance(x, str):
        return Node(x)
    if isinstance(x, Mapping):
        return Node(x.get("name", ""), x.get("matrix"), x.get("weights"), list(x.get("children", [])))
    raise ValueError(f"cannot read a hierarchy node from {x!r}")


def _local(node: Node, path: str, method: str, ri_table: str, completion: str) -> Priorities:
    n = len(node.children)
    where = f"node {path or node.name or '(root)'!r}"
    if node.matrix is not None and node.weights is not None:
        raise ValueError(f"{where}: give a matrix or weights, not both")
    if node.matrix is not None:
        try:
            p = priorities(node.matrix, method, ri_table, completion)
        except ValueError as e:
            raise ValueError(f"{where}: {e}") from None
        if p.n != n:
            raise ValueError(f"{where}: matrix is {p.n}x{p.n} but the node has {n} children")
        return p
    if node.weights is None and n > 1:
        raise ValueError(f"{where}: {n} children need a matrix or weights")
    w = np.ones(1) if node.weights is None else np.asarray(node.weights, dtype=float)
    if w.shape != (n,) or (w < 0).any() or not w.sum() > 0:
        raise ValueError(f"{where}: expected {n} non-negative weights with a positive sum")
    return Priorities(tuple((w / w.sum()).tolist()), float(n), 0.0, 0.0, 0.0, ri_table, True, "given", None, n)


def synthesize(tree: Node | Mapping, method: str = "eigenvector", ri_table: str = "saaty1980",
               completion: str = "harker") -> Synthesis:
    """Global leaf weights of a hierarchy of any depth: products of local weights down each path.

    `tree` is a Node or the same shape as nested dicts, e.g.
    {"matrix": top, "children": [{"name": "Cost", "matrix": m, "children": ["Price", "Fuel"]},
    {"name": "Style", "weights": [0.3, 0.7], "children": [...]}, "Safety"]} (a str is a leaf).
    Nodes with given weights carry no judgements and are left out of CR_H.
    """
    weights: dict[str, float] = {}
    local: dict[str, Priorities] = {}
    sums = [0.0, 0.0]  # sum of w_k CI_k, sum of w_k RI_k

    def visit(node: Node, path: str, gw: float) -> None:
        children = [_as_node(c) for c in node.children]
        if not children:
            if node.matrix is not None or node.weights is not None:
                raise ValueError(f"node {path!r} has a matrix or weights but no children to weigh")
            weights[path] = gw
            return
        names = [c.name for c in children]
        if len(set(names)) != len(names):
            raise ValueError(f"node {path or '(root)'!r}: children names repeat: {names}")
        p = local[path] = _local(node, path, method, ri_table, completion)
        if p.method != "given":
            sums[0] += gw * p.ci
            sums[1] += gw * p.ri
        for child, w in zip(children, p.weights):
            visit(child, f"{path}/{child.name}" if path else child.name, gw * w)

    root = _as_node(tree)
    if not root.children:
        raise ValueError("the hierarchy has no children to weigh")
    visit(root, "", 1.0)
    ci_sum, ri_sum = sums
    cr = ci_sum / ri_sum if ri_sum > 0 else 0.0
    return Synthesis(weights, local, cr, cr < 0.10)


# ---------------------------------------------------------------- sensitivity

def rank_stability(scores: Any, weights: Sequence[float]) -> list[StabilityInterval]:
    """For each criterion k, the interval of w_k (the other weights rescaled proportionally so
    that all still sum to 1) in which the ranking of units by sum_k w_k * score_k is unchanged.

    Each unit's total is linear in w_k, so every pairwise order flips at one solvable point;
    lo/hi are the nearest flips below/above the current w_k, clipped to [0, 1]. Pairs whose
    totals are equal for every w_k never flip; a pair tied only at the current w_k gives
    lo = hi = w_k (any change breaks the tie).
    """
    x = np.asarray(list(scores.values()) if isinstance(scores, Mapping) else scores, dtype=float)
    w = np.asarray(weights, dtype=float)
    if x.ndim != 2 or w.ndim != 1 or x.shape[1] != w.shape[0]:
        raise ValueError(f"scores must be units x {w.shape[0]} criteria, got shape {x.shape}")
    if (w < 0).any() or not w.sum() > 0:
        raise ValueError(f"weights must be non-negative with a positive sum, got {weights!r}")
    w = w / w.sum()
    total = x @ w
    out = []
    for k, wk in enumerate(w.tolist()):
        if wk < 1.0:
            rest = (total - wk * x[:, k]) / (1.0 - wk)  # total of the other criteria at w_k = 0
        else:  # nothing to rescale: spread evenly over the others
            rest = np.delete(x, k, axis=1).mean(axis=1)
        # d_uv(t) = r + t (s - r) with s = score gap on k, r = gap of `rest`; zero at t = r / (r - s)
        r = rest[:, None] - rest[None, :]
        s = x[:, k][:, None] - x[None, :, k]
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(np.abs(r - s) > 1e-12, r / (r - s), np.nan)
        t = t[np.triu(np.ones_like(t, dtype=bool), 1)]
        t = t[np.isfinite(t)]
        below, above = t[t <= wk], t[t >= wk]
        lo = max(0.0, float(below.max())) if below.size else 0.0
        hi = min(1.0, float(above.min())) if above.size else 1.0
        out.append(StabilityInterval(k, wk, lo, hi))
    return out
