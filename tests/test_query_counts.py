"""Every GET page the URL rules list runs as many queries with many rows as with few (no N+1).

The pages are found by walking the URL resolver (tests/test_url_permissions.py: `all_urls`, `RULES`, `url_for`,
the `site` fixture). Each page is rendered by a user who may see it (the office evaluator; the unit's liaison for
the liaison's pages; the first of evaluator, liaison, administrator the page answers 200), once with one row of
each kind (an empty list may skip a query: that is not growth), once after `grow` added several rows of every kind
a page lists: units and targets in the campaign, campaigns, 4 more self-assessment rows (indicators added to the
tree) and 3 evidence files on each of the 41 + 4 rows, answers, ballots, events, notifications, registry units and
versions, field-visit checks and problems, pool deposits and loans, requests, reclaims, experts.
Public pages (the public form, the expert's judging pages, login) take no signed-in user and are not compared.
"""

import re
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianzhi.models import Quota, UnitVersion, User
from bianzhi.pool.services import pool_deposit, pool_loan
from bianzhi.services import registry_apply
from evaluations.events import event_notice_seen, event_self_saved
from evaluations.indicators import campaign_indicator_codes, tree_changed
from evaluations.models import (
    CampaignTarget,
    FieldVisit,
    FieldVisitCheck,
    Problem,
    SelfAssessment,
    SelfAssessmentItem,
    Upload,
)
from evaluations.notifications import notify
from evaluations.services import campaign_create as create_campaign
from scoring.register import request_file
from scoring.register_models import ReclaimProposal
from scoring.services import expert_invite, indicator_add
from surveys.defaults import FORM_KINDS
from surveys.services import ballots_issue, form_create, survey_response_submit

from .evaluations.conftest import PDF
from .factories import UnitFactory, UnitRecordFactory, UserFactory
from .test_url_permissions import RULES, all_urls, as_user, site, url_for  # noqa: F401 (site is a fixture)

pytestmark = pytest.mark.django_db

GROW_UNITS = 4  # new units in the campaign (and registry units), answers, events… added by `grow`
FILES_PER_ROW = 3
SELF_ASSESSMENT_ROWS = 41

# Pages that must be among those checked (issue 9, item 6).
MUST_COVER = {
    "evaluations:self_assessment", "evaluations:campaign_detail", "evaluations:campaign_list",
    "evaluations:campaign_board", "registry:unit_list", "surveys:results", "evaluations:package",
    "evaluations:field_visit", "unit-list", "campaign-list", "package-list", "upload-list", "form-list",
}
# GET pages not compared, and why.
NOT_COMPARED = {
    "surveys:export_download": "the export has not been written (404 in the fixture); a file download, no list",
    "reports:download": "the report has not been rendered (404 in the fixture); a file download, no list",
    "registry:import_errors": "no file of marked errors was saved (404 in the fixture)",
    "scoring-api-weights": "404 until the weights are frozen",
    "schema": "the OpenAPI schema: generated from code, no rows",
    "favicon": "a static icon",
    "reports:zip": "no report file rendered in the fixture (404); a file download of the rendered files, no page",
    "reports:summary_download": "the summary has not been rendered (404 in the fixture); a file download, no list",
    "scoring-api-aggregate": "400 without the experts' judgements in the fixture; its inputs are one selector call",
    "reports:followup_file": "a file download (the fixture's upload is a photo, not an appeal's file: 404), no list",
    "reports:followup_appeal_create": "no result fed back at the field visit (404); tests/reports/test_followup.py",
    "reports:followup_my_reviews": "a reviewer's own page (none of the three viewers); tests/reports/test_followup.py",
}

# GET pages that answer with a redirect to every viewer (nothing rendered, nothing listed).
REDIRECTS = {"home": "sends each role to its own home page (which is compared)"}
# Query strings a page needs to answer at all.
QUERY = {"register-api-may-file": "?kind=posts"}


