from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .access import home_url_name
from .exporters import registry_workbook, template_workbook
from .forms import RegistryUploadForm, UnitFilterForm
from .jobs import job_status_view
from .permissions import action_required
from .pool.selectors import unit_effective_rows
from .selectors import (
    record_display,
    region_choices,
    registry_import_get_for_user,
    registry_imports_for_user,
    registry_totals,
    unit_campaigns,
    unit_display,
    unit_filter,
    unit_get_for_user,
    unit_history,
    unit_list_for_user,
    unit_records,
    unit_rows,
    unit_version_get,
)
from .services import registry_import_request


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; the icon is the vendored SVG."""
    return redirect(static("favicon.svg"), permanent=True)


@login_required
def home(request):
    """Each role lands on its own home page."""
    return redirect(home_url_name(request.user))


# ---------------------------------------------------------------------------------------------------------
# The registry (编制台账)
# ---------------------------------------------------------------------------------------------------------
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNITS_PER_PAGE = 50


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    return HttpResponse(data, content_type=XLSX, headers={"Content-Disposition": content_disposition_header(True, filename)})


def _filtered_units(request):
    form = UnitFilterForm(request.GET or None, regions=region_choices())
    return form, unit_filter(unit_list_for_user(user=request.user), **form.filters())


@action_required("registry.view")
def unit_list(request):
    form, units = _filtered_units(request)
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "bianzhi/unit_list.html", {
        "form": form, "page": page, "rows": unit_rows(page.object_list), "totals": registry_totals(units=units),
        "query": query.urlencode(),
    })


@login_required
def unit_detail(request, pk: int):
    unit = unit_get_for_user(user=request.user, pk=pk)
    return render(request, "bianzhi/unit_detail.html", {
        "unit": unit, "record": unit_display(unit=unit), "versions": unit_history(unit=unit),
        "targets": unit_campaigns(unit=unit), "long_vacancy_months": settings.REGISTRY_LONG_VACANCY_MONTHS,
        "effective": unit_effective_rows(unit=unit),
    })


@login_required
def unit_version_detail(request, pk: int, version_pk: int):
    unit = unit_get_for_user(user=request.user, pk=pk)
    version = unit_version_get(unit=unit, pk=version_pk)
    return render(request, "bianzhi/unit_version.html", {
        "unit": unit, "version": version, "record": record_display(version.data),
    })


@action_required("registry.view")
def registry_export(request):
    _form, units = _filtered_units(request)
    return xlsx_response(registry_workbook(unit_records(units=units)), 
                 _("编制台账-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"})


@action_required("registry.view")
def registry_template(request):
    return xlsx_response(template_workbook(), _("编制台账导入模板.xlsx"))


@action_required("registry.import")
@transaction.non_atomic_requests  # the job is committed (and dispatched) before we answer
def registry_import_view(request):
    """Upload a workbook: it is kept and imported in the background; its page follows the import."""
    form = RegistryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = settings.REGISTRY_IMPORT_MAX_BYTES
        if upload.size > limit:  # refused before it is read (bianzhi.uploads stops larger ones while they arrive)
            form.add_error("file", _("文件过大：%(size).1f MB，上限为 %(limit)d MB") % {
                "size": upload.size / 1048576, "limit": limit // 1048576})
        else:
            job = registry_import_request(upload=upload, actor=request.user)
            return redirect("registry:import_job", pk=job.pk)
    return render(request, "bianzhi/registry_import.html", {
        "form": form, "limit_mb": settings.REGISTRY_IMPORT_MAX_BYTES // 1048576,
        "recent": registry_imports_for_user(user=request.user),
    })


@action_required("registry.import")
def registry_import_job(request, pk: int):
    """One import: its progress while it runs (the page refreshes itself), then its result or its problems."""
    job = registry_import_get_for_user(user=request.user, pk=pk)
    return render(request, "bianzhi/registry_import_job.html", {
        "job": job, "errors_file": PurePosixPath(job.file.name).stem if job.is_failed and job.file else None,
        "form": RegistryUploadForm(),
    })


registry_import_status = action_required("registry.import")(job_status_view(registry_import_get_for_user))


@action_required("registry.import")
def registry_errors_download(request, name: str):
    """The uploader's own file back, bad cells marked; the path holds the user's id, so nobody else gets it."""
    path = f"registry-imports/{request.user.pk}/{name}.xlsx"
    if not default_storage.exists(path):
        raise Http404
    with default_storage.open(path) as stored:
        return xlsx_response(stored.read(), _("编制台账-错误标注.xlsx"))
