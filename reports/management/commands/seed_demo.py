"""A believable demo city: the municipal level and two counties, their units, a campaign under way.

Idempotent: units and accounts are matched by code and username, the campaign by year and name, and
answers are only added to a campaign that has none.
"""

import dataclasses
import random
import zlib
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from bianzhi.credit_code import credit_code_complete
from bianzhi.importers import QUOTA_KINDS, RANKS, UnitRecord, canonical_lines
from bianzhi.models import Quota, Unit, UnitVersion, User
from bianzhi.services import registry_apply
from evaluations import services as workflow
from evaluations.indicators import campaign_indicator_codes, campaign_indicators
from evaluations.models import Campaign
from evaluations.services import campaign_advance, campaign_create
from reports.followup.models import RectificationItem
from reports.followup.services import rectifications_carry_over
from scoring.demo import seed_last_year_campaign, seed_results_application
from scoring.judging import answers_from_weights
from scoring.models import IndicatorTree
from scoring.selectors import tree_nodes
from scoring.services import campaign_tree_copy, default_template_ensure, expert_invite, judgement_save
from surveys.models import Form, SheetSignoff
from surveys.services import (
    ballot_submit,
    ballots_issue,
    form_create,
    satisfaction_form_issue,
    sheet_entries_save,
    sheet_file_add,
    sheet_settings_update,
    sheet_signoff,
    survey_links_issue,
    survey_response_submit,
)

CITY = "市本级"
COUNTIES = ("东湖县", "西山区")
PG, MASS, INST = Unit.Kind.PARTY_GOVERNMENT, Unit.Kind.MASS_ORGANIZATION, Unit.Kind.PUBLIC_INSTITUTION

# (code, name, short name, kind, supervising department code, approved, actual)
MUNICIPAL_UNITS = [
    ("M001", "中共临川市委办公室", "市委办", PG, None, 45, 43),
    ("M002", "临川市人民政府办公室", "市政府办", PG, None, 50, 47),
    ("M003", "临川市发展和改革委员会", "市发改委", PG, None, 60, 55),
    ("M004", "临川市教育局", "市教育局", PG, None, 40, 38),
    ("M005", "临川市财政局", "市财政局", PG, None, 55, 54),
    ("M006", "临川市人力资源和社会保障局", "市人社局", PG, None, 48, 41),
    ("M007", "临川市自然资源局", "市自然资源局", PG, None, 52, 50),
    ("M008", "临川市生态环境局", "市生态环境局", PG, None, 38, 30),
    ("M009", "临川市住房和城乡建设局", "市住建局", PG, None, 42, 42),
    ("M010", "临川市交通运输局", "市交通局", PG, None, 36, 33),
    ("M011", "临川市农业农村局", "市农业农村局", PG, None, 44, 39),
    ("M012", "临川市卫生健康委员会", "市卫健委", PG, None, 46, 45),
    ("M013", "临川市市场监督管理局", "市市场监管局", PG, None, 70, 66),
    ("M014", "临川市审计局", "市审计局", PG, None, 30, 24),
    ("M015", "临川市统计局", "市统计局", PG, None, 22, 25),  # overstaffed: 超编 3
    ("M016", "临川市林业和草原局", "市林草局", PG, None, 28, 26),
    ("M017", "临川市畜牧兽医局", "市畜牧局", PG, None, 20, 18),  # also staffed on institutional quotas
    ("M018", "临川市人民政府国有资产监督管理委员会", "市国资委", PG, None, 24, 22),
    ("M019", "临川市总工会", "市总工会", MASS, None, 18, 16),
    ("M020", "共青团临川市委员会", "团市委", MASS, None, 12, 10),
    ("M021", "临川市妇女联合会", "市妇联", MASS, None, 12, 11),
    ("M101", "临川市疾病预防控制中心", "市疾控中心", INST, "M012", 85, 80),
    ("M102", "临川市人民医院", "市人民医院", INST, "M012", 420, 402),
    ("M103", "临川市第一中学", "市一中", INST, "M004", 160, 151),
    ("M104", "临川市政务服务中心", "市政务中心", INST, "M002", 35, 29),
    ("M105", "临川市档案馆", "市档案馆", INST, "M001", 18, 12),
    ("M106", "临川市不动产登记中心", "市不动产中心", INST, "M007", 40, 38),
    ("M107", "临川市就业服务中心", "市就业中心", INST, "M006", 30, 27),
]
COUNTY_UNITS = [
    ("01", "中共{c}委办公室", "{c}委办", PG, None, 28, 27),
    ("02", "{c}人民政府办公室", "{c}政府办", PG, None, 30, 26),
    ("03", "{c}教育局", "{c}教育局", PG, None, 22, 21),
    ("04", "{c}卫生健康局", "{c}卫健局", PG, None, 20, 17),
    ("05", "{c}财政局", "{c}财政局", PG, None, 26, 25),
    ("06", "{c}总工会", "{c}总工会", MASS, None, 8, 7),
    ("07", "{c}人民医院", "{c}医院", INST, "04", 210, 198),
]
INSTITUTIONAL_QUOTA = {"M101": Quota.Kind.INSTITUTIONAL_FULL, "M102": Quota.Kind.INSTITUTIONAL_PARTIAL}

