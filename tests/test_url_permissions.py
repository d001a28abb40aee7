"""Every URL of the project, found by walking the URL resolver, proves that it checks who may see it.

A URL that is not declared in RULES below fails the test: adding a view means saying who may use it.
- anonymous: only the PUBLIC ones answer; every other URL sends to the login page (or 401/403 for the API);
- a liaison of another unit: every URL of a unit's object answers 404 (or 403), GET and POST;
- office-only pages: a liaison gets 403/404;
- a leader: a POST to a write URL is refused (403/405); a POST to a read URL changes nothing.
"""

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bianzhi.models import User, UnitVersion
from bianzhi.services import registry_apply
from evaluations import services
from evaluations.models import Campaign, Notification
from reports.models import Report
from surveys.services import satisfaction_form_issue

from .evaluations.conftest import PNG, accept_all, advance_to, make_world
from .factories import UnitFactory, UnitRecordFactory, UserFactory, campaign_tree_factory

pytestmark = pytest.mark.django_db

PUBLIC, OFFICE, READ, OBJECT, WRITE = "public", "office", "read", "object", "write"

# name → the checks that apply. OBJECT: it names an object of one unit; WRITE: it changes data (POST);
# OFFICE: only the staffing office may open it (liaisons are refused).
RULES: dict[str, set[str]] = {
    "home": {READ},
    "login": {PUBLIC},
    "logout": {PUBLIC, WRITE},  # logging out is for everyone (and changes only the session)
    "evaluations:campaign_list": {READ, OFFICE},
    "evaluations:campaign_create": {WRITE, OFFICE},
    "evaluations:campaign_detail": {READ, OFFICE, OBJECT},
    "evaluations:campaign_advance": {WRITE, OFFICE, OBJECT},
    "evaluations:campaign_edit": {WRITE, OFFICE, OBJECT},
    "evaluations:team_create": {WRITE, OFFICE, OBJECT},
    "evaluations:team_edit": {WRITE, OFFICE, OBJECT},
    "evaluations:campaign_board": {READ, OFFICE, OBJECT},
    "evaluations:campaign_events_export": {READ, OFFICE, OBJECT},
    "evaluations:workbench": {READ},
    "evaluations:package": {READ, OBJECT},
    "evaluations:package_events_export": {READ, OBJECT},
    "evaluations:self_assessment": {READ, OBJECT},
    "evaluations:self_assessment_save": {WRITE, OBJECT},
    "evaluations:self_assessment_review": {WRITE, OFFICE, OBJECT},
    "evaluations:self_assessment_version": {READ, OBJECT},
    "evaluations:upload_create": {WRITE, OBJECT},
    "evaluations:upload_download": {READ, OBJECT},
    "evaluations:upload_replace": {WRITE, OBJECT},
    "evaluations:field_visit": {WRITE, OFFICE, OBJECT},
    "evaluations:notifications": {READ},
    "evaluations:notification_read": {WRITE, OBJECT},
    "surveys:fill": {PUBLIC},
    "surveys:thanks": {PUBLIC},
    "surveys:link_qr": {READ, OFFICE, OBJECT},
    "surveys:satisfaction_issue": {WRITE, OFFICE, OBJECT},
    "surveys:enter": {PUBLIC},  # typing a ballot's code: the code is the credential
    "surveys:campaign_forms": {READ, OFFICE, OBJECT},
    "surveys:form_create": {WRITE, OFFICE, OBJECT},
    "surveys:form_detail": {READ, OFFICE, OBJECT},  # its schedule form posts for the office only
    "surveys:question_edit": {WRITE, OFFICE, OBJECT},
    "surveys:question_add": {WRITE, OFFICE, OBJECT},
    "surveys:question_remove": {WRITE, OFFICE, OBJECT},
    "surveys:ballots_issue": {WRITE, OFFICE, OBJECT},
    "surveys:ballots_sheet": {READ, OFFICE, OBJECT},
    "surveys:responses": {READ, OFFICE, OBJECT},
    "surveys:response_void": {WRITE, OFFICE, OBJECT},
    "surveys:sheet": {READ, OFFICE, OBJECT},
    "surveys:sheet_file_upload": {WRITE, OFFICE, OBJECT},
    "surveys:sheet_settings": {WRITE, OFFICE, OBJECT},
    "surveys:results": {READ, OFFICE, OBJECT},
    "surveys:unit_results": {READ, OBJECT},  # a liaison reads their own unit's results
    "surveys:export_request": {WRITE, OFFICE, OBJECT},
    "surveys:export_status": {READ, OFFICE, OBJECT},
    "surveys:export_download": {READ, OFFICE, OBJECT},
    "surveys:window_link_add": {WRITE, OFFICE, OBJECT},
    "reports:dashboard": {READ, OFFICE},
    "reports:my_unit": {READ},
    "reports:request": {WRITE, OFFICE, OBJECT},
    "reports:status": {READ, OBJECT},
    "reports:download": {READ, OBJECT},
    "api-root": {READ},
    "unit-list": {READ},
    "unit-detail": {READ, OBJECT},
    "unit-history": {READ, OBJECT},
    "campaign-list": {READ},
    "campaign-detail": {READ, OBJECT},
    "campaign-scores": {READ, OBJECT},
    "campaign-events": {READ, OBJECT},
    "campaign-advance": {WRITE, OBJECT},
    "package-list": {READ},
    "package-detail": {READ, OBJECT},
    "package-transition": {WRITE, OBJECT},
    "package-uploads": {WRITE, OBJECT},
    "package-events": {READ, OBJECT},
    "upload-list": {READ},
    "upload-detail": {READ, OBJECT},
    "upload-replace": {WRITE, OBJECT},
    "form-list": {READ},
    "form-detail": {READ, OBJECT},
    "form-distribution": {READ, OFFICE, OBJECT},
    "form-responses": {READ, OFFICE, OBJECT},
    "form-statistics": {READ, OBJECT},
    "form-sheet": {WRITE, OFFICE, OBJECT},  # GET reads, POST saves the caller's scores
    "form-sheet-files": {WRITE, OFFICE, OBJECT},
    "schema": {READ},
    "registry:unit_list": {READ, OFFICE},
    "registry:unit_detail": {READ, OBJECT},
    "registry:unit_version": {READ, OBJECT},
    "registry:export": {READ, OFFICE},
    "registry:template": {READ, OFFICE},
    "registry:import": {WRITE, OFFICE},
    "registry:import_errors": {READ, OFFICE},
    # scoring: the indicator tree and its AHP weights (the office edits; leaders read; experts by their link)
    "scoring:tree": {READ, OFFICE, OBJECT},
    "scoring:tree_copy": {WRITE, OFFICE, OBJECT},
    "scoring:template_save": {WRITE, OFFICE, OBJECT},
    "scoring:tree_xlsx": {READ, OFFICE, OBJECT},
    "scoring:dimension_add": {WRITE, OFFICE, OBJECT},
    "scoring:dimension_rename": {WRITE, OFFICE, OBJECT},
    "scoring:dimension_remove": {WRITE, OFFICE, OBJECT},
    "scoring:indicator_add": {WRITE, OFFICE, OBJECT},
    "scoring:indicator_edit": {WRITE, OFFICE, OBJECT},
    "scoring:indicator_remove": {WRITE, OFFICE, OBJECT},
    "scoring:ahp": {READ, OFFICE, OBJECT},
    "scoring:expert_invite": {WRITE, OFFICE, OBJECT},
    "scoring:expert_update": {WRITE, OFFICE, OBJECT},
    "scoring:weights_freeze": {WRITE, OFFICE, OBJECT},
    "scoring:judge_index": {PUBLIC},  # the expert's unguessable link is the credential
    "scoring:judge_node": {PUBLIC},
    "scoring:judge_preview": {PUBLIC},
    "scoring-api-tree": {READ, OBJECT},
    "scoring-api-indicator": {WRITE, OBJECT},
    "scoring-api-judgements": {READ, OBJECT},
    "scoring-api-aggregate": {READ, OBJECT},
    "scoring-api-weights": {READ, OBJECT},
    "scoring-api-freeze": {WRITE, OBJECT},
    "scoring-api-expert-judgements": {PUBLIC},
    # the 编制周转池 (office posts, leaders read, a liaison reads its own unit's ledger)
    "pool:index": {READ, OFFICE},
    "pool:export": {READ, OFFICE},
    "pool:movement_create": {WRITE, OFFICE},
    "pool:movement_reverse": {WRITE, OFFICE, OBJECT},
    "pool:loan_create": {WRITE, OFFICE},
    "pool:loan_close": {WRITE, OFFICE, OBJECT},
    "pool:unit_ledger": {READ, OBJECT},
    "pool:unit_ledger_export": {READ, OBJECT},
    # the requests register: a liaison files and reads its own unit's requests; the office handles them
    "register:request_list": {READ},
    "register:request_export": {READ},
    "register:request_create": {READ},  # a liaison files for its own unit (its POST is tested in tests/scoring)
    "register:request_detail": {READ, OBJECT},
    "register:request_action": {WRITE, OBJECT},
    "register:request_attachment": {READ, OBJECT},
    "register:rules": {READ, OFFICE},  # leaders read it; its POST saves for the office only
    "register:rules_export": {READ, OFFICE},
    "register:reclaim_list": {READ, OFFICE},
    "register:reclaim_generate": {WRITE, OFFICE},
    "register:reclaim_decide": {WRITE, OFFICE, OBJECT},
    "register:reclaim_export": {READ, OFFICE},
    "register:appraisal": {READ, OFFICE},
    "register:appraisal_export": {READ, OFFICE, OBJECT},
    "register-api-may-file": {READ, OBJECT},
    "register-api-appraisal": {READ, OFFICE, OBJECT},
}
# The admin checks its own staff flag on every page: anonymous users and liaisons land on its login page.
ADMIN_PUBLIC = {"admin:login", "admin:logout"}


