"""The tiny app's one page: the notes the user may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dangjian.core.page_permissions import require_any
from tests.tinyapp.models import Note

VIEW = "tinyapp.view_note"


@login_required
@require_safe
def note_list(request):
    require_any(request.user, VIEW)
    notes = Note.objects.visible_to(request.user).select_related("org")[:50]
    return render(request, "tinyapp/note_list.html", {"notes": notes})
