"""Closed means closed: once a campaign is closed, no service and no POST URL changes anything of it.

Both halves enumerate rather than list by hand:
- services: every public function of the services modules (evaluations, surveys, scoring, reports) is found by
  introspection and must be either called below on a closed campaign (SERVICE_CALLS) or exempt with the
  reason (EXEMPT). A new service that is neither fails the first test.
- URLs: every URL that takes a POST (the URL-permission test's RULES: writes, and the public links) is found
  by walking the URL resolver and posted to, as the office and as the unit's liaison, with every object of
  the closed campaign its parameters can name.
Each call must be refused with the guard's Chinese message and leave every table as it was (rows hashed).
"""

import hashlib
import importlib
import inspect
import itertools
import pkgutil
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

import evaluations.services
import reports.followup.services
import reports.services
import reports.summary
import reports.word_admin
import scoring.services
import surveys.services
from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations import services as ev
from evaluations.models import Campaign, Upload
from reports.followup import services as fu
from scoring import services as sc
from scoring.models import ROOT_NODE
from surveys import services as sv
from surveys.models import Form, Question
from surveys.services import editor as sv_editor

from .evaluations.conftest import PDF, PNG, accept_all, advance_to, make_world
from .factories import UserFactory
from .surveys.conftest import STAFF_ANSWERS
from .test_url_permissions import RULES, all_urls

pytestmark = pytest.mark.django_db

CLOSED = "评估已结束"
SERVICE_PACKAGES = (evaluations.services, surveys.services, scoring.services, reports.services, reports.summary,
                    reports.word_admin, reports.followup.services)

# Public functions of the services modules that do not change a campaign, and why.
EXEMPT = {
    "campaign_create": "creates a new campaign: nothing closed to protect",
    "current_self_assessment": "a read",
    "upload_current": "a read",
    "ballot_get": "a read",
    "ballot_is_spent": "a read",
    "ballot_code_normalize": "pure",
    "form_check_open": "the check itself (asks the guard)",
    "network_count": "a counter in the cache, no database row",
    "admit": "the public form's abuse check: counters and spent tokens in the cache, no database row",
    "device_cookie_new": "pure: signs a new device id",
    "device_id": "pure: reads a signed device id",
    "start_token_issue": "pure: signs a page token",
    "start_token_read": "pure: reads a page token",
    "staff_ballot_count": "runs inside ballot_submit, which asks the guard first",
    "question_shown": "pure",
    "score_clean": "pure",
    "survey_answers_clean": "pure",
    "unit_actual_staff": "a read",
    "export_request": "reads the campaign: a closed campaign's answers may still be exported",
    "export_write": "the worker's half of export_request (a job: it reads the campaign)",
    "export_build": "runs export_write now, in-process (a read of the campaign)",
    "report_request": "reads the campaign: a closed campaign's reports may still be (re)built",
    "report_build": "the worker's half of report_request (a job: it reads the campaign)",
    "report_render": "runs report_build now, in-process (a read of the campaign)",
    "report_context": "a read",
    "pdf_render": "pure: HTML to PDF",
    "report_lead_id": "a read",
    "signed_version": "a read",
    "report_redraft": "the hook of result_revise, which asks the guard first",
    "reports_generate_all": "report_request for every signed unit (see report_request)",
    "summary_request": "reads the campaign: a closed campaign's summary may be rendered again (nothing it reads changes)",
    "summary_build": "the worker's half of summary_request (a job: it reads the campaign)",
    "summary_context": "a read",
    "summary_word_context": "pure",
    "sample_context": "pure",
    "word_template_upload": "the office's Word templates belong to no campaign",
    "default_template_ensure": "templates belong to no campaign",
    "tree_template_save": "copies a closed campaign's tree into a template for next year; the tree is unchanged",
    "form_template_save": "copies a closed campaign's questions into a template for next year; the form is unchanged",
    "form_tree": "a read",
    "tag_names": "a read",
    "definition_check": "pure: checks a definition against the campaign's tree",
    "number_clean": "pure",
    "date_clean": "pure",
    "reviewer_refusal": "a read: may this reviewer review this unit",
    "finalize_refusal": "pure: why a result cannot be locked yet",
    "summary_requires_final_results": "a check run by campaign_advance (which refuses a closed campaign); writes nothing",
    "rectification_sweep": "the daily sweep: it skips the items of closed campaigns (tests/reports/test_followup.py)",
}