def walk(patterns, ns="", route=""):
    """(name, its parameters, its route) of every URL; an unnamed one is named by its route."""
    for p in patterns:
        if isinstance(p, URLResolver):
            inner_ns = f"{ns}{p.namespace}:" if p.namespace else ns
            for name, params, inner in walk(p.url_patterns, inner_ns, route + str(p.pattern)):
                yield name, params | set(p.pattern.regex.groupindex), inner
        elif isinstance(p, URLPattern):
            yield f"{ns}{p.name or '<unnamed ' + str(p.pattern) + '>'}", set(p.pattern.regex.groupindex), route + str(p.pattern)


def all_urls():
    return list(walk(get_resolver().url_patterns))


def admin_url(route: str) -> str:
    """A concrete URL for an admin route (path converters or regex groups filled in)."""
    url = re.sub(r"<(?:\w+:)?(\w+)>", "1", route)
    url = re.sub(r"\(\?P<app_label>[^)]*\)", "evaluations", url)
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "x", url)
    return "/" + url.replace("^", "").replace("$", "")


def test_every_url_of_the_project_is_declared():
    names = [name for name, _params, _route in all_urls()]
    undeclared = sorted({n for n in names if not n.startswith("admin:") and n not in RULES})
    assert not undeclared, f"新 URL 未声明访问规则（加到 RULES 并确认它检查了权限）：{undeclared}"
    assert not set(RULES) - set(names), "RULES names URLs that no longer exist"


