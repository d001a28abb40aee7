"""The demo shows result application: a refused request, a reclaim into the pool, a hospital's loan."""

import pytest
from django.core.management import call_command

from bianzhi.models import PoolLoan, PoolMovement
from bianzhi.pool.selectors import ledger_invariant_errors, unit_effective_rows
from scoring.register_models import ReclaimProposal, RequestEvent, StaffingRequest

pytestmark = pytest.mark.django_db


def test_the_demo_applies_last_years_results_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    counts = [m.objects.count() for m in (StaffingRequest, RequestEvent, ReclaimProposal, PoolLoan, PoolMovement)]
    call_command("seed_demo", verbosity=0)
    assert [m.objects.count() for m in (StaffingRequest, RequestEvent, ReclaimProposal, PoolLoan, PoolMovement)] == counts

    refused = StaffingRequest.objects.get(unit__code="M015")
    assert refused.status == "rejected" and refused.kind == "quota"
    [finding] = refused.findings
    assert finding["rule"] == "poor_grade" and finding["until"] and "机构编制评估（试点）" in finding["reason"]
    assert "较差" in finding["reason"] and refused.blocked_until.isoformat() == finding["until"]

    pooled = ReclaimProposal.objects.filter(status="approved", disposition="deposit")
    assert pooled.count() == 2 and ReclaimProposal.objects.filter(status="proposed").exists()
    loan = PoolLoan.objects.get(borrower__code="M102")
    assert (loan.amount, loan.quota_kind, loan.field) == (5, "institutional_full", "health")
    hospital = {r["kind"]: r for r in unit_effective_rows(unit=loan.borrower)}["institutional_full"]
    assert (hospital["owned"], hospital["borrowed"], hospital["usable"]) == (0, 5, 5)
    assert set(StaffingRequest.objects.values_list("status", flat=True)) == {"rejected", "approved", "reviewing"}
    assert ledger_invariant_errors() == []