SEED_AS_OF = date(2026, 6, 30)
SEED_HISTORY_AS_OF = date(2025, 6, 30)
REGION_CODES = {CITY: "361000", COUNTIES[0]: "361021", COUNTIES[1]: "361022"}
FUNCTIONS = {
    PG: ("贯彻执行党和国家有关方针政策和法律法规，拟订{n}职责范围内的政策措施并组织实施。",
         "负责本行业、本领域的规划、协调和监督管理工作。",
         "完成市委、市政府交办的其他任务。"),
    MASS: ("团结动员所联系群众，维护其合法权益。", "组织开展{n}的各项群众工作。", "完成市委交办的其他任务。"),
    INST: ("承担{n}的公益服务职能。", "承办主管部门交办的技术支撑和事务性工作。"),
}
BODIES = {
    PG: (("办公室", "负责{n}机关日常运转，承担文电、会务、档案等工作。"), ("政策法规科", "负责政策研究和法治建设工作。"),
         ("业务科", "负责{n}的主要业务工作。")),
    MASS: (("办公室", "负责机关日常运转。"), ("组织联络部", "负责组织建设和联络工作。")),
    INST: (("综合科", "负责{n}的综合管理工作。"), ("业务科", "负责业务工作。")),
}


def demo_credit_code(code: str, kind: str, region: str) -> str:
    """A valid, stable 统一社会信用代码: 1 (机构编制) + category + region + a number from the unit code."""
    category = {PG: "1", MASS: "3", INST: "2"}[kind]
    return credit_code_complete(f"1{category}{REGION_CODES[region]}{zlib.crc32(code.encode()) % 10**8:08d}0")


DEMO_PASSWORD = "bianzhi-demo"
DEMO_ACCOUNTS = [
    ("admin", "系统管理员", User.Role.ADMIN, None),
    ("evaluator", "王评估", User.Role.EVALUATOR, None),
    ("leader", "李主任", User.Role.LEADER, None),
    ("liaison", "张填报（市教育局）", User.Role.LIAISON, "M004"),
    ("evaluator2", "赵评估", User.Role.EVALUATOR, None),
    ("reviewer", "孙复核", User.Role.REVIEWER, None),  # 复核: decides a unit's appeal, not on its team
]
PLAN_TEXT = """一、评估目的：全面了解各部门单位机构编制执行情况和使用效益。
二、评估范围：市直党政机关、群团机关、事业单位及东湖县所属部门单位。
三、评估方式：部门自评、社会调查、实地评估（听、查、看、访、评）相结合。
四、时间安排：见评估通知所列各环节截止日期。"""
NOTICE_TEXT = """各被评估单位：
根据年度工作安排，现开展机构编制执行情况和使用效益评估。请各单位对照评估指标逐项开展自查自评，
填写自评分和情况说明，上传佐证材料和自评报告，并在截止日期前提交。"""
# A tiny but valid one-page PDF, standing in for a unit's self-assessment report.
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
CAMPAIGN_NAME = "机构编制执行情况和使用效益评估"
DEMO_EXPERTS = [("陈教授", "临川大学公共管理学院"), ("刘处长", "市委编办综合科"), ("赵研究员", "市行政学院")]
CAMPAIGN_YEAR = 2026