@pytest.fixture
def site(db):
    """Everything of unit 甲 that a URL can name: campaign, package, versions, upload, visit, report, link."""
    world = make_world()
    link = satisfaction_form_issue(campaign=world.campaign, actor=world.evaluator).links.get(target=world.target)
    accept_all(world)
    advance_to(world, Campaign.Status.FIELD_VISIT)
    photo = services.upload_add(target=world.target, actor=world.evaluator, purpose="photo", data=PNG, name="门牌.png")
    report = Report.objects.create(target=world.target)
    campaign_tree_factory(actor=world.evaluator, campaign=world.campaign)  # the scoring pages have a tree to show
    unit = world.target.unit  # a registry version of unit 甲, as an import writes it
    registry_apply(records=[UnitRecordFactory(code=unit.code, name=unit.name)], actor=None, source=UnitVersion.Source.SEED)
    notification = Notification.objects.filter(user=world.liaison).first()
    objects = {"campaign": world.campaign.pk, "target": world.target.pk, "upload": photo.pk, "report": report.pk,
               "notification": notification.pk, "unit": world.target.unit_id, "team": world.target.team_id,
               "version": unit.versions.get().pk}
    objects |= pool_and_register_objects(world)
    # surveys: the satisfaction form, one of its questions, an answer of unit 甲, an export
    from surveys.models import Export
    from surveys.services import survey_response_submit

    form = link.form
    answers = {q.code: "satisfied" for q in form.questions.filter(counts_for_satisfaction=True)}
    objects |= {"form": form.pk, "form_unit": form.pk, "question": form.questions.first().pk,
                "response": survey_response_submit(link=link, data=answers).pk,
                "export": Export.objects.create(form=form, format="csv").pk}
    return world, objects, link.token


