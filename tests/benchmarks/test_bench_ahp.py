"""Benchmarks for scoring.ahp: throughput against a baseline measured in the same run.

Timings are the best of 3 (time.perf_counter), which filters out scheduler noise.
"""
import time

import numpy as np

from scoring import ahp

# The evaluation tree: one 8x8 matrix over the dimensions, then one per dimension.
DIMENSION_SIZE = 8
INDICATOR_SIZES = (5, 2, 5, 4, 4, 10, 5, 6)


def random_reciprocal(rng: np.random.Generator, n: int) -> np.ndarray:
    """A reciprocal matrix with judgements drawn from Saaty's scale (typically inconsistent)."""
    a = np.ones((n, n))
    upper = np.triu_indices(n, 1)
    values = rng.choice(ahp.SAATY_SCALE, size=len(upper[0]))
    a[upper] = values
    a[upper[::-1]] = 1 / values
    return a


def best_of_3(run) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def test_priorities_throughput_vs_numpy_eig(bench_record):
    """priorities() validates, solves and reports; it must keep half the speed of a bare eig."""
    rng = np.random.default_rng(20240601)
    matrices = [random_reciprocal(rng, 8) for _ in range(10_000)]

    def bare_eig():
        for a in matrices:
            np.linalg.eig(a)

    def ours():
        for a in matrices:
            ahp.priorities(a)

    eig_s, ours_s = best_of_3(bare_eig), best_of_3(ours)
    figures = {"matrices": len(matrices), "n": 8, "ours_per_s": len(matrices) / ours_s,
               "eig_per_s": len(matrices) / eig_s, "ratio": eig_s / ours_s}
    bench_record("ahp_priorities", figures)
    assert figures["ratio"] >= 0.5, figures


def test_group_of_50_experts_over_the_whole_tree(bench_record):
    """AIJ over 50 experts for each of the 9 matrices, then synthesize (which runs priorities
    on every aggregated matrix) - the work behind one group result - in under 50 ms."""
    rng = np.random.default_rng(7)
    experts = 50
    sizes = (DIMENSION_SIZE, *INDICATOR_SIZES)
    judgements = [[random_reciprocal(rng, n) for _ in range(experts)] for n in sizes]

    def run():
        top, *dimensions = [ahp.aggregate_judgements(ms) for ms in judgements]
        tree = ahp.Node("goal", top, children=[
            ahp.Node(f"d{d}", m, children=[f"i{d}.{k}" for k in range(m.shape[0])])
            for d, m in enumerate(dimensions)
        ])
        return ahp.synthesize(tree)

    result = run()
    assert len(result.global_weights) == sum(INDICATOR_SIZES)
    assert abs(sum(result.global_weights.values()) - 1) < 1e-12
    seconds = best_of_3(run)
    bench_record("ahp_group_tree", {"experts": experts, "matrices": len(sizes), "ms": seconds * 1e3,
                                    "limit_ms": 50})
    assert seconds < 0.050, f"{seconds * 1e3:.1f} ms"