class Command(BaseCommand):
    help = "建立演示数据：临川市市本级和两个县区的单位、编制、账号，以及一项进行中的评估活动。"

    @transaction.atomic
    def handle(self, *args, **options):
        rng = random.Random(2026)
        units = self._units()
        accounts = self._accounts(units)
        self._unit_liaisons(units)
        campaign = self._campaign(units, accounts, rng)

        # last year's campaign first: the result rules below read its results as they will on a real site
        last_year = seed_last_year_campaign(evaluator=accounts["evaluator"], rng=random.Random(2025))
        self._last_year_rectification(last_year, campaign, accounts["evaluator"])
        seed_results_application(evaluator=accounts["evaluator"])
        self.stdout.write(self.style.SUCCESS(f"演示数据就绪：{len(units)} 个单位，评估活动“{campaign}”。"))
        self.stdout.write("演示账号（密码均为 %s）：" % DEMO_PASSWORD)
        for username, name, role, _unit in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:10} {User.Role(role).label} {name}")

    def _units(self) -> dict[str, Unit]:
        """The registry goes in through the import's own service, so the demo city round-trips through Excel."""
        history, current = self._records()
        if not UnitVersion.objects.filter(source=UnitVersion.Source.SEED).exists():
            registry_apply(records=history, actor=None, source=UnitVersion.Source.SEED)
        registry_apply(records=current, actor=None, source=UnitVersion.Source.SEED)
        return {u.code: u for u in Unit.objects.filter(code__in=[r.code for r in current])}

    def _records(self) -> tuple[list[UnitRecord], list[UnitRecord]]:
        """Each unit a year ago (the history) and now: a few people hired since, so some vacancies are long."""
        rows = [(code, name, short, kind, sup, a, b, CITY, Unit.Level.MUNICIPAL) for code, name, short, kind, sup, a, b in MUNICIPAL_UNITS]
        for n, county in enumerate(COUNTIES, start=1):
            for suffix, name, short, kind, sup, a, b in COUNTY_UNITS:
                code = f"C{n}{suffix}"
                rows.append((code, name.format(c=county), short.format(c=county[:2]), kind,
                             f"C{n}{sup}" if sup else None, a, b, county, Unit.Level.COUNTY))
        history, current = [], []
        for code, name, short, kind, sup, approved, actual, region, level in rows:
            quota_kind = {PG: Quota.Kind.ADMINISTRATIVE, MASS: Quota.Kind.ADMINISTRATIVE}.get(
                kind, INSTITUTIONAL_QUOTA.get(code, Quota.Kind.INSTITUTIONAL_FULL)
            )
            quotas = [(quota_kind, approved, actual)]
            if kind != INST:
                # the forestry bureau: 工勤编制 2 over while 行政编制 has 2 vacancies (the total nets them away)
                quotas.append((Quota.Kind.SERVICE_WORKER, 3, 5 if code == "M016" else 2))
            if code == "M017":  # 党政机关使用事业编制: the animal-husbandry bureau keeps six people on institutional quotas
                quotas.append((Quota.Kind.INSTITUTIONAL_FULL, 6, 6))
            municipal = level == Unit.Level.MUNICIPAL
            rank = (Unit.Rank.DIVISION_FULL if municipal else Unit.Rank.SECTION_FULL) if kind != INST or code == "M102" else (
                Unit.Rank.DIVISION_DEPUTY if municipal else Unit.Rank.SECTION_DEPUTY)
            deputy = {Unit.Rank.DIVISION_FULL: Unit.Rank.DIVISION_DEPUTY, Unit.Rank.SECTION_FULL: Unit.Rank.SECTION_DEPUTY}
            posts = [(rank, 1, 1)]
            if rank in deputy:
                # 超职数: the statistics bureau has one deputy more than approved
                posts.append((deputy[rank], 3, 4 if code == "M015" else 3))
            record = UnitRecord(
                code=code, name=name, short_name=short, credit_code=demo_credit_code(code, kind, region),
                kind=kind, institution_class=Unit.InstitutionClass.PUBLIC_WELFARE_1 if kind == INST and code != "M102"
                else (Unit.InstitutionClass.PUBLIC_WELFARE_2 if kind == INST else ""),
                level=level, region=region, rank=rank, parent_code=sup or "", supervisor_code=sup or "",
                approval_number=f"临编发〔2019〕{int(zlib.crc32(code.encode()) % 90) + 10}号", approval_date=date(2019, 3, 1),
                staff_as_of=SEED_AS_OF, quotas=canonical_lines(quotas, QUOTA_KINDS), posts=canonical_lines(posts, RANKS),
                functions=tuple(f.format(n=short) for f in FUNCTIONS[kind]),
                bodies=tuple((b, d.format(n=short)) for b, d in BODIES[kind]),
            )
            current.append(record)
            # A year earlier the first quota kind had two more vacancies (hired since), where there was room.
            first = record.quotas[0]
            earlier = ((first[0], first[1], max(first[2] - 2, 0)),) + record.quotas[1:]
            history.append(dataclasses.replace(record, staff_as_of=SEED_HISTORY_AS_OF, quotas=earlier))
        return history, current

    def _accounts(self, units: dict[str, Unit]) -> dict[str, User]:
        accounts = {}
        for username, name, role, unit_code in DEMO_ACCOUNTS:
            user, created = User.objects.update_or_create(
                username=username,
                defaults={"first_name": name, "role": role, "unit": units.get(unit_code),
                          "is_staff": role == User.Role.ADMIN, "is_superuser": role == User.Role.ADMIN},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            accounts[username] = user
        return accounts

    def _unit_liaisons(self, units: dict[str, Unit]) -> None:
        """Every unit gets a liaison account (the demo one keeps its name), so no package is left to nobody."""
        password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        for code, unit in units.items():
            if unit.liaisons.exists():
                continue
            User.objects.update_or_create(
                username=f"liaison_{code.lower()}",
                defaults={"first_name": f"{unit.short_name or unit.name}填报员", "role": User.Role.LIAISON, "unit": unit},
                create_defaults={"first_name": f"{unit.short_name or unit.name}填报员", "role": User.Role.LIAISON,
                                 "unit": unit, "password": password},
            )

    def _campaign(self, units: dict[str, Unit], accounts: dict[str, User], rng: random.Random) -> Campaign:
        evaluator = accounts["evaluator"]
        campaign = Campaign.objects.filter(year=CAMPAIGN_YEAR, name=CAMPAIGN_NAME).first()
        if campaign is None:
            in_scope = [u for code, u in units.items() if code.startswith("M") or code.startswith("C1")]
            campaign = campaign_create(name=CAMPAIGN_NAME, year=CAMPAIGN_YEAR, units=in_scope, actor=evaluator,
                                       plan_text=PLAN_TEXT, notice_text=NOTICE_TEXT)
            self._organise(campaign, accounts)
        form = satisfaction_form_issue(campaign=campaign, actor=evaluator)
        if not form.responses.exists():
            self._answers(form, rng)
        if not IndicatorTree.objects.filter(campaign=campaign).exists():
            self._ahp_judgements(campaign, evaluator, rng)
        self._staff_assessment(campaign, evaluator, rng)
        self._evaluation_sheet(campaign, evaluator, rng)
        self._questionnaire(campaign, evaluator, rng)
        self._signed_sheets(campaign, evaluator, rng)
        return campaign

    def _evaluation_sheet(self, campaign, evaluator: User, rng: random.Random) -> None:
        """评估表: the first team's evaluator has scored a municipal unit, with a file beside one indicator."""

        form = form_create(campaign=campaign, kind=Form.Kind.EVALUATION_SHEET, actor=evaluator)
        target = campaign.targets.select_related("unit").filter(team__members=evaluator).first()
        if target is None or target.sheet_entries.exists():
            return
        questions = list(form.questions.filter(type="score")[:8])
        sheet_entries_save(form=form, target=target, evaluator=evaluator, data={
            **{q.code: str(rng.randint(6, 10)) for q in questions},
            f"{questions[0].code}_reason": "职责均有法律法规和“三定”规定依据。",
        })
        sheet_file_add(form=form, target=target, question=questions[0], actor=evaluator, data=DEMO_PDF,
                       name=f"{target.unit.short_name}逐项核查记录.pdf")

    def _staff_assessment(self, campaign, evaluator: User, rng: random.Random) -> None:
        """测评表: ballots for every unit but the last three, with enough answers (6) for most to be scored;
        the first unit has 8, two units only 2 (below the minimum: their staff-assessed indicators are missing)."""

        form = form_create(campaign=campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=evaluator)
        if form.ballot_boxes.exists():
            return
        scale = ["satisfied", "satisfied", "basically_satisfied", "dissatisfied"]
        targets = list(campaign.targets.select_related("unit").order_by("unit__code"))
        for n, target in enumerate(targets[:-3]):
            box = ballots_issue(form=form, target=target, actor=evaluator, count=12)
            answered = 8 if n == 0 else (2 if n in (1, 2) else 6)
            for ballot in box.ballots.all()[:answered]:
                ballot_submit(code=ballot.code, data={f"d{d}": rng.choice(scale) for d in range(1, 9)})

    def _questionnaire(self, campaign, evaluator: User, rng: random.Random) -> None:
        """调查问卷: a few answers for every unit but the last three (its tagged questions feed D5_04 etc.)."""

        form = form_create(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator)
        if form.responses.exists():
            return
        survey_links_issue(form=form, actor=evaluator)
        levels = ["very_good", "good", "good", "fair", "poor"]
        for link in form.links.select_related("target__unit").order_by("target__unit__code")[: form.links.count() - 3]:
            for _i in range(4):
                survey_response_submit(link=link, data={
                    "respondent": rng.choice(["staff", "related_unit"]),
                    **{code: rng.choice(levels) for code in ("duty_overlap", "quota_fit", "division_of_work",
                                                             "cooperation", "workload")},
                    "overall": str(rng.randint(6, 10)),
                })

    def _signed_sheets(self, campaign, evaluator: User, rng: random.Random) -> None:
        """评估表 signed by the lead (王评估) for most units: each team scores its units, every indicator; the
        unit whose sheet is only begun and the last two units stay unsigned."""

        form = form_create(campaign=campaign, kind=Form.Kind.EVALUATION_SHEET, actor=evaluator)
        if SheetSignoff.objects.filter(form=form).exists():
            return
        if form.lead_evaluator_id is None:
            sheet_settings_update(form=form, combine=Form.Combine.MEAN, spread_limit=Decimal("2"),
                                  lead_evaluator=evaluator, actor=evaluator)
            form.refresh_from_db()
        questions = list(form.questions.filter(type="score"))
        targets = list(campaign.targets.select_related("unit", "team").prefetch_related("team__members")
                       .order_by("unit__code"))
        for target in targets[:-2]:
            if target.sheet_entries.exists():  # the sheet begun by hand in the demo: left as it is
                continue
            member = target.team.members.first()
            leaning = rng.uniform(7.0, 9.6)
            scores = {q.code: f"{min(10.0, max(4.0, rng.gauss(leaning, 0.8))):.1f}" for q in questions}
            scores.update({q.code: "0" for q in questions if q.indicator == "D6_10"})  # no 重大失误
            if target.unit.code == "M013":
                scores.update({q.code: "1" for q in questions if q.indicator == "D6_10"})  # one 重大失误
            sheet_entries_save(form=form, target=target, evaluator=member, data=scores)
            sheet_signoff(form=form, target=target, actor=evaluator)

    def _ahp_judgements(self, campaign: Campaign, evaluator: User, rng: random.Random) -> None:
        """The campaign's copy of the default tree, judged by three experts who broadly agree; not frozen yet."""
        tree = campaign_tree_copy(campaign=campaign, template=default_template_ensure(), actor=evaluator)
        for name, affiliation in DEMO_EXPERTS:
            expert = expert_invite(tree=tree, name=name, affiliation=affiliation, actor=evaluator)
            for node, (codes, _names) in tree_nodes(tree=tree).items():
                if len(codes) > 1:
                    weights = [rng.uniform(1, 3) for _code in codes]
                    judgement_save(expert=expert, node=node, answers=answers_from_weights(weights))

    def _organise(self, campaign: Campaign, accounts: dict[str, User]) -> None:
        """Teams, deadlines, the notice out, and packages at every point of the self-assessment."""
        evaluator = accounts["evaluator"]
        today = timezone.localdate()
        targets = list(campaign.targets.select_related("unit"))
        workflow.team_save(campaign=campaign, actor=evaluator, name="第一评估组", members=[evaluator],
                           targets=[t for t in targets if t.unit.level == Unit.Level.MUNICIPAL])
        workflow.team_save(campaign=campaign, actor=evaluator, name="第二评估组", members=[accounts["evaluator2"]],
                           targets=[t for t in targets if t.unit.level == Unit.Level.COUNTY])
        workflow.campaign_deadlines_set(campaign=campaign, actor=evaluator, deadlines={
            Campaign.Status.NOTICE: today + timedelta(days=3), Campaign.Status.SELF_ASSESSMENT: today + timedelta(days=14),
            Campaign.Status.SURVEY: today + timedelta(days=30), Campaign.Status.FIELD_VISIT: today + timedelta(days=45),
            Campaign.Status.REPORT: today + timedelta(days=60),
        })
        for _step in range(2):  # 制定方案 → 发布通知 → 部门自评
            campaign = campaign_advance(campaign=campaign, actor=evaluator)
        codes = campaign_indicator_codes(campaign)
        indicators = campaign_indicators(campaign)
        by_code = {t.unit.code: t for t in campaign.targets.select_related("unit", "liaison", "team")}
        # accepted, submitted (awaiting review), returned; 市教育局 (the demo liaison) is left for the demo
        for code, end in [("M001", "accepted"), ("M002", "accepted"), ("M003", "submitted"), ("M005", "returned"),
                          ("C101", "submitted")]:
            target = by_code[code]
            liaison = target.liaison
            workflow.target_notice_seen(target=target, actor=liaison)
            # on each indicator's scale (the tree's full marks, one decimal; the negative one: no incident)
            workflow.self_assessment_save(target=target, actor=liaison, items={
                c: (Decimal(0) if indicators[c].negative else
                    (indicators[c].full_marks * Decimal(80 + (i * 7) % 19) / 100).quantize(Decimal("0.1")),
                    "已按要求落实。") for i, c in enumerate(codes)})
            workflow.upload_add(target=target, actor=liaison, purpose="self_report", data=DEMO_PDF,
                                name=f"{target.unit.short_name}自评报告.pdf")
            workflow.self_assessment_submit(target=target, actor=liaison)
            reviewer = target.team.members.first()
            if end == "accepted":
                workflow.self_assessment_accept(target=target, actor=reviewer)
            elif end == "returned":
                workflow.self_assessment_return(target=target, actor=reviewer, reason="佐证材料不全，请补充编制使用台账。")

    def _answers(self, form, rng: random.Random) -> None:
        """A few hundred answers; each unit has its own leaning, so the rates differ believably."""
        questions = list(form.questions.all())
        comments = ["办事很方便，点赞！", "希望进一步简化材料。", "窗口人员态度很好。", "排队时间有点长。", ""]
        for link in form.links.select_related("target"):
            leaning = rng.uniform(0.55, 0.95)
            for _i in range(rng.randint(6, 16)):
                data = {}
                for q in questions:
                    if q.counts_for_satisfaction:
                        roll = rng.random()
                        data[q.code] = "satisfied" if roll < leaning else ("basically_satisfied" if roll < leaning + 0.6 * (1 - leaning) else "dissatisfied")
                    else:
                        data[q.code] = rng.choice(comments)
                survey_response_submit(link=link, data=data)

    LAST_YEAR_RECTIFICATION = (  # (unit, what, closed on time?) — the open ones come into this year's campaign
        ("M002", "内设机构职责交叉，未按三定规定明确牵头处室", True),
        ("M004", "长期空编 3 名，未制定补充计划", True),
        ("M004", "部分编外聘用人员从事行政执法工作", False),
        ("M006", "领导职数超配 1 名", False),
        ("M008", "事业单位公益服务事项未公开", True),
    )

    def _last_year_rectification(self, last_year: Campaign, campaign: Campaign, evaluator: User) -> None:
        """Last year's 整改 items, as the closed campaign left them (written directly: a closed campaign takes no
        service call); the open ones are carried into this year's campaign as on its 发布通知."""
        if RectificationItem.objects.filter(target__campaign=last_year).exists():
            return
        targets = {t.unit.code: t for t in last_year.targets.select_related("unit")}
        deadline = timezone.localdate() - timedelta(days=270)  # two months after last year's feedback
        for code, title, closed in self.LAST_YEAR_RECTIFICATION:
            if code not in targets:
                continue
            RectificationItem.objects.create(
                target=targets[code], source=RectificationItem.Source.PROBLEM, title=title,
                responsible=targets[code].unit.name, measures="制定整改方案，明确责任人和完成时限，按期报送整改情况。",
                deadline=deadline, created_by=evaluator,
                status=RectificationItem.Status.CLOSED if closed else RectificationItem.Status.OPEN,
                closed_on=deadline - timedelta(days=10) if closed else None)
        rectifications_carry_over(campaign, evaluator)