def pool_and_register_objects(world) -> dict:
    """A loan, a movement, a request (with an attachment) and a reclaim proposal of unit 甲."""
    from datetime import date

    from django.core.files.base import ContentFile

    from bianzhi.models import Quota
    from bianzhi.pool.services import pool_deposit, pool_loan
    from scoring.register import request_file
    from scoring.register_models import ReclaimProposal

    unit = world.target.unit
    Quota.objects.update_or_create(unit=unit, kind="administrative", defaults={"approved": 20, "actual": 10})
    deposit = pool_deposit(unit=unit, pool="city", quota_kind="administrative", amount=3, posted_on=date(2026, 1, 1))
    loan = pool_loan(borrower=unit, pool="city", quota_kind="administrative", amount=1, field="other",
                     start_on=date(2026, 1, 1), due_on=date(2027, 1, 1))
    item = request_file(unit=unit, actor=world.liaison, kind="body", body_name="综合科", reason="需要",
                        attachment=ContentFile(PNG, name="附件.png"))
    reclaim = ReclaimProposal.objects.create(unit=unit, quota_kind="administrative", amount=1, reason="空编")
    return {"loan": loan.pk, "movement": deposit.pk, "request": item.pk, "reclaim": reclaim.pk}


def url_for(name: str, params: set[str], objects: dict, token: str) -> tuple[str, str]:
    """The URL, and whose object it names (campaign, target, upload, report, notification, unit)."""
    owner = (
        "upload" if name.startswith(("evaluations:upload_", "upload-")) and name != "evaluations:upload_create"
        else "notification" if name.startswith("evaluations:notification")
        else "report" if name in {"reports:status", "reports:download"}
        else "unit" if name.startswith(("unit-", "registry:unit_", "pool:unit_", "register-api-may-file"))
        else "loan" if name == "pool:loan_close"
        else "movement" if name == "pool:movement_reverse"
        else "request" if name.startswith("register:request_")
        else "reclaim" if name == "register:reclaim_decide"
        else "export" if name in {"surveys:export_status", "surveys:export_download"}
        else "form_unit" if name.startswith("surveys:") and {"pk", "target_pk"} <= params
        else "form" if name.startswith("surveys:") and "pk" in params or name.startswith("form-")
        else "target" if name.startswith(("evaluations:package", "evaluations:self_", "evaluations:upload_create",
                                          "evaluations:field_visit", "package-", "reports:request"))
        else "campaign"
    )
    values = {"pk": objects[owner], "target_pk": objects["target"], "campaign_pk": objects["campaign"],
              "team_pk": objects["team"],
              "token": token, "version": 1, "version_pk": objects["version"], "format": "json", "name": "0" * 32,
              "node": "root", "question_pk": objects["question"], "response_pk": objects["response"]}
    if owner == "campaign" and "campaign_pk" in params and name.startswith("register"):
        values["campaign_pk"] = objects["campaign"]
    return reverse(name, kwargs={p: values[p] for p in params}), owner


