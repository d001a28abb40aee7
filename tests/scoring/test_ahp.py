"""Tests for scoring.ahp against published worked examples and exact constructions.

Published figures are rounded to 3 (or 4) decimals, so they are compared within 1e-3.
Where a source used another RI table than Saaty 1980, the test passes that table by name.
Figures that no source gives are cross-checked with an independent computation in this
file (power iteration in plain Python, brute-force search) and are labelled as such.

Main source: the AHPy library's README (github.com/PhilipGriffith/AHPy), which reproduces
Saaty (2008) "Decision making with the analytic hierarchy process", Int. J. Services
Sciences 1(1) - the drinks matrix - and Wikipedia's "AHP - leader example" and
"AHP - car example" appendices. AHPy uses the principal eigenvector (as we do) and states
which RI table each figure used ('saaty' = Saaty 2005, 'dd' = Donegan & Dodd 1991).
"""
import itertools
import math

import numpy as np
import pytest

from scoring import ahp


def from_upper(values):
    """Matrix from its upper triangle listed row by row (AHPy's pair order)."""
    n = int(round((1 + math.sqrt(1 + 8 * len(values))) / 2))
    a = np.ones((n, n))
    for (i, j), v in zip(itertools.combinations(range(n), 2), values):
        a[i, j], a[j, i] = v, 1 / v
    return a


def power_weights(a, iterations=2000):
    """Principal eigenvector by plain power iteration: independent of numpy.linalg.eig."""
    w = [1.0] * len(a)
    for _ in range(iterations):
        w = [sum(a[i][j] * w[j] for j in range(len(a))) for i in range(len(a))]
        total = sum(w)
        w = [x / total for x in w]
    lam = sum(sum(a[i][j] * w[j] for j in range(len(a))) for i in range(len(a)))  # sum(Aw), sum(w) = 1
    return w, lam


def close(actual, expected, tol=1e-3):
    return np.allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=0, atol=tol)


