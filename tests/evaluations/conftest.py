"""A campaign of two units with their liaisons and an evaluation team, and small real files of each type."""

import io
import zipfile
from dataclasses import dataclass

import pytest

from bianzhi.models import Unit, User
from evaluations import services
from evaluations.indicators import campaign_indicator_codes
from evaluations.models import Campaign, CampaignTarget

from ..factories import UnitFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def office_zip(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


DOCX = office_zip("word/document.xml")
XLSX = office_zip("xl/workbook.xml")


@dataclass
class World:
    campaign: Campaign
    target: CampaignTarget
    other: CampaignTarget
    liaison: User
    other_liaison: User
    evaluator: User  # in the team that covers both units
    outsider: User  # an evaluator of no team
    leader: User

    def refresh(self):
        for obj in (self.campaign, self.target, self.other):
            obj.refresh_from_db()
        return self


def make_world() -> World:
    unit, other_unit = UnitFactory(name="临川市甲局"), UnitFactory(name="临川市乙局", level=Unit.Level.COUNTY)
    liaison = UserFactory(role=User.Role.LIAISON, unit=unit, first_name="甲填报")
    other_liaison = UserFactory(role=User.Role.LIAISON, unit=other_unit)
    evaluator = UserFactory(role=User.Role.EVALUATOR)
    campaign = services.campaign_create(name="年度评估", year=2026, units=[unit, other_unit], actor=evaluator,
                                        plan_text="实施方案正文", notice_text="请各单位于月底前完成自评。")
    targets = list(campaign.targets.order_by("unit__code"))
    services.team_save(campaign=campaign, actor=evaluator, name="第一组", members=[evaluator], targets=targets)
    return World(campaign=campaign, target=targets[0], other=targets[1], liaison=liaison, other_liaison=other_liaison,
                 evaluator=evaluator, outsider=UserFactory(role=User.Role.EVALUATOR),
                 leader=UserFactory(role=User.Role.LEADER)).refresh()


@pytest.fixture
def world(db) -> World:
    return make_world()


def advance_to(world: World, status: str) -> World:
    from ..reports.helpers import prepare_for

    while world.campaign.status != status:
        prepare_for(world.campaign, world.campaign.next_status, world.evaluator)  # signed reports, the summary
        world.campaign = services.campaign_advance(campaign=world.campaign, actor=world.evaluator)
    return world.refresh()


def fill_and_submit(world: World, target: CampaignTarget, liaison: User, score: str = "8") -> None:
    from decimal import Decimal

    items = {code: (Decimal(score), "说明") for code in campaign_indicator_codes(target.campaign)}
    services.self_assessment_save(target=target, actor=liaison, items=items)
    services.upload_add(target=target, actor=liaison, purpose="self_report", data=PDF, name="自评报告.pdf")
    services.self_assessment_submit(target=target, actor=liaison)


def accept_all(world: World) -> World:
    advance_to(world, Campaign.Status.SELF_ASSESSMENT)
    for target, liaison in ((world.target, world.liaison), (world.other, world.other_liaison)):
        fill_and_submit(world, target, liaison)
        services.self_assessment_accept(target=target, actor=world.evaluator)
    return world.refresh()
