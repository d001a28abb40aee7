"""Which indicators a campaign evaluates: its kind picks the blocks (执行情况 / 使用效益), each its own sub-score."""

from scoring.indicators import DIMENSIONS, Dimension

# 执行情况 (is the 三定 carried out: functions, bodies, quotas, routine management) vs
# 使用效益 (what the quotas yield: mechanisms, cooperation, duties, efficiency).
BLOCK_DIMENSIONS = {
    "execution": ("D1", "D2", "D3", "D8"),
    "benefit": ("D4", "D5", "D6", "D7"),
}


def campaign_dimensions(campaign) -> list[tuple[str, list[Dimension]]]:
    """[(block, its dimensions)] for the campaign's kind, in the order of the tree."""
    return [
        (block, [d for d in DIMENSIONS if d.code in BLOCK_DIMENSIONS[block]]) for block in campaign.blocks
    ]


def campaign_indicator_codes(campaign) -> list[str]:
    return [i.code for _block, dims in campaign_dimensions(campaign) for d in dims for i in d.indicators]


def block_subscores(scores: dict[str, float | None]) -> dict[str, float | None]:
    """The mean self-score of each block over its scored indicators (None when none is scored)."""
    result = {}
    for block, codes in BLOCK_DIMENSIONS.items():
        values = [v for code, v in scores.items() if code.split("_")[0] in codes and v is not None]
        result[block] = sum(values) / len(values) if values else None
    return result
