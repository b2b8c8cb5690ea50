import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from .access import lesson_for_export
from .builder import cartridge_build, cartridge_filename
from .selectors import documents_for_export, modules_for_export

# The LTI launch path while the tool's own route is not there to reverse.
LAUNCH_PATH = "/lti/launch/"


def launch_url(request) -> str:
    """Where an LMS launches this app: absolute, and https, as LTI 1.3 requires."""
    try:
        path = reverse("lms:launch")
    except NoReverseMatch:
        path = LAUNCH_PATH
    return f"https://{request.get_host()}{path}"


@require_GET
@login_required
def lesson_cartridge(request, pk: int):
    """The published lesson as a Common Cartridge 1.3 package, downloaded."""
    lesson = lesson_for_export(request.user, pk)
    modules = modules_for_export(lesson)
    data = cartridge_build(
        lesson=lesson,
        modules=modules,
        documents=documents_for_export(modules),
        launch_url=launch_url(request),
    )
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=cartridge_filename(lesson),
        # IANA's type for Common Cartridge 1.3 (a zip, as .imscc files are).
        content_type="application/vnd.ims.imsccv1p3",
    )
