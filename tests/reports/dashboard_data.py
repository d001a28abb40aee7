"""Campaigns with stored results for the dashboard's tests and benchmark: eight dimensions per unit, ranked."""

from decimal import Decimal

from evaluations.models import Campaign, CampaignTarget
from scoring import rules
from scoring.indicators import DIMENSIONS
from scoring.models import ResultVersion
from scoring.results import results_rank

from ..factories import CampaignFactory, UnitFactory


def stored_campaign(*, units, year=2026, status=Campaign.Status.REPORT, score=lambda i, d: 60 + (i * 7 + d * 3) % 40,
                    name=None) -> Campaign:
    """A campaign of `units` (a number: new units; or a list) with version 1 of each unit's result stored."""
    campaign = CampaignFactory(year=year, status=status, **({"name": name} if name else {}))
    if isinstance(units, int):
        units = [UnitFactory(kind=("party_government", "public_institution")[i % 2], level=("municipal", "county")[i % 3 == 0])
                 for i in range(units)]
    targets = CampaignTarget.objects.bulk_create([CampaignTarget(campaign=campaign, unit=u) for u in units])
    results = []
    for i, target in enumerate(targets):
        target.unit = units[i]
        dims = {d.code: {"name": d.name, "score": float(score(i, n)), "weight": 0.125} for n, d in enumerate(DIMENSIONS)}
        total = Decimal(str(round(sum(d["score"] for d in dims.values()) / 8, 2)))
        results.append(ResultVersion(campaign=campaign, target=target, version=1, total=total,
                                     grade=rules.grade(total, campaign.grade_cutoffs) or "", complete=True, scored=41,
                                     indicator_count=41, weight_covered=1.0, dimensions=dims))
    results_rank(results)
    ResultVersion.objects.bulk_create(results)
    return campaign
