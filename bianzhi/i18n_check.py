"""What the English catalogue still lacks: untranslated or fuzzy entries (Django ignores both, so the page
shows Chinese), Chinese left in a translation, and placeholders that differ from the msgid's.

`make messages-check` (or `python -m bianzhi.i18n_check`) prints them; tests/test_i18n.py fails on any.
"""

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale"
CATALOGUES = [LOCALE / "en" / "LC_MESSAGES" / "django.po", LOCALE / "en" / "LC_MESSAGES" / "djangojs.po"]
# Han ideographs, CJK punctuation and full-width forms: none of them belongs in an English page.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{[^{}]*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False
    line: int = 0


def _unquote(text: str) -> str:
    return text[1:-1].encode("raw_unicode_escape").decode("unicode_escape") if text.startswith('"') else ""


def parse(path: Path) -> list[Entry]:
    """The entries of a .po file (the header, msgid "", excluded)."""
    entries, current, target = [], None, None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            if current is not None and target is not None:  # the flag opens the next entry
                entries.append(current)
                current, target = None, None
            current = Entry(fuzzy=True, line=n)
        elif line.startswith("msgid "):
            if current is not None and target is not None and target != "msgid":
                entries.append(current)
                current = None
            current = current or Entry(line=n)
            current.line = current.line or n
            current.msgid, target = _unquote(line[6:]), "msgid"
        elif line.startswith("msgid_plural "):
            current.msgid_plural, target = _unquote(line[13:]), "msgid_plural"
        elif line.startswith("msgstr"):
            current.msgstr.append(_unquote(line.split(" ", 1)[1]))
            target = "msgstr"
        elif line.startswith('"') and current is not None:
            if target == "msgid":
                current.msgid += _unquote(line)
            elif target == "msgid_plural":
                current.msgid_plural += _unquote(line)
            elif target == "msgstr":
                current.msgstr[-1] += _unquote(line)
    if current is not None and target is not None:
        entries.append(current)
    return [e for e in entries if e.msgid]


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def problems(path: Path) -> list[str]:
    found = []
    for e in parse(path):
        where = f"{path.name}:{e.line} {e.msgid[:60]!r}"
        if e.fuzzy:
            found.append(f"{where}: fuzzy (Django ignores it)")
        elif not e.msgstr or not all(e.msgstr):
            found.append(f"{where}: untranslated")
        elif any(CJK.search(s) for s in e.msgstr):
            found.append(f"{where}: Chinese in the translation")
        elif any(_placeholders(s) != _placeholders(e.msgid_plural if i and e.msgid_plural else e.msgid)
                 for i, s in enumerate(e.msgstr)) and not e.msgid_plural:
            found.append(f"{where}: placeholders differ from the msgid's")
    return found


def main() -> int:
    found = [p for path in CATALOGUES if path.exists() for p in problems(path)]
    for line in found:
        print(line)
    print(f"{len(found)} entries need a translator", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
