"""The annual programme report (public page, PDF, CSV; the officials' panel to publish it) and the open
data of awarded grants (CSV and 360Giving JSON).

The public page is cached like the other public pages (``core.public_cache``; publishing refreshes it at
once). The open data files are public and the same for everyone: browsers and proxies may keep them for
a minute (``Cache-Control``). CSV files are UTF-8 with a byte-order mark (Excel reads the Polish letters
right; Python's csv module reads them with ``encoding="utf-8-sig"``), comma-separated, quoted as needed,
amounts with a dot and two decimal places.
"""

import csv
import io

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from calls.models import AnnualProgramme
from core.errors import DomainError
from core.public_cache import MAX_AGE, public_page
from core.views import forbidden, staff_required

from . import annual, opendata


def _programme(year):
    programme = annual.programme_for_year(year)
    if programme is None:
        raise Http404
    return programme


@require_GET
@public_page
def report(request, year):
    """The report on the programme of ``year``: the published figures, or the live ones marked provisional."""
    programme = _programme(year)
    figures, published = annual.report_figures(programme)
    return render(
        request,
        "reporting/annual_report.html",
        {**annual.report_context(programme, figures, report=published), "history": annual.report_history(published)},
    )


@require_GET
def report_pdf(request, year):
    """The stored PDF once published; before that a provisional one rendered from the live figures."""
    programme = _programme(year)
    published = annual.published_report(programme)
    if published is not None and published.document_id:
        content = published.document.read()
    else:
        content = annual.programme_report_pdf(programme, annual.programme_report_figures(programme=programme))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sprawozdanie-program-{year}.pdf"'
    if published is not None and published.document_id:
        response["X-Content-SHA256"] = published.document.sha256
    return response


def report_csv_bytes(programme, figures, *, published):
    """The report's tables as one CSV (UTF-8 with BOM, comma, quoted as needed, amounts with a dot):
    one row per figure, ``section,item,code,name,value``."""
    out = io.StringIO()
    out.write(opendata.BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "item", "code", "name", "value"])
    status = "published" if published else "provisional"
    writer.writerow(["report", "year", "", programme.title, figures["year"]])
    writer.writerow(["report", "status", "", "", status])
    for key, value in figures["calls"].items():
        if key != "by_status":
            writer.writerow(["calls", key, "", "", value])
    for row in figures["calls"]["by_status"]:
        writer.writerow(["calls_by_status", "count", row["status"], "", row["count"]])
    for key, value in figures["offers"].items():
        writer.writerow(["offers", key, "", "", _csv_value(key, value)])
    for key, value in figures["funds"].items():
        writer.writerow(["funds", key, "", "", _csv_value(key, value)])
    for key, value in figures["organisations"].items():
        writer.writerow(["organisations", key, "", "", value])
    for key, value in figures["small_grants"].items():
        writer.writerow(["small_grants", key, "", "", _csv_value(key, value)])
    for row in figures["spheres"]:
        for key in (
            "planned",
            "awarded",
            "awarded_offers",
            "awarded_small_grants",
            "offers_received",
            "offers_awarded",
        ):
            writer.writerow(["spheres", key, row["code"], row["name_pl"], _csv_value(key, row[key])])
    for row in figures["tasks"]:
        for key in ("planned", "awarded", "calls", "offers_received", "offers_awarded"):
            writer.writerow(["tasks", key, row["number"], row["title"], _csv_value(key, row[key])])
    return out.getvalue().encode("utf-8")


def _csv_value(key, value):
    return f"{value:.2f}" if key in annual.MONEY_KEYS else value


@require_GET
def report_csv(request, year):
    programme = _programme(year)
    figures, published = annual.report_figures(programme)
    response = HttpResponse(
        report_csv_bytes(programme, figures, published=published is not None), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="sprawozdanie-program-{year}.csv"'
    return response


# --- panel ------------------------------------------------------------------------------------------


@staff_required
@require_GET
def panel_reports(request):
    """Every programme with its report's state and due date."""
    programmes = list(AnnualProgramme.objects.select_related("report").order_by("-year"))
    rows = []
    for programme in programmes:
        report_row = getattr(programme, "report", None)
        rows.append(
            {
                "programme": programme,
                "report": report_row if report_row is not None and report_row.published_at else None,
                "due": annual.due_date(programme),
            }
        )
    return render(request, "reporting/annual_panel_list.html", {"rows": rows, "today": timezone.localdate()})


@staff_required
@require_GET
def panel_report(request, year):
    """The live figures (preview), the published ones, and the button to publish."""
    return _panel_page(request, _programme(year))


def _panel_page(request, programme, *, error=None):
    figures = annual.programme_report_figures(programme=programme)
    published = annual.published_report(programme)
    context = annual.report_context(programme, figures)
    context.update(
        {
            "published": published,
            "published_figures": annual.figures_for_display(annual.figures_thaw(published.data)) if published else None,
            "can_publish": annual.can_publish_programme_report(request.user, programme),
            "history": annual.report_history(published),
            "error": error,
        }
    )
    return render(request, "reporting/annual_panel_report.html", context, status=error.status if error else 200)


@staff_required
@require_POST
def panel_publish(request, year):
    programme = _programme(year)
    decision = annual.can_publish_programme_report(request.user, programme)
    if not decision:
        return forbidden(request, decision.reason)
    try:
        annual.programme_report_publish(programme=programme, actor=request.user)
    except DomainError as error:
        return _panel_page(request, programme, error=error)
    messages.success(request, _("The programme report has been published."))
    return redirect("panel_annual:programme_report", year=programme.year)


# --- open data --------------------------------------------------------------------------------------


def _year_filter(request):
    """``(year, None)`` from ``?year=``, or ``(None, error response)`` when it is not a year."""
    raw = request.GET.get("year", "").strip()
    if not raw:
        return None, None
    if not (raw.isascii() and raw.isdigit()) or not 2000 <= int(raw) <= 2100:
        message = _("The year must be a number between 2000 and 2100, e.g. ?year=%(year)s.") % {
            "year": timezone.localdate().year
        }
        return None, JsonResponse(
            {"code": "invalid_year", "message": message, "errors": {"year": [message]}}, status=400
        )
    return int(raw), None


@require_GET
def open_data(request):
    """The list of open data sets."""
    years = list(AnnualProgramme.objects.order_by("-year").values_list("year", flat=True))
    return render(request, "reporting/annual_open_data.html", {"years": years})


@require_GET
def grants_csv(request):
    year, error = _year_filter(request)
    if error:
        return error
    response = HttpResponse(
        opendata.grants_csv(opendata.awarded_grants(year=year)), content_type="text/csv; charset=utf-8"
    )
    name = f"dotacje-{year}.csv" if year else "dotacje.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_GET
def grants_json(request):
    year, error = _year_filter(request)
    if error:
        return error
    package = opendata.grants_360giving(opendata.awarded_grants(year=year), year=year)
    response = HttpResponse(
        opendata.package_json(package, ensure_ascii=False, indent=1), content_type="application/json"
    )
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
