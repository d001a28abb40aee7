"""The register's pages: a request handled from filing to approval by the office; leaders read only; a
liaison files for its own unit and resubmits what was returned; the rules page saves a year's parameters."""

import pytest
from django.test import Client
from django.urls import reverse

from bianzhi.models import Quota, User
from scoring.register_models import RuleSettings, StaffingRequest

from ..evaluations.conftest import PDF
from ..factories import QuotaFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_request_from_filing_to_approval(evaluator, leader):
    from django.core.files.uploadedfile import SimpleUploadedFile

    unit = UnitFactory()
    QuotaFactory(unit=unit, kind=Quota.Kind.ADMINISTRATIVE, approved=20, actual=20)
    liaison = client_for(UserFactory(role=User.Role.LIAISON, unit=unit))
    response = liaison.post(reverse("register:request_create"), {
        "unit": UnitFactory().pk,  # ignored: a liaison files for its own unit
        "kind": "quota", "quota_kind": "administrative", "amount": "2", "reason": "新增职能", "filed_on": "2026-12-01",
        "attachment": SimpleUploadedFile("请示.pdf", PDF, content_type="application/pdf")})
    item = StaffingRequest.objects.get()
    assert response.status_code == 302 and item.unit == unit and item.status == "registered"
    assert liaison.get(reverse("register:request_attachment", args=[item.pk])).status_code == 200
    assert liaison.post(reverse("register:request_action", args=[item.pk]), {"action": "review"}).status_code == 403
    assert client_for(leader).post(reverse("register:request_action", args=[item.pk]),
                                   {"action": "review"}).status_code == 403
    office = client_for(evaluator)
    office.post(reverse("register:request_action", args=[item.pk]), {"action": "return", "note": "请补充材料"})
    item.refresh_from_db()
    assert item.status == "returned"
    liaison.post(reverse("register:request_action", args=[item.pk]), {"action": "resubmit"})
    office.post(reverse("register:request_action", args=[item.pk]), {"action": "review"})
    office.post(reverse("register:request_action", args=[item.pk]), {"action": "approve", "document": "临编〔2026〕7号"})
    item.refresh_from_db()
    assert item.status == "approved" and item.decision_document == "临编〔2026〕7号"
    assert unit.quotas.get().approved == 22
    assert list(item.events.values_list("type", flat=True)) == [
        "filed", "returned", "resubmitted", "reviewing", "approved"]
    page = client_for(leader).get(reverse("register:request_detail", args=[item.pk])).content.decode()
    assert "批准" in page and 'id="actions"' not in page


def test_a_bad_attachment_is_refused_in_chinese_and_nothing_is_filed(evaluator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    unit = UnitFactory()
    response = client_for(evaluator).post(reverse("register:request_create"), {
        "unit": unit.pk, "kind": "body", "body_name": "综合科", "reason": "需要", "filed_on": "2026-12-01",
        "attachment": SimpleUploadedFile("a.exe", b"MZ\x90\x00", content_type="application/octet-stream")})
    assert response.status_code == 200 and "不支持的文件类型" in response.content.decode()
    assert 'value="综合科"' in response.content.decode() and not StaffingRequest.objects.exists()


def test_the_office_sets_a_years_rules_and_leaders_only_read_them(evaluator, leader):
    data = {"year": 2026, "poor_grade_enabled": "on", "poor_freeze_months": 12, "vacancy_enabled": "on",
            "vacancy_rate_min": "0.15", "vacancy_count_min": 4, "vacancy_months": 12, "vacancy_freeze_months": 24,
            "reclaim_share": "0.5", "workload_indicator": "D7_02", "workload_threshold": "0.6",
            "workload_pause_months": 12, "workload_high": "0.8"}
    assert client_for(leader).post(reverse("register:rules"), data).status_code == 403
    assert client_for(evaluator).post(reverse("register:rules"), data).status_code == 302
    row = RuleSettings.objects.get(year=2026)
    assert float(row.vacancy_rate_min) == 0.15 and not row.priority_enabled and row.updated_by == evaluator
    bad = client_for(evaluator).post(reverse("register:rules"), data | {"year": 2027, "vacancy_rate_min": "1.5"})
    assert bad.status_code == 400 and 'value="1.5"' in bad.content.decode()
