"""统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character over the first 17. Pure."""

from django.utils.translation import gettext as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: digits and capitals without I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
VALUES = {char: n for n, char in enumerate(CHARSET)}


def check_character(first17: str) -> str:
    """The 18th character for the first 17: 31 − (Σ value × weight mod 31), where 31 becomes 0."""
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """None for a valid code, else what is wrong with it, in Chinese."""
    if len(code) != 18:
        return _("统一社会信用代码应为18位，实际为%(n)s位") % {"n": len(code)}
    bad = sorted({char for char in code if char not in VALUES})
    if bad:
        return _("统一社会信用代码含有不允许的字符：%(chars)s（只能是数字和除I、O、S、V、Z以外的大写字母）") % {
            "chars": "".join(bad)}
    expected = check_character(code[:17])
    if code[17] != expected:
        return _("统一社会信用代码校验位错误：第18位应为%(want)s，实际为%(got)s") % {"want": expected, "got": code[17]}
    return None


def credit_code_complete(first17: str) -> str:
    """The full code for 17 characters (used to make valid demo and test codes)."""
    return first17 + check_character(first17)
