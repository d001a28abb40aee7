"""Every Excel export of the pool and the register (found by walking the URL resolver) opens, carries its
rows, and defuses text that a spreadsheet would run as a formula."""

from io import BytesIO

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from bianzhi.models import Quota, Unit, User
from bianzhi.pool.services import pool_deposit, pool_loan
from bianzhi.spreadsheets import is_formula_text
from scoring import register as reg
from scoring.register_models import ReclaimProposal

from ..factories import QuotaFactory, UnitFactory, UserFactory
from .register_helpers import evaluated

pytestmark = pytest.mark.django_db
EVIL = "=HYPERLINK(\"http://x\",\"点我\")"


def export_urls():
    """Names of every xlsx URL under the pool: and register: namespaces."""
    for resolver in get_resolver().url_patterns:
        if isinstance(resolver, URLResolver) and resolver.namespace in {"pool", "register"}:
            for p in resolver.url_patterns:
                if isinstance(p, URLPattern) and str(p.pattern).endswith(".xlsx"):
                    yield f"{resolver.namespace}:{p.name}", set(p.pattern.regex.groupindex)


def test_every_export_defuses_formulas():
    office = UserFactory(role=User.Role.EVALUATOR)
    unit = UnitFactory(name=EVIL, kind=Unit.Kind.PUBLIC_INSTITUTION)
    QuotaFactory(unit=unit, kind=Quota.Kind.INSTITUTIONAL_FULL, approved=30, actual=20)
    campaign = evaluated(unit, grade="poor", feedback_on=timezone.localdate())
    pool_deposit(unit=unit, pool="city", quota_kind="institutional_full", amount=4, posted_on=timezone.localdate(),
                 document="-1+1", reason="@SUM(A1)")
    pool_loan(borrower=unit, pool="city", quota_kind="institutional_full", amount=2, field="health",
              start_on=timezone.localdate(), due_on=timezone.localdate(), document="+2")
    reg.request_file(unit=unit, actor=office, kind="body", body_name="=综合科", reason="=1+1", document="=文号")
    ReclaimProposal.objects.create(unit=unit, quota_kind="institutional_full", amount=1, reason="=依据", campaign=campaign)
    client = Client()
    client.force_login(office)
    names = sorted(export_urls())
    assert {n for n, _p in names} >= {"pool:export", "pool:unit_ledger_export", "register:request_export",
                                      "register:rules_export", "register:reclaim_export", "register:appraisal_export"}
    for name, params in names:
        kwargs = {p: {"pk": unit.pk, "campaign_pk": campaign.pk}[p] for p in params}
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, name
        wb = load_workbook(BytesIO(response.content))
        texts = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert texts, name
        assert not [t for t in texts if is_formula_text(t)], name  # "+2" typed as text is a number, not a formula
        assert any(EVIL in t for t in texts), name  # the unit's name is there, defused