def fingerprint():
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in
            {"bianzhi", "evaluations", "surveys", "scoring", "reports"}} | {
        "statuses": sorted(Campaign.objects.values_list("status", flat=True))}


def as_user(user: User | None) -> Client:
    client = Client()
    if user:
        client.force_login(user)
    return client


def refused_to_anonymous(response) -> bool:
    return response.status_code in (401, 403) or (
        response.status_code == 302 and "login" in response["Location"]
    )


def test_each_url_checks_who_may_use_it(site):
    world, objects, token = site
    # a liaison of unit 乙 (in the same campaign), and one of a unit outside the campaign
    neighbour = as_user(UserFactory(role=User.Role.LIAISON, unit=world.other.unit))
    outsider = as_user(UserFactory(role=User.Role.LIAISON, unit=UnitFactory()))
    anonymous, leader = as_user(None), as_user(world.leader)
    checked = 0
    for name, params, _route in all_urls():
        if name.startswith("admin:"):
            continue
        rules = RULES[name]
        url, owner = url_for(name, params, objects, token)
        checked += 1
        if PUBLIC not in rules:
            for method in ("get", "post"):
                response = getattr(anonymous, method)(url)
                assert refused_to_anonymous(response), f"anonymous {method.upper()} {url} → {response.status_code}"
        if OBJECT in rules:
            # a campaign is shared by its units; anything of unit 甲 is hidden from unit 乙 too
            intruders = [outsider] if owner in {"campaign", "form"} else [outsider, neighbour]
            for client in intruders:
                for method in ("get", "post"):
                    status = getattr(client, method)(url).status_code
                    assert status in (403, 404, 405), f"another unit's liaison {method.upper()} {url} → {status}"
        if OFFICE in rules:
            status = neighbour.get(url).status_code
            assert status in (403, 404, 405), f"a liaison GET {url} (office only) → {status}"
        if PUBLIC not in rules:
            before = fingerprint()
            status = leader.post(url, {"action": "accept", "reason": "x", "name": "领导改名"}).status_code
            if WRITE in rules:
                assert status in (403, 404, 405), f"a leader POST {url} (a write) → {status}"
            assert fingerprint() == before, f"a leader's POST to {url} changed data"
    assert checked >= 40


def test_admin_pages_refuse_anonymous_users_and_liaisons(site):
    world, objects, token = site
    for user in (None, world.liaison):
        client = as_user(user)
        for name, _params, route in all_urls():
            if not name.startswith("admin:") or name in ADMIN_PUBLIC:
                continue
            url = admin_url(route)
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (user, url)


def test_the_public_links_answer_without_an_account(site):
    _world, _objects, token = site
    assert Client().get(reverse("surveys:fill", args=[token])).status_code == 200
    assert Client().get(reverse("login")).status_code == 200
    assert Client().get(reverse("surveys:fill", args=["guessed-token"])).status_code == 404


def test_the_url_walk_would_catch_an_undeclared_url(settings):
    """The guard itself: a new, undeclared URL makes the declaration test fail."""
    import types

    from django.urls import clear_url_caches, path

    from bianzhi import urls as root

    module = types.ModuleType("with_extra_url")
    module.urlpatterns = [*root.urlpatterns, path("secret/", lambda request: None, name="secret")]
    settings.ROOT_URLCONF = module
    clear_url_caches()
    try:
        with pytest.raises(AssertionError, match="secret"):
            test_every_url_of_the_project_is_declared()
    finally:
        clear_url_caches()

