"""Permission table row of a request photo: served only through the scoped view, never from /media/.

The 社区B photo is of a request in the grid ``secretary_a_grid_worker_b`` works: she sees it.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dangjian.service import services
from dangjian.service.models import RequestPhoto
from tests.permissions import Route
from tests.service.staffpages_routes import _request


def _photo(area) -> RequestPhoto:
    request_obj = _request(area)
    photo = request_obj.photos.first()
    if photo is None:
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
        upload = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
        photo = services.add_photo(request_obj, upload=upload, system=True)
    return photo


ROUTES = [
    Route(
        "service:photo_file",
        in_scope=lambda world: {"pk": _photo(world.grid_a1).pk},
        out_of_scope=lambda world: {"pk": _photo(world.grid_b1).pk},
        two_roles_outside="200",
    ),
]
