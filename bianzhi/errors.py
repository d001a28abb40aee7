"""Refusals and failures, in Chinese: pages for people, JSON for programs.

A request wants JSON when its path is under /api/ or it asks for it (Accept: application/json, as the
pages' own fetch() calls do). Django's handler403/404/500 and the CSRF failure view are wired in urls.py and
settings.py; the API's own errors go through DRF's handler in bianzhi.exceptions (also JSON, also Chinese).
"""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def _message(exception, default: str) -> str:
    """The Chinese reason a view or service gave (PermissionDenied("…")), else the default."""
    text = str(exception.args[0]) if exception is not None and getattr(exception, "args", None) else ""
    # Django's own internal reasons (e.g. a resolver's dict for an unknown URL) are not for users
    return text if text and not text.startswith("{") and any("\u4e00" <= ch <= "\u9fff" for ch in text) else default


def permission_denied(request, exception=None):
    message = _message(exception, _("您没有权限执行此操作。"))
    if wants_json(request):
        return JsonResponse({"detail": message, "code": "permission_denied"}, status=403)
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    message = _("页面不存在，或者您无权查看。")
    if wants_json(request):
        return JsonResponse({"detail": message, "code": "not_found"}, status=404)
    return render(request, "404.html", {"message": message, "path": request.path}, status=404)


def server_error(request):
    """No context processors, no database: whatever broke may be what they need."""
    message = _("服务器出错了，请稍后再试。")
    if wants_json(request):
        return JsonResponse({"detail": message, "code": "server_error"}, status=500)
    return HttpResponseServerError(loader.get_template("500.html").render({"message": message}))


def csrf_failure(request, reason: str = ""):
    """The form's security check failed: usually cookies are blocked, or the page was open too long."""
    if wants_json(request):
        return JsonResponse({"detail": _("安全校验失败：请允许本网站使用 Cookie 后刷新页面重试。"),
                             "code": "csrf_failed"}, status=403)
    public_form = request.path.startswith("/f/")
    return render(request, "403_csrf.html", {"public_form": public_form, "path": request.path}, status=403)