def public_services() -> dict[str, object]:
    """name → function, for every public function defined in the services modules (packages walked)."""
    found = {}
    for package in SERVICE_PACKAGES:
        modules = [package]
        if hasattr(package, "__path__"):
            modules += [importlib.import_module(f"{package.__name__}.{m.name}")
                        for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")]
        for module in modules:
            for name, obj in vars(module).items():
                if inspect.isfunction(obj) and not name.startswith("_") and obj.__module__ == module.__name__:
                    assert name not in found or found[name] is obj, f"two services named {name}"
                    found[name] = obj
    return found


def closed_world():
    """A campaign run through the services from 制定方案 to 已结束, with something of every kind in it."""
    world = make_world()
    office, liaison, target = world.evaluator, world.liaison, world.target
    office.first_name = "王评估"
    office.save()
    campaign = world.campaign
    satisfaction = sv.satisfaction_form_issue(campaign=campaign, actor=office)
    link = satisfaction.links.get(target=target, window="")
    answers = {q.code: q.choices[0][0] for q in satisfaction.questions.all() if q.choices}
    response = sv.survey_response_submit(link=link, data=answers)
    staff = sv.form_create(campaign=campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=office)
    box = sv.ballots_issue(form=staff, target=target, actor=office, count=3)
    ballots = list(box.ballots.order_by("serial"))
    sv.ballot_submit(code=ballots[0].code, data=STAFF_ANSWERS)
    sheet = sv.form_create(campaign=campaign, kind=Form.Kind.EVALUATION_SHEET, actor=office)
    sv.sheet_settings_update(form=sheet, combine=Form.Combine.MEAN, spread_limit=Decimal(2), lead_evaluator=office,
                             actor=office)
    score_question = sheet.questions.filter(type=Question.Type.SCORE).first()
    sv.sheet_entries_save(form=sheet, target=target, evaluator=office, data={score_question.code: "8"})
    template = sc.default_template_ensure()
    tree = sc.campaign_tree_copy(campaign=campaign, template=template, actor=office)
    expert = sc.expert_invite(tree=tree, name="李专家", actor=office)
    accept_all(world)
    advance_to(world, Campaign.Status.FIELD_VISIT)
    for each in (world.target, world.other):
        ev.field_visit_save(
            target=each, actor=office, checks={"D1_01": ("三定齐全", False)}, interview=("张三", "访谈记录"),
            fields={"visit_date": date(2026, 9, 1), "listen_notes": "汇报", "signs_match": True, "posts_match": True,
                    "people_in_place": True, "ballots_handed_out": 3, "judgement": "良好"},
        )
        ev.upload_add(target=each, actor=office, purpose=Upload.Purpose.PHOTO, data=PNG, name="门牌.png")
        ev.field_visit_complete(target=each, actor=office)
    advance_to(world, Campaign.Status.CLOSED)
    world.refresh()
    assert world.campaign.status == Campaign.Status.CLOSED
    followup = closed_followup(world)
    return {**followup,
        "world": world, "office": office, "liaison": liaison, "campaign": world.campaign, "target": world.target,
        "satisfaction": satisfaction, "link": link, "answers": answers, "response": response, "staff": staff,
        "ballot": ballots[1], "sheet": sheet, "score_question": score_question, "tree": tree, "template": template,
        "expert": expert, "dimension": tree.dimensions.get(code="D8"), "indicator": tree.indicators.get(code="D8_06"),
        "report_upload": world.target.uploads.get(purpose=Upload.Purpose.SELF_REPORT),
        "photo": world.target.uploads.filter(purpose=Upload.Purpose.PHOTO).first(),
    }


def closed_followup(world) -> dict:
    """What the after stage left in the closed campaign: a fed-back result, an appeal assigned to a reviewer, a
    整改 item reported done (written directly: the campaign is closed, no service would)."""
    from reports.followup.models import Appeal, AppealItem, RectificationItem, RectificationReport

    reviewer = UserFactory(role=User.Role.REVIEWER, first_name="复核员")
    appeal = Appeal.objects.create(target=world.target, submitted_by=world.liaison, reviewer=reviewer,
                                   status=Appeal.Status.ASSIGNED)
    appeal_item = AppealItem.objects.create(appeal=appeal, indicator_code="D1_01", indicator_name="合法合规度",
                                            full_marks=10, points_before=5, reason="材料未采纳")
    item = RectificationItem.objects.create(target=world.target, source="other", title="更换门牌", responsible="办公室",
                                            measures="按三定规定更换", deadline=date(2026, 12, 1), status="reported")
    RectificationReport.objects.create(item=item, text="已更换", reported_by=world.liaison)
    return {"reviewer": reviewer, "appeal": appeal, "appeal_item": appeal_item, "rectification": item}


# name → the call, on the closed world `w`. Who acts is who may act, so the guard is the only reason to refuse.
SERVICE_CALLS = {
    # reports
    "report_draft_save": lambda w: reports.services.report_draft_save(
        target=w["target"], actor=w["office"], achievements="改", problems="改", suggestions="改"),
    "report_sign": lambda w: reports.services.report_sign(target=w["target"], actor=w["office"], confirmed=True),
    "summary_text_save": lambda w: reports.summary.summary_text_save(campaign=w["campaign"], actor=w["office"],
                                                                     suggestions="改"),
    # evaluations
    "campaign_update": lambda w: ev.campaign_update(campaign=w["campaign"], actor=w["office"], name="改名"),
    "campaign_deadlines_set": lambda w: ev.campaign_deadlines_set(
        campaign=w["campaign"], actor=w["office"], deadlines={"report": date(2027, 1, 1)}),
    "team_save": lambda w: ev.team_save(campaign=w["campaign"], actor=w["office"], name="第二组", members=[w["office"]],
                                        targets=[w["target"]]),
    "campaign_advance": lambda w: ev.campaign_advance(campaign=w["campaign"], actor=w["office"]),
    "target_notice_seen": lambda w: ev.target_notice_seen(target=w["world"].other, actor=w["world"].other_liaison),
    "self_assessment_save": lambda w: ev.self_assessment_save(target=w["target"], actor=w["liaison"],
                                                              items={"D1_01": (Decimal(7), "改")}),
    "self_assessment_import": lambda w: ev.self_assessment_import(target=w["target"], actor=w["liaison"], data=b"x"),
    "self_assessment_submit": lambda w: ev.self_assessment_submit(target=w["target"], actor=w["liaison"]),
    "self_assessment_return": lambda w: ev.self_assessment_return(target=w["target"], actor=w["office"], reason="退回"),
    "self_assessment_accept": lambda w: ev.self_assessment_accept(target=w["target"], actor=w["office"]),
    "upload_add": lambda w: ev.upload_add(target=w["target"], actor=w["liaison"], purpose=Upload.Purpose.EVIDENCE,
                                          data=PDF, name="佐证.pdf", indicator_code="D1_01"),
    "upload_replace": lambda w: ev.upload_replace(upload=w["report_upload"], actor=w["liaison"], data=PDF, name="新.pdf"),
    "upload_store": lambda w: ev.upload_store(target=w["target"], actor=w["office"], purpose=Upload.Purpose.PHOTO,
                                              indicator_code="", data=PNG, name="p.png", replaces=None),
    "field_visit_save": lambda w: ev.field_visit_save(target=w["target"], actor=w["office"], fields={"judgement": "改"}),
    "field_visit_complete": lambda w: ev.field_visit_complete(target=w["target"], actor=w["office"]),
    # surveys
    "form_create": lambda w: sv.form_create(campaign=w["campaign"], kind=Form.Kind.QUESTIONNAIRE, actor=w["office"]),
    "form_schedule": lambda w: sv.form_schedule(form=w["satisfaction"], opens_at=w["satisfaction"].opens_at,
                                                closes_at=timezone.now() + timedelta(days=30), actor=w["office"]),
    "form_definition_save": lambda w: sv_editor.form_definition_save(
        form=w["staff"], actor=w["office"], definition={"questions": [{"type": "short_text", "text": "新题"}]}),
    "form_definition_import": lambda w: sv_editor.form_definition_import(form=w["staff"], actor=w["office"], data=b"x"),
    "form_template_apply": lambda w: sv_editor.form_template_apply(form=w["staff"], actor=w["office"], template=None),
    "question_update": lambda w: sv.question_update(question=w["staff"].questions.first(), actor=w["office"], text="改"),
    "question_add": lambda w: sv.question_add(form=w["staff"], actor=w["office"], type=Question.Type.SHORT_TEXT,
                                              text="新题"),
    "question_remove": lambda w: sv.question_remove(question=w["staff"].questions.order_by("position").last(),
                                                    actor=w["office"]),
    "survey_links_issue": lambda w: sv.survey_links_issue(form=w["satisfaction"], actor=w["office"], windows=("窗口",)),
    "satisfaction_form_issue": lambda w: sv.satisfaction_form_issue(campaign=w["campaign"], actor=w["office"]),
    "ballots_issue": lambda w: sv.ballots_issue(form=w["staff"], target=w["target"], actor=w["office"], count=2),
    "ballot_submit": lambda w: sv.ballot_submit(code=w["ballot"].code, data=STAFF_ANSWERS),
    "survey_response_submit": lambda w: sv.survey_response_submit(link=w["link"], data=w["answers"]),
    "survey_response_void": lambda w: sv.survey_response_void(response=w["response"], reason="重复", actor=w["office"]),
    "sheet_entries_save": lambda w: sv.sheet_entries_save(form=w["sheet"], target=w["target"], evaluator=w["office"],
                                                          data={w["score_question"].code: "9"}),
    "sheet_file_add": lambda w: sv.sheet_file_add(form=w["sheet"], target=w["target"], question=w["score_question"],
                                                  actor=w["office"], data=PDF, name="附件.pdf"),
    "sheet_import": lambda w: sv.sheet_import(form=w["sheet"], target=w["target"], evaluator=w["office"], data=b"x"),
    "form_sample_targets_set": lambda w: sv.form_sample_targets_set(form=w["satisfaction"], actor=w["office"],
                                                                    default=50, per_unit={w["target"].pk: 80}),
    "sheet_signoff": lambda w: sv.sheet_signoff(form=w["sheet"], target=w["target"], actor=w["office"]),
    "sheet_settings_update": lambda w: sv.sheet_settings_update(
        form=w["sheet"], combine=Form.Combine.LEAD, spread_limit=Decimal(3), lead_evaluator=w["office"],
        actor=w["office"]),
    # scoring
    "campaign_tree_copy": lambda w: sc.campaign_tree_copy(campaign=w["campaign"], template=w["template"],
                                                          actor=w["office"]),
    "dimension_add": lambda w: sc.dimension_add(tree=w["tree"], name="新维度", actor=w["office"]),
    "dimension_rename": lambda w: sc.dimension_rename(dimension=w["dimension"], name="改名", actor=w["office"]),
    "dimension_remove": lambda w: sc.dimension_remove(dimension=w["dimension"], actor=w["office"]),
    "indicator_add": lambda w: sc.indicator_add(dimension=w["dimension"], actor=w["office"], name="新指标"),
    "indicator_update": lambda w: sc.indicator_update(indicator=w["indicator"], actor=w["office"], name="改名"),
    "indicator_remove": lambda w: sc.indicator_remove(indicator=w["indicator"], actor=w["office"]),
    "expert_invite": lambda w: sc.expert_invite(tree=w["tree"], name="赵专家", actor=w["office"]),
    "expert_update": lambda w: sc.expert_update(expert=w["expert"], weight=Decimal(2), excluded=False, exclude_reason="",
                                                actor=w["office"]),
    "judgement_save": lambda w: sc.judgement_save(expert=w["expert"], node=ROOT_NODE, answers={(0, 1): 3}),
    "weights_freeze": lambda w: sc.weights_freeze(tree=w["tree"], method="aij", ri_table="saaty1980",
                                                  actor=w["office"]),
    "tree_settings_update": lambda w: sc.tree_settings_update(tree=w["tree"], actor=w["office"], min_sample=20),
    # reports.followup: feedback, 复核, 整改
    "followup_settings_save": lambda w: fu.followup_settings_save(campaign=w["campaign"], actor=w["office"], appeal_days=5),
    "results_feed_back": lambda w: fu.results_feed_back(campaign=w["campaign"], actor=w["office"],
                                                        targets=[w["target"]]),
    "appeal_windows_open": lambda w: fu.appeal_windows_open(w["campaign"], w["office"]),
    "appeal_submit": lambda w: fu.appeal_submit(target=w["world"].other, actor=w["world"].other_liaison,
                                                items=[("D1_01", "理由", [])]),
    "appeal_assign": lambda w: fu.appeal_assign(appeal=w["appeal"], reviewer=w["reviewer"], actor=w["office"]),
    "appeal_item_decide": lambda w: fu.appeal_item_decide(item=w["appeal_item"], actor=w["reviewer"],
                                                          decision="adjusted", points=8, reason="理由"),
    "results_finalize": lambda w: fu.results_finalize(campaign=w["campaign"], actor=w["office"], targets=[w["target"]]),
    "rectification_create": lambda w: fu.rectification_create(target=w["target"], actor=w["office"], title="新",
                                                              measures="改", deadline=date(2027, 1, 1)),
    "rectifications_create_bulk": lambda w: fu.rectifications_create_bulk(campaign=w["campaign"], actor=w["office"],
                                                                          candidates=[]),
    "rectification_report": lambda w: fu.rectification_report(item=w["rectification"], actor=w["liaison"], text="进展"),
    "rectification_verify": lambda w: fu.rectification_verify(item=w["rectification"], actor=w["office"], accept=True),
    "rectifications_carry_over": lambda w: fu.rectifications_carry_over(w["campaign"], w["office"]),
    "followup_remind": lambda w: fu.followup_remind(campaign=w["campaign"], actor=w["office"]),
}
# Called on every page view of a package: when the campaign may not change, it records nothing and says nothing.
SILENT = {"target_notice_seen"}


def database_hash() -> dict[str, str]:
    """A hash of every row of every table of the project's apps (and their many-to-many tables)."""
    hashes = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in {"bianzhi", "evaluations", "surveys", "scoring", "reports"}:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        hashes[model._meta.label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return hashes


def changed(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def test_every_service_is_called_on_a_closed_campaign_or_exempt_with_a_reason():
    found = set(public_services())
    unclassified = sorted(found - set(SERVICE_CALLS) - set(EXEMPT))
    assert not unclassified, f"新的服务函数：请在 SERVICE_CALLS 中对已结束的评估调用它，或在 EXEMPT 中写明理由：{unclassified}"
    assert not (set(SERVICE_CALLS) | set(EXEMPT)) - found, "names no service any more"
    assert not set(SERVICE_CALLS) & set(EXEMPT)


def test_no_service_changes_a_closed_campaign():
    w = closed_world()
    failures = []
    for name, call in SERVICE_CALLS.items():
        before = database_hash()
        try:
            call(w)
        except ApplicationError as exc:
            if CLOSED not in exc.message:
                failures.append(f"{name}: refused, but not by the guard: {exc.message}")
        except Exception as exc:  # noqa: BLE001  (any other refusal is reported, not raised)
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
        else:
            if name not in SILENT:
                failures.append(f"{name}: accepted on a closed campaign")
        if diff := changed(before, database_hash()):
            failures.append(f"{name}: changed {diff}")
    assert not failures, "\n".join(failures)


# POST URLs that do not change a campaign's data (or may, by design, after it closed), and why.
URL_EXEMPT = {
    "logout": "the session only",
    "evaluations:campaign_create": "creates a new campaign",
    "evaluations:notification_read": "the user's own notification",
    "registry:import": "the registry, not a campaign",
    "surveys:export_request": "exports read the campaign (see EXEMPT)",
    "reports:request": "reports read the campaign (see EXEMPT)",
    "reports:generate_all": "reports read the campaign (see EXEMPT)",
    "reports:summary_request": "the summary reads the campaign (see EXEMPT)",
    "reports:template_upload": "the Word templates belong to no campaign",
    "scoring:template_save": "copies the tree into a template (see EXEMPT)",
    "surveys:form_template_save": "copies the questions into a template (see EXEMPT)",
    "surveys:form_preview": "renders the editor's draft as the public page would; writes nothing",
    "reports:followup_appeal_decide": "only the assigned reviewer may post (not a user of this walk); its service "
                                      "appeal_item_decide is refused on a closed campaign in SERVICE_CALLS",
}
# Whole areas that belong to no campaign.
URL_EXEMPT_AREAS = ("accounts:", "pool:", "register:")  # accounts; the 周转池 and the requests register (the registry's)


# Public URLs that take a POST (the link or the code is the credential).
PUBLIC_POSTS = {"surveys:fill", "scoring:judge_node", "scoring-api-expert-judgements"}


def post_urls() -> list[tuple[str, set[str], str]]:
    urls = [(name, params, route) for name, params, route in all_urls() if not name.startswith("admin:")
            and (RULES[name].post or RULES[name].patch or name in PUBLIC_POSTS) and name not in URL_EXEMPT
            and not name.startswith(URL_EXEMPT_AREAS)]
    assert not PUBLIC_POSTS - {n for n, _p, _r in urls}
    assert all(RULES[n].public for n in PUBLIC_POSTS)
    return urls


def candidates(w: dict, route: str, param: str) -> list:
    """Every object of the closed world that the URL's parameter may name."""
    forms = [w["satisfaction"].pk, w["staff"].pk, w["sheet"].pk]
    if param == "pk":
        before = re.split(r"<int:pk>|\(\?P<pk>", route)[0]
        for marker, values in (
            ("packages/", [w["target"].pk]), ("uploads/", [w["report_upload"].pk, w["photo"].pk]),
            ("forms/", forms), ("dimensions/", [w["dimension"].pk]), ("indicators/", [w["indicator"].pk]),
            ("experts/", [w["expert"].pk]), ("exports/", []), ("appeals/", [w["appeal"].pk]),
            ("appeal-items/", [w["appeal_item"].pk]), ("followup/items/", [w["rectification"].pk]),
        ):
            if before.endswith(marker):
                return values
        return [w["campaign"].pk]
    return {
        "campaign_pk": [w["campaign"].pk], "target_pk": [w["target"].pk], "team_pk": [w["target"].team_id],
        "question_pk": [q.pk for f in (w["staff"], w["satisfaction"]) for q in f.questions.order_by("-position")[:1]],
        "response_pk": [w["response"].pk], "token": [w["link"].token, w["ballot"].code, w["expert"].token],
        "node": [ROOT_NODE], "version": [1], "format": ["json"],
    }[param]


def post_data(w: dict) -> dict:
    """One body that any of the write pages could take: every field name they use, with a plausible value."""
    return {
        **w["answers"], **STAFF_ANSWERS, w["score_question"].code: "9", "code": w["ballot"].code,
        "name": "改名", "reason": "理由", "action": "save", "count": "2", "text": "新题", "type": "short_text",
        "required": "on", "opens_at": "2026-01-01T08:00", "closes_at": "2030-01-01T08:00", "format": "csv",
        "window": "窗口", "windows": "窗口", "purpose": "evidence", "indicator_code": "D1_01", "kind": "questionnaire",
        "year": "2026", "members": str(w["office"].pk), "targets": str(w["target"].pk), "combine": "lead",
        "spread_limit": "3", "lead_evaluator": str(w["office"].pk), "weight": "2", "method": "aij",
        "ri_table": "saaty1980", "listen_notes": "改", "judgement": "改", "score_D1_01": "7", "narrative_D1_01": "改",
        "plan_text": "改", "notice_text": "改", "excellent_min": "90", "good_min": "80", "fair_min": "60",
        "due_report": "2027-01-01", "q_0_1": "3", "pair_0_1": "3", "answers": "", "status": "accepted",
        "question": w["score_question"].code, "file": SimpleUploadedFile("材料.pdf", PDF, "application/pdf"),
        "template": w["template"].pk, "dimension": w["dimension"].pk, f"e{w['expert'].pk}-weight": "2",
        "reviewer": w["reviewer"].pk, "confirm": "1", "verdict": "accept", "codes": "D1_01", "reason_D1_01": "理由",
    }


def json_data(w: dict) -> dict:
    """The same for the JSON API."""
    return {"name": "改名", "node": ROOT_NODE, "answers": [[0, 1, 3]], "action": "accept", "reason": "理由",
            "scores": {w["score_question"].code: "9"}, "method": "aij", "ri_table": "saaty1980"}


# Where one body cannot fit every page (the same field name means two things).
URL_DATA = {
    "evaluations:campaign_edit": {"kind": "both"},
    "reports:write": {"achievements": "改", "problems": "改", "suggestions": "改"},
    "reports:sign": {"confirm": "on"},
    "reports:summary_save": {"suggestions": "改"},
    "evaluations:self_assessment_review": {"action": "accept"},
    "package-transition": {"action": "accept"},
    "scoring:indicator_add": {"kind": "evaluator", "direction": "positive", "full_marks": "10"},
    "scoring:indicator_edit": {"kind": "evaluator", "direction": "positive", "full_marks": "10"},
    "scoring:weights_freeze": {"method": "aij", "ri_table": "saaty1980", "priority_method": "eigenvector",
                               "confirm": "on"},
    "reports:followup_settings": {"appeal_days": "5", "rectify_below": "60", "rectify_days": "90"},
    "scoring:tree_settings": {"execution_dimensions": "D1,D2,D3,D8", "min_coverage": "100", "min_sample": "20",
                              "long_vacancy_months": "12", "cr_threshold": "0.1"},
}


def said(response) -> str:
    """The Chinese messages and errors of a page, for the failure report."""
    text = response.content.decode()
    return " ".join(re.findall(r'class="(?:errorlist|messages?|error)[^"]*"[^>]*>(.*?)</', text, re.S))[:300] or text[:200]


def test_no_post_url_changes_a_closed_campaign():
    w = closed_world()
    admin = UserFactory(role=User.Role.ADMIN, first_name="系统管理员")
    clients = {"office": Client(), "liaison": Client(), "anonymous": Client()}
    clients["office"].force_login(admin)
    clients["liaison"].force_login(w["liaison"])
    failures = []
    urls = post_urls()
    for name, params, route in urls:
        before = database_hash()
        refused_by_guard, seen = False, []
        values = [candidates(w, route, p) for p in sorted(params)]
        for combination in itertools.product(*values):
            try:
                url = reverse(name, kwargs=dict(zip(sorted(params), combination, strict=True)))
            except NoReverseMatch:
                continue
            for who in ("anonymous",) if name in PUBLIC_POSTS else ("office", "liaison"):
                response = clients[who].post(url, post_data(w) | URL_DATA.get(name, {}), follow=True)
                refused_by_guard |= CLOSED in response.content.decode()
                seen.append(f"{who} {url} → {response.status_code} {said(response) if response.status_code < 400 else ''}")
                if name.count(":") == 0 and name not in PUBLIC_POSTS:  # the API: also as JSON, and PATCH
                    for method in ("post", "patch", "put"):
                        response = getattr(clients[who], method)(url, json_data(w), content_type="application/json")
                        refused_by_guard |= CLOSED in response.content.decode()
                        seen.append(f"{who} {method} {url} → {response.status_code}")
                if name in PUBLIC_POSTS and name.count(":") == 0:  # the expert's API: PUT, JSON
                    response = clients[who].put(url, json_data(w), content_type="application/json")
                    refused_by_guard |= CLOSED in response.content.decode()
        if diff := changed(before, database_hash()):
            failures.append(f"{name}: changed {diff}")
        if not refused_by_guard:
            failures.append(f"{name}: no answer said “{CLOSED}”: " + "; ".join(seen))
    assert len(urls) >= 30
    assert not failures, "\n".join(failures)
