from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from . import selectors, services
from .forms import OneRosterForm
from .models import OneRosterImport
from .oneroster import OneRosterError


@require_http_methods(["GET", "POST"])
@login_required
def import_new(request):
    """Upload a district's OneRoster zip; the import's own page follows its progress."""
    selectors.require_staff(request.user)
    form, error, status = OneRosterForm(), None, 200
    if request.method == "POST":
        form = OneRosterForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["archive"]
            try:
                job = services.oneroster_import_start(
                    requester=request.user, name=upload.name, data=upload.read()
                )
            except OneRosterError as exc:
                error = str(exc)
            else:
                return redirect(job)
        status = 400
    ctx = {"form": form, "error": error, "imports": selectors.imports_recent()}
    return render(request, "sis/import_new.html", ctx, status=status)


@require_GET
@login_required
def import_detail(request, pk: int):
    selectors.require_staff(request.user)
    job = get_object_or_404(OneRosterImport.objects.defer("archive"), pk=pk)
    ctx = {"job": job, "summary": selectors.import_summary(job)}
    if request.htmx:
        return render(request, "sis/import_detail.html#progress", ctx)
    return render(request, "sis/import_detail.html", ctx)
