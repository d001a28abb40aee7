"""评估表: evaluators score indicator by indicator; scores are combined, spreads flagged, the lead signs off."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from surveys.models import Form, SheetEntry, SheetSignoff
from surveys.rules import combine_scores
from surveys.selectors import sheet_combined
from surveys.services import sheet_entries_save, sheet_settings_update, sheet_signoff

from ..factories import CampaignTargetFactory, UserFactory

pytestmark = pytest.mark.django_db


def all_scores(value: str) -> dict[str, str]:
    return {code.lower(): value for code in __import__("scoring.indicators").indicators.INDICATORS}


def test_pure_combination_mean_lead_and_spread():
    scores = {"a": {1: Decimal("8"), 2: Decimal("5")}, "b": {1: Decimal("7"), 2: Decimal("7.5")}, "c": {2: Decimal("6")}}
    mean, flagged = combine_scores(scores, method="mean", lead_id=1, spread_limit=Decimal("2"))
    assert mean == {"a": Decimal("6.50"), "b": Decimal("7.25"), "c": Decimal("6.00")} and flagged == {"a"}
    lead, _flagged = combine_scores(scores, method="lead", lead_id=1, spread_limit=Decimal("2"))
    assert lead == {"a": Decimal("8"), "b": Decimal("7")}  # the lead did not score c


@pytest.mark.parametrize("raw", ["10.1", "-0.5", "100"])
def test_an_out_of_range_score_is_refused_never_clamped_and_nothing_is_saved(sheet, target, evaluator, raw):
    with pytest.raises(ValidationError) as info:
        sheet_entries_save(form=sheet, target=target, evaluator=evaluator, data={"d1_01": "8", "d1_02": raw})
    assert "0 至 10 之间" in info.value.message_dict["d1_02"][0]
    assert not SheetEntry.objects.exists()


def test_the_page_keeps_what_was_typed_on_an_error_and_resumes_a_saved_draft(sheet, target, evaluator):
    client = Client()
    client.force_login(evaluator)
    url = reverse("surveys:sheet", args=[sheet.pk, target.pk])
    bad = client.post(url, {"d1_01": "8.5", "d1_01_reason": "职责法定", "d1_02": "12"})
    body = bad.content.decode()
    assert bad.status_code == 400 and 'value="12"' in body and "职责法定" in body and "0 至 10 之间" in body
    assert client.post(url, {"d1_01": "8.5", "d1_01_reason": "职责法定"}).status_code == 302
    page = client.get(url).content.decode()  # later, from anywhere: the draft is on the server
    assert 'value="8.5"' in page and "职责法定" in page
    assert SheetEntry.objects.get().score == Decimal("8.5")


def test_several_evaluators_are_averaged_and_a_wide_spread_is_flagged(sheet, target, evaluator):
    second = UserFactory(role=User.Role.EVALUATOR)
    sheet_entries_save(form=sheet, target=target, evaluator=evaluator, data={"d1_01": "9", "d1_02": "6"})
    sheet_entries_save(form=sheet, target=target, evaluator=second, data={"d1_01": "8", "d1_02": "9"})
    combined, flagged = sheet_combined(form=sheet, target=target)
    assert combined == {"d1_01": Decimal("8.50"), "d1_02": Decimal("7.50")} and flagged == {"d1_02"}


def test_in_lead_mode_the_lead_decides_and_only_the_lead_signs_off_a_complete_sheet(sheet, target, evaluator):
    lead = UserFactory(role=User.Role.EVALUATOR)
    sheet = sheet_settings_update(form=sheet, combine=Form.Combine.LEAD, spread_limit=Decimal("1"),
                                  lead_evaluator=lead, actor=evaluator)
    sheet_entries_save(form=sheet, target=target, evaluator=evaluator, data=all_scores("5"))
    sheet_entries_save(form=sheet, target=target, evaluator=lead, data={"d1_01": "9"})
    with pytest.raises(PermissionDenied, match="只有评估组长"):  # may see, may not act: 403
        sheet_signoff(form=sheet, target=target, actor=evaluator)
    with pytest.raises(ApplicationError, match="40 项指标没有组长评分"):
        sheet_signoff(form=sheet, target=target, actor=lead)
    sheet_entries_save(form=sheet, target=target, evaluator=lead, data=all_scores("7"))
    signoff = sheet_signoff(form=sheet, target=target, actor=lead)
    assert set(signoff.scores.values()) == {"7.00"} and len(signoff.scores) == 41
    with pytest.raises(ApplicationError, match="已由评估组长签署"):
        sheet_entries_save(form=sheet, target=target, evaluator=evaluator, data={"d1_01": "1"})
    assert SheetSignoff.objects.count() == 1
    with pytest.raises(ApplicationError, match="合成方式不能再修改"):
        sheet_settings_update(form=sheet, combine=Form.Combine.MEAN, spread_limit=Decimal("1"), lead_evaluator=lead,
                              actor=evaluator)


def test_leaders_read_the_sheet_liaisons_do_not_see_it(sheet, target, leader, liaison):
    url = reverse("surveys:sheet", args=[sheet.pk, target.pk])
    reader = Client()
    reader.force_login(leader)
    assert reader.get(url).status_code == 200
    assert reader.post(url, {"d1_01": "5"}).status_code == 403
    assert not SheetEntry.objects.exists()
    outsider = Client()
    outsider.force_login(liaison)
    assert outsider.get(url).status_code == 404


def test_a_unit_of_another_campaign_is_not_found(sheet, evaluator):
    client = Client()
    client.force_login(evaluator)
    stranger = CampaignTargetFactory()
    assert client.get(reverse("surveys:sheet", args=[sheet.pk, stranger.pk])).status_code == 404


def test_the_units_evidence_files_are_shown_beside_their_indicator(sheet, target, evaluator):
    from django.core.files.base import ContentFile

    from evaluations.models import Upload

    upload = Upload(target=target, purpose=Upload.Purpose.EVIDENCE, indicator_code="D1_02", original_name="三定规定.pdf",
                    content_type="application/pdf", size=4, sha256="0" * 64)
    upload.file.save("evidence.pdf", ContentFile(b"%PDF"), save=True)
    client = Client()
    client.force_login(evaluator)
    page = client.get(reverse("surveys:sheet", args=[sheet.pk, target.pk])).content.decode()
    row = page.split('id="row-d1_02"')[1].split("<!-- /row -->")[0]
    assert "三定规定.pdf" in row and reverse("evaluations:upload_download", args=[upload.pk]) in row
    assert "三定规定.pdf" not in page.split('id="row-d1_01"')[1].split("<!-- /row -->")[0]
