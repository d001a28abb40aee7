"""A campaign of two units walked to 撰写报告: self-assessments accepted, field visits done with a judgement and
a problem each, results stored (version 1)."""

from datetime import date

import pytest

from evaluations import services as ev
from evaluations.models import Campaign

from ..evaluations.conftest import accept_all, advance_to, make_world
from ..factories import QuotaFactory

PROBLEM = "门牌与三定规定的内设机构名称不一致"
JUDGEMENT = "该单位机构编制执行总体规范，履职情况良好"


def walk_to_report(world):
    for target, (approved, actual) in ((world.target, (10, 9)), (world.other, (8, 8))):
        QuotaFactory(unit=target.unit, approved=approved, actual=actual)
    accept_all(world)
    advance_to(world, Campaign.Status.FIELD_VISIT)
    for target in (world.target, world.other):
        ev.field_visit_save(
            target=target, actor=world.evaluator, checks={"D2_01": (PROBLEM, True)}, interview=("群众", "满意"),
            fields={"visit_date": date(2026, 9, 1), "listen_notes": "汇报", "signs_match": False, "posts_match": True,
                    "people_in_place": True, "ballots_handed_out": 10, "judgement": JUDGEMENT},
        )
        ev.field_visit_complete(target=target, actor=world.evaluator)
    advance_to(world, Campaign.Status.REPORT)
    return world


@pytest.fixture
def report_world(db):
    return walk_to_report(make_world())
