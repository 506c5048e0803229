"""The closeout report pages of a program: the versions, a new version, a download.

Anyone who may see the program sees and downloads its reports (others get 404, as for the
program itself); heads and site staff ask for a new version (`lifecycle.generate_report`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chtprograms.access import program_for
from reports import selectors
from reports import services as report_services

#: While a version is queued or rendering, the list asks the server again this often.
POLL_SECONDS = 3


@login_required
@require_GET
def report_list(request, slug):
    program = program_for(request, slug)
    reports = selectors.report_list(program=program)
    context = {
        "program": program,
        "reports": reports,
        "pending": any(report.is_pending for report in reports),
        "poll_seconds": POLL_SECONDS,
        "can_generate": request.user.has_perm("lifecycle.generate_report", program),
    }
    if request.htmx:
        return render(request, "reports/partials/_report_list.html", context)
    return render(request, "reports/closeoutreport_list.html", context)


@login_required
@require_POST
def report_generate(request, slug):
    program = program_for(request, slug, "lifecycle.generate_report")
    report, created = report_services.report_request(program=program, requested_by=request.user)
    if created:
        messages.success(
            request,
            _("Version %(version)d is queued. It is e-mailed to the program heads, the "
              "portfolio reviewers and you once it is ready.") % {"version": report.version},
        )  # fmt: skip
    else:
        messages.info(
            request,
            _("Version %(version)d is already being made: this page shows it when it is ready.")
            % {"version": report.version},
        )
    return redirect("reports:reports", slug=program.slug)


@login_required
@require_GET
def report_download(request, slug, version):
    program = program_for(request, slug)
    report = selectors.report_get(program=program, version=version)
    if not report.is_ready:
        raise Http404("This version has no PDF.")
    try:
        stored = report.file.open("rb")
    except FileNotFoundError:
        raise Http404("The PDF of this version is missing.") from None
    response = FileResponse(
        stored, as_attachment=True, filename=report.filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
