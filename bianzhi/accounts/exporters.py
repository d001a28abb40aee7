"""Files out of the account pages: the audit as CSV/xlsx, and printed sign-in codes as xlsx.

Every cell goes through bianzhi.spreadsheets, which neutralises text the OWASP way (a leading = + - @ tab or
CR gets a ' prefix): a user name or a browser string typed by an attacker must not become a live formula in
the office's spreadsheet.
"""

import io
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi import spreadsheets


def _plain(value) -> object:
    """Times in the office's zone, as text; nothing as an empty cell; the rest as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    return value


AUDIT_HEADERS = [_("时间"), _("事件"), _("用户名"), _("姓名"), _("操作人"), _("地址"), _("浏览器"), _("内容")]


def audit_rows(events):
    for e in events.iterator(chunk_size=2000):
        yield [
            e.created_at, e.get_kind_display(), e.username,
            e.user.get_full_name() if e.user else "",
            e.actor.display_name if e.actor else "",
            e.ip_address or "", e.user_agent, _data_text(e.data),
        ]


def _data_text(data: dict) -> str:
    return str(_("；")).join(f"{k}={v}" for k, v in (data or {}).items())


@spreadsheets.exporter
def rows_csv(headers, rows) -> bytes:
    out = io.StringIO()
    writer = spreadsheets.csv_writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_plain(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Chinese correctly


@spreadsheets.exporter
def rows_xlsx(headers, rows, *, title: str) -> bytes:
    wb = spreadsheets.workbook(write_only=True)
    ws = wb.create_sheet(str(title))
    spreadsheets.append(ws, headers)
    for row in rows:
        spreadsheets.append(ws, [_plain(v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


CODE_HEADERS = [_("用户名"), _("姓名"), _("角色"), _("单位"), _("一次性登录码"), _("有效期至")]


def code_rows(issued):
    for item in issued:
        u = item.user
        yield [u.username, u.first_name, u.get_role_display(), u.unit.name if u.unit_id else "", item.code,
               item.expires_at]