# Saaty (2008), Int. J. Services Sciences 1(1), drinks consumption in the US; order:
# coffee, wine, tea, beer, soda, milk, water. Matrix and result as reproduced by AHPy's README.
DRINKS = [[1, 9, 5, 2, 1, 1, 1 / 2], [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
          [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9], [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
          [1, 9, 4, 2, 1, 2, 1 / 2], [1, 9, 3, 1, 1 / 2, 1, 1 / 3], [2, 9, 9, 3, 2, 3, 1]]
DRINKS_WEIGHTS = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]

# Wikipedia "AHP - leader example" as given in AHPy's README (candidates Moll, Nell, Sue;
# criteria Experience, Education, Charisma, Age). Wikipedia's own page shows slightly
# different rounded figures (it used an approximate online calculator, as AHPy notes).
LEADER_CRITERIA = from_upper([4, 3, 7, 1 / 3, 3, 5])
LEADER = {"Experience": from_upper([1 / 4, 4, 9]), "Education": from_upper([3, 1 / 5, 1 / 7]),
          "Charisma": from_upper([5, 9, 4]), "Age": from_upper([1 / 3, 5, 9])}

# AHPy README, "Missing Pairwise Comparisons": a 4x4 matrix (items a, b, c, d).
AHPY_4 = [[1, 1, 5, 2], [1, 1, 3, 4], [1 / 5, 1 / 3, 1, 3 / 4], [1 / 2, 1 / 4, 4 / 3, 1]]


# ------------------------------------------------------------------ exact constructions

@pytest.mark.parametrize("n", range(2, 11))
@pytest.mark.parametrize("method", ahp.METHODS)
def test_consistent_matrix_gives_exact_weights_and_zero_cr(n, method):
    """a_ij = w_i / w_j is perfectly consistent: every method returns w, lambda_max = n, CR = 0."""
    w = np.random.default_rng(n).uniform(1, 9, n)  # ratios stay inside 1/9 ... 9
    p = ahp.priorities(np.outer(w, 1 / w), method=method)
    assert np.allclose(p.weights, w / w.sum(), atol=1e-12)
    assert p.lambda_max == pytest.approx(n, abs=1e-9)
    assert p.cr == pytest.approx(0, abs=1e-9) and p.consistent
    assert p.n == n and p.method == method and p.completed_by is None
    assert sum(p.weights) == pytest.approx(1)


def test_priorities_is_frozen():
    p = ahp.priorities(DRINKS)
    with pytest.raises(AttributeError):
        p.cr = 0


def test_one_by_one():
    p = ahp.priorities([[1]])
    assert p.weights == (1.0,) and p.cr == 0 and p.ci == 0 and p.lambda_max == 1 and p.consistent


def test_two_by_two_is_exact_and_always_consistent():
    p = ahp.priorities([[1, 9], [1 / 9, 1]])
    assert p.weights == pytest.approx((0.9, 0.1), abs=1e-15)
    assert p.cr == 0 and p.ri == 0 and p.lambda_max == 2


# ------------------------------------------------------------------ published examples

def test_saaty_2008_drinks():
    """Saaty (2008) drinks matrix; weights 0.177 0.019 0.042 0.116 0.190 0.129 0.327 and
    CR 0.022 per AHPy's README, computed with Saaty's 2005 RI (n=7: 1.35)."""
    p = ahp.priorities(DRINKS, ri_table="saaty2005")
    assert close(p.weights, DRINKS_WEIGHTS)
    assert p.cr == pytest.approx(0.022, abs=1e-3) and p.ri == 1.35 and p.consistent
    # With the default Saaty 1980 table only RI changes (n=7: 1.32): same lambda_max and CI.
    q = ahp.priorities(DRINKS)
    assert q.weights == p.weights and q.ci == p.ci and q.cr == pytest.approx(p.ci / 1.32)
    assert ahp.priorities(DRINKS, ri_table="alonso_lamata").cr == pytest.approx(p.ci / 1.3417)


def test_drinks_cross_checked_by_power_iteration():
    """Independent check of the eigen-solution (no published lambda_max to compare with)."""
    w, lam = power_weights(DRINKS)
    p = ahp.priorities(DRINKS)
    assert np.allclose(p.weights, w, atol=1e-12) and p.lambda_max == pytest.approx(lam, abs=1e-9)


def test_wikipedia_leader_criteria_and_experience():
    """Wikipedia leader example via AHPy README (Saaty 2005 RI): criteria 0.548 0.127 0.270
    0.056, CR 0.044; experience (Moll, Nell, Sue) 0.217 0.717 0.066, CR 0.035; education CR 0.062."""
    p = ahp.priorities(LEADER_CRITERIA, ri_table="saaty2005")
    assert close(p.weights, [0.548, 0.127, 0.270, 0.056]) and p.cr == pytest.approx(0.044, abs=1e-3)
    e = ahp.priorities(LEADER["Experience"], ri_table="saaty2005")
    assert close(e.weights, [0.217, 0.717, 0.066]) and e.cr == pytest.approx(0.035, abs=1e-3)
    assert ahp.priorities(LEADER["Education"], ri_table="saaty2005").cr == pytest.approx(0.062, abs=1e-3)


def test_wikipedia_leader_two_level_synthesis():
    """Same source: overall Nell 0.493, Moll 0.358, Sue 0.15; education's global weights
    Sue 0.093, Moll 0.024, Nell 0.01. (AHPy rounds local weights to 3 decimals before
    multiplying; we do not, hence 1e-3.)"""
    tree = ahp.Node("Leader", LEADER_CRITERIA,
                    children=[ahp.Node(k, m, children=["Moll", "Nell", "Sue"]) for k, m in LEADER.items()])
    s = ahp.synthesize(tree, ri_table="saaty2005")
    totals = s.by_leaf_name()
    assert close([totals["Nell"], totals["Moll"], totals["Sue"]], [0.493, 0.358, 0.15])
    assert close([s.global_weights[f"Education/{c}"] for c in ("Sue", "Moll", "Nell")], [0.093, 0.024, 0.01])
    assert sum(s.global_weights.values()) == pytest.approx(1)


def car_tree():
    """Wikipedia "AHP - car example" as input to AHPy's README: goal -> Cost, Safety, Style,
    Capacity; Cost -> Price, Fuel, Maintenance, Resale; Capacity -> Cargo, Passenger; every
    (sub)criterion -> the six vehicles. Leaves sit at depth 2 and 3."""
    vehicles = ["Accord Sedan", "Accord Hybrid", "Pilot", "CR-V", "Element", "Odyssey"]
    judged = {
        "Price": (9, 9, 1, 1 / 2, 5, 1, 1 / 9, 1 / 9, 1 / 7, 1 / 9, 1 / 9, 1 / 7, 1 / 2, 5, 6),
        "Safety": (1, 5, 7, 9, 1 / 3, 5, 7, 9, 1 / 3, 2, 9, 1 / 8, 2, 1 / 8, 1 / 9),
        "Passenger": (1, 1 / 2, 1, 3, 1 / 2, 1 / 2, 1, 3, 1 / 2, 2, 6, 1, 3, 1 / 2, 1 / 6),
        "Fuel": (1 / 1.13, 1.41, 1.15, 1.24, 1.19, 1.59, 1.3, 1.4, 1.35, 1 / 1.23, 1 / 1.14, 1 / 1.18,
                 1.08, 1.04, 1 / 1.04),
        "Resale": (3, 4, 1 / 2, 2, 2, 2, 1 / 5, 1, 1, 1 / 6, 1 / 2, 1 / 2, 4, 4, 1),
        "Maintenance": (1.5, 4, 4, 4, 5, 4, 4, 4, 5, 1, 1.2, 1, 1, 3, 2),
        "Style": (1, 7, 5, 9, 6, 7, 5, 9, 6, 1 / 6, 3, 1 / 3, 7, 5, 1 / 5),
        "Cargo": (1, 1 / 2, 1 / 2, 1 / 2, 1 / 3, 1 / 2, 1 / 2, 1 / 2, 1 / 3, 1, 1, 1 / 2, 1, 1 / 2, 1 / 2),
    }
    leaf = {k: {"name": k, "matrix": from_upper(v), "children": vehicles} for k, v in judged.items()}
    return {"name": "Criteria", "matrix": from_upper([3, 7, 3, 9, 1, 1 / 7]), "children": [
        {"name": "Cost", "matrix": from_upper([2, 5, 3, 2, 2, 1 / 2]),
         "children": [leaf["Price"], leaf["Fuel"], leaf["Maintenance"], leaf["Resale"]]},
        leaf["Safety"], leaf["Style"],
        {"name": "Capacity", "matrix": [[1, 1 / 5], [5, 1]], "children": [leaf["Cargo"], leaf["Passenger"]]},
    ]}


def test_wikipedia_car_three_level_hierarchy():
    """Car example via AHPy README (Donegan & Dodd RI): criteria Cost 0.51, Safety 0.234,
    Style 0.041, Capacity 0.215, CR 0.08; Cost's Price 0.488 Fuel 0.252 Maintenance 0.1
    Resale 0.161, CR 0.016; Price CR 0.072; Cargo 0.089 0.089 0.17 0.17 0.17 0.311, CR 0.002;
    overall Odyssey 0.219, Accord Sedan 0.215, CR-V 0.167, Accord Hybrid 0.15, Element 0.144,
    Pilot 0.106. (The README's printout of Passenger's local weights is not used: it does not
    match its own input, which is nearly consistent and favours Pilot and Odyssey.)"""
    s = ahp.synthesize(car_tree(), ri_table="donegan_dodd")
    top = s.local[""]
    assert close(top.weights, [0.51, 0.234, 0.041, 0.215]) and top.cr == pytest.approx(0.08, abs=1e-3)
    assert close(s.local["Cost"].weights, [0.488, 0.252, 0.1, 0.161])
    assert s.local["Cost"].cr == pytest.approx(0.016, abs=1e-3)
    assert s.local["Cost/Price"].cr == pytest.approx(0.072, abs=1e-3)
    cargo = s.local["Capacity/Cargo"]
    assert close(cargo.weights, [0.089, 0.089, 0.17, 0.17, 0.17, 0.311]) and cargo.cr == pytest.approx(0.002, abs=1e-3)
    totals = s.by_leaf_name()
    expected = {"Odyssey": 0.219, "Accord Sedan": 0.215, "CR-V": 0.167, "Accord Hybrid": 0.15,
                "Element": 0.144, "Pilot": 0.106}
    assert close([totals[k] for k in expected], list(expected.values()))
    assert len(s.global_weights) == 8 * 6 and sum(s.global_weights.values()) == pytest.approx(1)
    assert "Cost/Price/Odyssey" in s.global_weights and "Safety/Odyssey" in s.global_weights


def test_hierarchy_consistency_ratio_matches_its_definition():
    """CR_H = sum(w_k CI_k) / sum(w_k RI_k), recomputed here by hand (no published value)."""
    tree = car_tree()
    s = ahp.synthesize(tree, ri_table="donegan_dodd")
    crit = ahp.priorities(tree["matrix"], ri_table="donegan_dodd")
    terms = [(1.0, crit)]
    for child, w in zip(tree["children"], crit.weights):
        p = ahp.priorities(child["matrix"], ri_table="donegan_dodd")
        terms.append((w, p))
        for grandchild, v in zip(child["children"], p.weights):
            if isinstance(grandchild, dict):
                terms.append((w * v, ahp.priorities(grandchild["matrix"], ri_table="donegan_dodd")))
    expected = sum(w * p.ci for w, p in terms) / sum(w * p.ri for w, p in terms)
    assert len(terms) == 11 and s.cr == pytest.approx(expected, rel=1e-12) and s.consistent


# ------------------------------------------------------------------ methods and inconsistency

def test_inconsistent_matrix_is_flagged_not_flattened():
    """An intransitive 3x3 (1>2 by 9, 2>3 by 5, yet 3>1 by 3): CR far above 0.1. The weights
    are the principal eigenvector (checked by power iteration), never equal weights."""
    a = from_upper([9, 1 / 3, 5])
    p = ahp.priorities(a)
    w, lam = power_weights(a)
    assert not p.consistent and p.cr > 1
    assert np.allclose(p.weights, w, atol=1e-12) and p.lambda_max == pytest.approx(lam, abs=1e-9)
    assert max(p.weights) - min(p.weights) > 0.1


def test_geometric_mean_equals_eigenvector_for_n3():
    """For n = 3 the row geometric mean is the principal eigenvector (Crawford & Williams 1985)."""
    for a in (from_upper([9, 1 / 3, 5]), LEADER["Charisma"]):
        assert np.allclose(ahp.priorities(a, "geometric_mean").weights, ahp.priorities(a).weights, atol=1e-12)


@pytest.mark.parametrize("method", ["geometric_mean", "arithmetic_mean"])
def test_mean_methods_against_plain_python(method):
    """方根法 / 和积法 written out longhand; lambda_max, CI and CR stay the eigenvalue's."""
    a, n = DRINKS, len(DRINKS)
    if method == "geometric_mean":
        raw = [math.prod(row) ** (1 / n) for row in a]
    else:
        cols = [sum(a[i][j] for i in range(n)) for j in range(n)]
        raw = [sum(a[i][j] / cols[j] for j in range(n)) / n for i in range(n)]
    p, eig = ahp.priorities(a, method), ahp.priorities(a)
    assert np.allclose(p.weights, [x / sum(raw) for x in raw], atol=1e-12)
    assert (p.lambda_max, p.ci, p.cr) == (eig.lambda_max, eig.ci, eig.cr)
    assert close(p.weights, DRINKS_WEIGHTS, tol=0.01)  # near, not equal, to Saaty's figures


def test_ri_tables_have_published_values():
    assert ahp.RI_TABLES["saaty1980"][3] == 0.58 and ahp.RI_TABLES["saaty1980"][15] == 1.59
    assert ahp.RI_TABLES["saaty1980"][12] == 1.48  # Saaty's table really dips at n = 12
    assert ahp.RI_TABLES["alonso_lamata"][3] == 0.5245 and ahp.RI_TABLES["alonso_lamata"][15] == 1.5838
    assert all(t[1] == t[2] == 0 and sorted(t) == list(range(1, 16)) for t in ahp.RI_TABLES.values())


# ------------------------------------------------------------------ incomplete matrices

def test_harker_recovers_consistent_weights():
    """Harker (1987): missing judgements of a consistent matrix are filled consistently."""
    w = np.array([5.0, 3.0, 2.0, 1.0, 1.5])
    a = np.outer(w, 1 / w).tolist()
    for i, j in [(0, 3), (1, 4), (2, 4), (0, 2)]:
        a[i][j] = a[j][i] = None
    p = ahp.priorities(a)
    assert p.completed_by == "harker" and np.allclose(p.weights, w / w.sum(), atol=1e-12)
    assert np.allclose(ahp.complete(a), np.outer(w, 1 / w), rtol=1e-12)


def test_harker_against_hand_built_matrix_on_ahpy_example():
    """Harker's construction built by hand (a_ii = 1 + missing in row i, missing -> 0) and
    solved by power iteration; the filled matrix keeps that eigenvector (Harker 1987)."""
    a = [row[:] for row in AHPY_4]
    a[2][3] = a[3][2] = None
    b = [[0.0 if v is None else v for v in row] for row in a]
    b[2][2] = b[3][3] = 2.0
    w, _ = power_weights(b)
    filled = ahp.complete(a)
    assert filled[2, 3] == pytest.approx(w[2] / w[3], rel=1e-12) and filled[2, 3] * filled[3, 2] == pytest.approx(1)
    assert np.allclose(ahp.priorities(a).weights, w, atol=1e-12)


def test_lambda_min_completion_matches_ahpy():
    """AHPy README: with (c, d) missing, the lambda_max-optimal completion (Bozoki, Fulop &
    Ronyai 2010) is 0.7302971 and the weights a 0.3738, b 0.392, c 0.0985, d 0.1357, CR 0.0372
    (Donegan & Dodd RI). The complete matrix: 0.3742 0.3917 0.0991 0.1349, CR 0.0372."""
    full = ahp.priorities(AHPY_4, ri_table="donegan_dodd")
    assert close(full.weights, [0.3742, 0.3917, 0.0991, 0.1349], 1e-4) and full.cr == pytest.approx(0.0372, abs=1e-4)
    a = [row[:] for row in AHPY_4]
    a[2][3] = a[3][2] = None
    p = ahp.priorities(a, ri_table="donegan_dodd", completion="lambda_min")
    assert ahp.complete(a, "lambda_min")[2, 3] == pytest.approx(0.7302971, abs=1e-5)
    assert p.completed_by == "lambda_min" and close(p.weights, [0.3738, 0.392, 0.0985, 0.1357], 1e-4)
    assert p.cr == pytest.approx(0.0372, abs=1e-4)


def test_lambda_min_beats_harker_and_brute_force():
    """Independent check on a 5x5 with two gaps: no point of a fine grid over the two missing
    values gives a smaller lambda_max than the returned completion, and Harker's is no better."""
    a = from_upper([3, 5, 1 / 2, 7, 2, 1 / 3, 4, 1, 3, 1 / 5]).tolist()
    for i, j in [(0, 2), (1, 4)]:
        a[i][j] = a[j][i] = None
    lam = lambda m: max(np.linalg.eigvals(m).real)
    best = ahp.complete(a, "lambda_min")
    assert lam(best) <= lam(ahp.complete(a)) + 1e-12
    grid = np.exp(np.linspace(math.log(1 / 30), math.log(30), 121))
    trial = best.copy()
    for x, y in itertools.product(grid, grid):
        trial[0, 2], trial[2, 0], trial[1, 4], trial[4, 1] = x, 1 / x, y, 1 / y
        assert lam(trial) >= lam(best) - 1e-9


def test_one_sided_judgement_implies_its_reciprocal():
    """Decision: if only a_ij or only a_ji is given, the other is 1/it - nothing is missing."""
    a = [[1, 3, None], [None, 1, 2], [1 / 6, None, 1]]
    p = ahp.priorities(a)
    assert p.completed_by is None and np.allclose(p.weights, np.array([6, 2, 1]) / 9)


# ------------------------------------------------------------------ revision hints

def test_revision_hints_lower_cr():
    a = from_upper([9, 1 / 3, 5])
    before = ahp.priorities(a).cr
    hints = ahp.revision_hints(a)
    assert hints and all(h.i < h.j for h in hints)
    assert [h.cr_after for h in hints] == sorted(h.cr_after for h in hints)
    top = hints[0]
    assert top.suggested_scale in ahp.SAATY_SCALE  # the best of all scale values, not only the nearest to w_i/w_j
    w = ahp.priorities(a).weights
    assert top.suggested == pytest.approx(w[top.i] / w[top.j])
    assert top.deviation == pytest.approx(abs(math.log(top.current * w[top.j] / w[top.i])))
    revised = a.copy()
    revised[top.i, top.j], revised[top.j, top.i] = top.suggested_scale, 1 / top.suggested_scale
    assert ahp.priorities(revised).cr == pytest.approx(top.cr_after)
    assert top.cr_after < before


def test_revision_hints_limit_and_consistent_input():
    assert len(ahp.revision_hints(DRINKS, limit=2)) <= 2
    w = np.array([4.0, 2.0, 1.0, 1.0])
    assert ahp.revision_hints(np.outer(w, 1 / w)) == []  # nothing to improve
    assert ahp.revision_hints([[1, 3], [1 / 3, 1]]) == []


def test_revision_hints_skip_missing_judgements():
    a = from_upper([9, 1 / 3, 5, 2, 1 / 2, 4]).tolist()
    a[0][3] = a[3][0] = None
    hints = ahp.revision_hints(a)
    assert hints and all((h.i, h.j) != (0, 3) for h in hints)
    assert hints[0].cr_after < ahp.priorities(a).cr


def test_nearest_scale_rounds_in_log_space():
    assert ahp.nearest_scale(1.41) == 1 and ahp.nearest_scale(1.42) == 2
    assert ahp.nearest_scale(0.3) == pytest.approx(1 / 3) and ahp.nearest_scale(40) == 9


# ------------------------------------------------------------------ groups

def test_aij_keeps_reciprocity_and_is_the_weighted_geometric_mean():
    experts = [from_upper([2, 5, 3]), from_upper([4, 3, 1 / 2]), from_upper([1, 9, 7])]
    g = ahp.aggregate_judgements(experts, weights=[2, 1, 1])
    assert np.array_equal(g.diagonal(), np.ones(3))
    assert np.allclose(g * g.T, 1, rtol=1e-15, atol=0)
    assert g[0, 1] == pytest.approx((2 ** 2 * 4 * 1) ** (1 / 4))
    assert ahp.aggregate_judgements([DRINKS] * 4) == pytest.approx(np.array(DRINKS))


def test_aij_then_geometric_mean_equals_aip_geometric():
    """Forman & Peniwati (1998), EJOR 108: with row geometric means, aggregating judgements
    (AIJ) and aggregating priorities (AIP, geometric) give the same group priorities."""
    rng = np.random.default_rng(7)
    experts = [from_upper(rng.choice(ahp.SAATY_SCALE, 10)) for _ in range(5)]
    weights = [0.1, 0.3, 0.2, 0.25, 0.15]
    via_aij = ahp.priorities(ahp.aggregate_judgements(experts, weights), "geometric_mean").weights
    vectors = [ahp.priorities(m, "geometric_mean").weights for m in experts]
    assert np.allclose(via_aij, ahp.aggregate_priorities(vectors, weights), atol=1e-12)


def test_aij_missing_entries_average_over_givers():
    e1 = [[1, 4, None], [1 / 4, 1, 2], [None, 1 / 2, 1]]
    e2 = [[1, 1, 3], [1, 1, 8], [1 / 3, 1 / 8, 1]]
    g = ahp.aggregate_judgements([e1, e2])
    assert g[0, 2] == pytest.approx(3) and g[2, 0] == pytest.approx(1 / 3)
    assert g[0, 1] == pytest.approx(2) and g[1, 2] == pytest.approx(4)
    nobody = ahp.aggregate_judgements([e1, e1])
    assert np.isnan(nobody[0, 2]) and ahp.priorities(nobody).completed_by == "harker"


def test_aip_means():
    v = [[0.5, 0.3, 0.2], [0.2, 0.2, 0.6]]
    assert ahp.aggregate_priorities(v, mean="arithmetic") == pytest.approx([0.35, 0.25, 0.4])
    g = np.sqrt(np.prod(v, axis=0))
    assert ahp.aggregate_priorities(v) == pytest.approx(g / g.sum())
    assert ahp.aggregate_priorities(v, weights=[3, 0], mean="geometric") == pytest.approx(v[0])


# ------------------------------------------------------------------ hierarchy shapes

def test_given_weights_single_child_and_dict_input():
    tree = {"matrix": [[1, 3], [1 / 3, 1]], "children": [
        {"name": "frozen", "weights": [2, 1, 1], "children": ["x", "y", "z"]},
        {"name": "solo", "children": [{"name": "only", "matrix": from_upper([2, 4, 2]), "children": ["p", "q", "r"]}]},
    ]}
    s = ahp.synthesize(tree)
    assert s.global_weights["frozen/x"] == pytest.approx(0.75 * 0.5)
    assert s.global_weights["solo/only/p"] == pytest.approx(0.25 * 4 / 7)
    assert s.local["frozen"].method == "given" and s.local["solo"].weights == (1.0,)
    assert sum(s.global_weights.values()) == pytest.approx(1) and s.cr == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize("dim, message", [
    ({"matrix": from_upper([2, 2, 1]), "children": ["a", "b"]}, "'dim': matrix is 3x3 but the node has 2 children"),
    ({"matrix": [[1, 0], [1, 1]], "children": ["a", "b"]}, r"'dim': judgement at row 1, column 2 \(1-based\) = 0"),
    ({"children": ["a", "b"]}, "'dim': 2 children need a matrix or weights"),
    ({"matrix": [[1, 2], [1 / 2, 1]], "weights": [1, 1], "children": ["a", "b"]}, "'dim': give a matrix or weights"),
    ({"weights": [1, 1, 1], "children": ["a", "b"]}, "'dim': expected 2 non-negative weights"),
    ({"children": ["a", "a"], "weights": [1, 1]}, "'dim': children names repeat"),
    ({"matrix": [[1, 2], [1 / 2, 1]]}, "'dim' has a matrix or weights but no children"),
])
def test_hierarchy_errors_name_the_node(dim, message):
    with pytest.raises(ValueError, match=message):
        ahp.synthesize({"name": "goal", "children": [{"name": "dim", **dim}]})


# ------------------------------------------------------------------ rank stability

def test_rank_stability_bounds_are_where_the_ranking_flips():
    scores = {"u1": [0.9, 0.2, 0.5], "u2": [0.4, 0.8, 0.6], "u3": [0.6, 0.5, 0.3], "u4": [0.3, 0.4, 0.9]}
    x, w = np.array(list(scores.values())), np.array([0.5, 0.3, 0.2])

    def ranking(k, t):
        v = w * (1 - t) / (1 - w[k])
        v[k] = t
        return tuple(np.argsort(-(x @ v)))

    now = tuple(np.argsort(-(x @ w)))
    intervals = ahp.rank_stability(scores, w)
    assert [r.criterion for r in intervals] == [0, 1, 2]
    for r in intervals:
        assert r.lo <= r.current <= r.hi and r.current == pytest.approx(w[r.criterion])
        for t in np.linspace(r.lo, r.hi, 50)[1:-1]:
            assert ranking(r.criterion, t) == now
        if r.lo > 0:
            assert ranking(r.criterion, r.lo - 1e-6) != now
        if r.hi < 1:
            assert ranking(r.criterion, r.hi + 1e-6) != now
    assert any(r.lo > 0 or r.hi < 1 for r in intervals)


def test_rank_stability_dominant_unit_never_flips():
    r = ahp.rank_stability([[1, 1], [0, 0]], [0.4, 0.6])
    assert [(x.lo, x.hi) for x in r] == [(0.0, 1.0), (0.0, 1.0)]


# ------------------------------------------------------------------ validation: one test each

def test_error_not_square_ragged_row():
    with pytest.raises(ValueError, match=r"not square: row 2 \(1-based\) has 3 entries, expected 2"):
        ahp.priorities([[1, 2], [0.5, 1, 3]])


def test_error_not_square_rectangular_array():
    with pytest.raises(ValueError, match=r"not square: row 1 \(1-based\) has 3 entries, expected 2"):
        ahp.priorities(np.ones((2, 3)))


def test_error_non_positive():
    with pytest.raises(ValueError, match=r"row 1, column 3 \(1-based\) = -2 is not positive"):
        ahp.priorities([[1, 2, -2], [1 / 2, 1, 1], [-1 / 2, 1, 1]])


def test_error_zero_is_non_positive():
    with pytest.raises(ValueError, match=r"row 2, column 1 \(1-based\) = 0 is not positive"):
        ahp.priorities([[1, 2], [0, 1]])


def test_error_not_finite():
    with pytest.raises(ValueError, match=r"row 1, column 2 \(1-based\) = inf is not a finite number"):
        ahp.priorities([[1, float("inf")], [0, 1]])


def test_error_diagonal_not_one():
    with pytest.raises(ValueError, match=r"row 2, column 2 \(1-based\) = 2 is on the diagonal but is not 1"):
        ahp.priorities([[1, 2, 3], [1 / 2, 2, 1], [1 / 3, 1, 1]])


def test_error_not_reciprocal():
    with pytest.raises(ValueError, match=r"row 2, column 3 \(1-based\) = 3 is not the reciprocal.*row 3, column 2"):
        ahp.priorities([[1, 2, 3], [1 / 2, 1, 3], [1 / 3, 1 / 2, 1]])


def test_reciprocal_tolerance_is_relative_1e6():
    ahp.priorities([[1, 3], [1 / 3 * (1 + 5e-7), 1]])  # within tolerance
    with pytest.raises(ValueError, match="row 1, column 2"):
        ahp.priorities([[1, 3], [0.333, 1]])  # rounded reciprocals are rejected


def test_error_outside_scale():
    with pytest.raises(ValueError, match=r"row 1, column 2 \(1-based\) = 10 is outside Saaty's scale"):
        ahp.priorities([[1, 10], [1 / 10, 1]])


def test_error_too_few_judgements():
    with pytest.raises(ValueError, match="too few judgements: 2 of the upper triangle given, at least 3"):
        ahp.priorities([[1, 2, None, None], [None, 1, 3, None], [None, None, 1, None], [None] * 3 + [1]])


def test_error_disconnected_judgements():
    """Enough judgements (n - 1 = 4 for n = 5) but items {1, 2} and {3, 4, 5} are never compared."""
    a = np.full((5, 5), np.nan)
    for (i, j), v in {(0, 1): 2, (2, 3): 3, (3, 4): 2, (2, 4): 6}.items():
        a[i, j] = v
    with pytest.raises(ValueError, match=r"item 3 \(row/column 3, 1-based\) is not linked to item 1"):
        ahp.priorities(a)
    with pytest.raises(ValueError, match="item 4"):  # a triangle, and item 4 left out
        ahp.complete([[1, 2, 3, None], [None, 1, 5, None], [None, None, 1, None], [None] * 3 + [1]])


def test_error_empty_matrix():
    with pytest.raises(ValueError, match="empty"):
        ahp.priorities([])


def test_error_not_two_dimensional():
    with pytest.raises(ValueError, match=r"not square: it has 1 dimensions"):
        ahp.priorities([1, 2, 3])


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "median"}, "unknown method 'median'"),
    ({"ri_table": "noble"}, "unknown RI table 'noble'"),
    ({"completion": "zeros"}, "unknown completion 'zeros'"),
])
def test_error_unknown_option(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ahp.priorities(DRINKS, **kwargs)


def test_error_ri_table_has_no_value_for_n():
    with pytest.raises(ValueError, match="'saaty1980' has no value for n = 16"):
        ahp.priorities(np.ones((16, 16)))


def test_error_aggregate_size_mismatch_names_expert():
    with pytest.raises(ValueError, match=r"expert 2 \(1-based\) gave a 2x2 matrix, expected 3x3"):
        ahp.aggregate_judgements([np.ones((3, 3)), np.ones((2, 2))])