def pages():
    """(name, params) of every GET page of the URL rules, public pages and the admin aside."""
    for name, params, _route in all_urls():
        if name.startswith("admin:") or name in NOT_COMPARED:
            continue
        rule = RULES[name]
        if rule.get and not rule.public:
            yield name, params


def count(client, url) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return response.status_code, len(queries), [q["sql"] for q in queries.captured_queries]


def grow(world, objects, *, more: int, files: int, indicators: int, round: str):
    """Rows of every kind the pages list: `more` of each, `files` evidence files on every self-assessment row (in all),
    `indicators` more rows (indicators added to the campaign's tree)."""
    campaign, target = world.campaign, world.target
    team = target.team
    new_units = [UnitFactory(name=f"临川市新增{round}{i}局") for i in range(more)]
    registry_apply(records=[UnitRecordFactory(code=u.code, name=u.name) for u in new_units], actor=None,
                   source=UnitVersion.Source.SEED)
    registry_apply(records=[UnitRecordFactory() for _ in range(more)], actor=None, source=UnitVersion.Source.SEED)
    for unit in new_units:
        liaison = UserFactory(role=User.Role.LIAISON, unit=unit)
        extra = CampaignTarget.objects.create(campaign=campaign, unit=unit, team=team, liaison=liaison)
        SelfAssessment.objects.create(target=extra, version=1)
        Quota.objects.update_or_create(unit=unit, kind="administrative", defaults={"approved": 5, "actual": 3})
        event_notice_seen(target=extra, actor=liaison)
    dimension = campaign.indicator_tree.dimensions.order_by("pk").first()
    for n in range(indicators):
        indicator_add(dimension=dimension, actor=world.evaluator, name=f"新增指标{round}{n}")
    tree_changed(campaign)
    assessment = target.self_assessments.order_by("-version").first()
    codes = campaign_indicator_codes(campaign)
    for code in codes:
        item, _ = SelfAssessmentItem.objects.get_or_create(assessment=assessment, indicator_code=code,
                                                           defaults={"score": Decimal("8"), "narrative": "说明"})
        for n in range(item.evidence.count(), files):  # up to `files` files on every row
            upload = Upload.objects.create(
                target=target, purpose=Upload.Purpose.EVIDENCE, indicator_code=code,
                file=ContentFile(PDF, name=f"{code}-{n}.pdf"), original_name=f"{code}-{n}.pdf",
                content_type="application/pdf", size=len(PDF), sha256="0" * 64, uploaded_by=world.liaison)
            item.evidence.add(upload)
    # a replaced upload (the package lists versions)
    latest = target.uploads.filter(purpose=Upload.Purpose.PHOTO, replaced_by__isnull=True).get()
    Upload.objects.create(target=target, purpose=latest.purpose, file=ContentFile(PDF, name="v.pdf"),
                          original_name="v.pdf", content_type="application/pdf", size=len(PDF), sha256="1" * 64,
                          version=latest.version + 1, replaces=latest, uploaded_by=world.evaluator)
    # answers to the campaign's public form, events by several people, notifications
    link = objects["link"]
    answers = {q.code: "satisfied" for q in link.form.questions.filter(counts_for_satisfaction=True)}
    visit, _ = FieldVisit.objects.get_or_create(target=target, defaults={"team": team})
    checked = visit.checks.count()
    for n in range(more):
        survey_response_submit(link=link, data=answers)
        event_self_saved(target=target, actor=UserFactory(role=User.Role.LIAISON, unit=target.unit), version=1,
                         changes={codes[0]: "80"})
        notify(users=[world.liaison, world.evaluator], kind="info", title="又一条通知", key=f"grow-{round}{n}")
        # the field visit: checks and problems
        FieldVisitCheck.objects.create(visit=visit, indicator_code=codes[checked + n], finding="发现")
        Problem.objects.create(target=target, visit=visit, indicator_code=codes[checked + n], description="问题",
                               stage=FieldVisit.Stage.choices[0][0])
    # more campaigns (the lists), forms of the kinds the campaign lacks, experts, pool entries, requests, reclaims
    for n, unit in enumerate(new_units):
        create_campaign(name=f"又一次评估{round}{n}", year=2026, units=[unit], actor=world.evaluator)
        pool_deposit(unit=unit, pool="city", quota_kind="administrative", amount=1, posted_on=date(2026, 2, 1))
        ReclaimProposal.objects.create(unit=unit, quota_kind="administrative", amount=1, reason="空编")
        expert_invite(tree=campaign.indicator_tree, name=f"专家{round}{n}", actor=world.evaluator)
        request_file(unit=target.unit, actor=world.liaison, kind="body", body_name=f"新设科{round}{n}", reason="需要")
    # the unit's own ledger (loans) and registry history, ballots of the public form
    for _ in new_units:  # each new unit deposited one post (above): lent to the unit
        pool_loan(borrower=target.unit, pool="city", quota_kind="administrative", amount=1, field="other",
                  start_on=date(2026, 3, 1), due_on=date(2027, 3, 1))
    for _ in range(more):
        registry_apply(records=[UnitRecordFactory(code=target.unit.code, name=target.unit.name)], actor=None,
                       source=UnitVersion.Source.SEED)
    for extra in campaign.targets.all():
        ballots_issue(form=link.form, target=extra, actor=world.evaluator, count=more)
    # a campaign has at most one form of each of the 4 kinds: a bounded set, all made in the first round
    for kind in FORM_KINDS:
        form_create(campaign=campaign, kind=kind, actor=world.evaluator)
    return codes


def test_every_get_page_runs_the_same_number_of_queries_as_its_rows_grow(site):  # noqa: F811 (the fixture of the URL walk)
    world, objects, keys, token = site
    viewers = [as_user(u) for u in (world.evaluator, world.liaison, UserFactory(role=User.Role.ADMIN, is_staff=True))]
    # one row of each kind first (a page may skip a query when a list is empty: that is not growth)
    codes = grow(world, objects, more=1, files=1, indicators=0, round="a")
    assert len(codes) == SELF_ASSESSMENT_ROWS
    before, seen, unanswered = {}, set(), {}
    for name, params in pages():
        url, _owner = url_for(name, params, objects, keys, token)
        url += QUERY.get(name, "")
        statuses = []
        for i, client in enumerate(viewers):
            status, n, _sql = count(client, url)
            statuses.append(status)
            if status == 200:
                before[name] = (url, i, n)
                break
        else:
            unanswered[name] = statuses
    assert set(unanswered) == set(REDIRECTS), f"pages that answer 200 to no viewer: {unanswered}"
    codes = grow(world, objects, more=GROW_UNITS, files=FILES_PER_ROW, indicators=GROW_UNITS, round="b")
    assert len(codes) == SELF_ASSESSMENT_ROWS + GROW_UNITS  # every row with 3 files
    grew = []
    for name, (url, i, n) in before.items():
        status, after, sql = count(viewers[i], url)
        assert status == 200, (name, url, status)
        seen.add(name)
        print(f"{name}: {n} → {after} queries")  # the table of the report (pytest -s)
        if after > n:
            repeated = Counter(re.sub(r"\b\d+\b", "?", q)[:300] for q in sql).most_common(1)[0]
            grew.append(f"{name} {url}: {n} → {after} queries; most repeated ({repeated[1]}×): {repeated[0]}")
    assert seen >= MUST_COVER, MUST_COVER - seen
    # the self-assessment page did list what grew: every row (41 + the added ones) with its 3 files
    url, i, _n = before["evaluations:self_assessment"]
    page = viewers[i].get(url).content.decode()
    missing = [f"{code}-{n}.pdf" for code in codes for n in range(FILES_PER_ROW) if f"{code}-{n}.pdf" not in page]
    assert not missing, missing
    assert not grew, "\n".join(grew)
