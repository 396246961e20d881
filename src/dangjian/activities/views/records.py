"""Staff pages of the service record's other parts: the list of training, awards and evaluations
of the user's scope, recording one, and correcting or withdrawing one with the reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.activities.choices import RecordEntryKind
from dangjian.activities.forms import CorrectEntryForm, RecordEntryForm
from dangjian.activities.models import RecordEntry
from dangjian.activities.services import records
from dangjian.activities.views.staff import SEARCH_LIMIT, _apply, _org_filter, _require_any
from dangjian.core.errors import ConcurrentChange
from dangjian.core.models import Person
from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of

VIEW = "activities.view_recordentry"
ADD = "activities.add_recordentry"
CHANGE = "activities.change_recordentry"


def _kind(value: str | None) -> str:
    return value if value in RecordEntryKind.values else RecordEntryKind.TRAINING


@login_required
def entry_list(request):
    """Training, awards and evaluations as they stand (latest correction of each), filtered by
    kind, organization subtree and person, searched by name or pinyin."""
    _require_any(request.user, VIEW)
    # The columns: person, organization and the correction's original (for its mark).
    entries = RecordEntry.objects.visible_to(request.user).current().select_related("person", "org")
    kind = request.GET.get("kind", "")
    if kind in RecordEntryKind.values:
        entries = entries.filter(kind=kind)
    entries, org = _org_filter(request, entries, VIEW)
    person = None
    if (request.GET.get("person") or "").isdigit():
        # Named only when an entry in the user's scope is theirs (the filter itself reveals nothing).
        entries = entries.filter(person_id=int(request.GET["person"]))
        person = Person.objects.filter(pk__in=entries.values("person_id")).first()
    query = (request.GET.get("q") or "").strip()
    if query:
        entries = entries.filter(person__in=Person.objects.search(query).values("pk"))
    page = paginate(request, entries.order_by("-occurred_on", "-id"))
    return render(
        request,
        "activities/entry_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": RecordEntryKind.choices,
            "org": org,
            "person": person,
            "query": query,
            "can_add": scope_of(request.user).has_any(ADD),
        },
    )


@login_required
def entry_create(request):
    """Record a training, an award or an evaluation (``?kind=``); the person is found by name or
    pinyin among the people the user sees."""
    _require_any(request.user, ADD)
    kind = _kind(request.POST.get("kind") or request.GET.get("kind"))
    people = Person.objects.visible_to(request.user)
    form = RecordEntryForm(
        request.POST or None,
        user=request.user,
        people=people,
        kind=kind,
        initial={"kind": kind, "occurred_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        entry = _apply(
            form,
            lambda: records.record_entry(
                by=request.user,
                person=form.cleaned_data["person"],
                org=form.cleaned_data["org"],
                kind=kind,
                **form.entry_fields(),
            ),
        )
        if entry is not None:
            messages.success(
                request,
                _("Recorded “%(title)s” for %(name)s.") % {"title": entry.title, "name": entry.person.name},
            )
            return redirect(f"{reverse('activities:entry_list')}?person={entry.person_id}")
    query = (request.GET.get("q") or "").strip()
    candidates: list[Person] = []
    if query:
        candidates = list(people.search(query)[:SEARCH_LIMIT])
    elif request.method == "POST" and str(form.data.get("person") or "").isdigit():
        candidates = list(people.filter(pk=form.data["person"])[:1])
    return render(
        request,
        "activities/entry_form.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": RecordEntryKind(kind).label,
            "kinds": RecordEntryKind.choices,
            "options": [(person.pk, person.name, person.mobile_masked) for person in candidates],
            "chosen": str(form.data.get("person") or ""),
            "query": query,
        },
    )


@login_required
def entry_correct(request, pk: int):
    """Correct or withdraw an entry: a new entry with the reason; the earlier ones stay as they were."""
    _require_any(request.user, CHANGE)
    entry = get_object_or_404(
        RecordEntry.objects.visible_to(request.user, "change").select_related("person", "org"), pk=pk
    )
    current = records.current_of(entry)
    initial = {name: getattr(current, name) for name in records.CONTENT_FIELDS}
    form = CorrectEntryForm(request.POST or None, kind=entry.kind, initial={**initial, "seen": current.pk})
    if request.method == "POST" and form.is_valid():
        try:
            correction = _apply(
                form,
                lambda: records.correct_entry(
                    entry,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    seen=form.cleaned_data.get("seen"),
                    withdraw=form.cleaned_data["withdraw"],
                    **form.entry_fields(),
                ),
            )
        except ConcurrentChange as stale:
            form.add_error(None, stale.message)
            correction = None
        if correction is not None:
            messages.success(request, _("The correction is recorded."))
            return redirect(f"{reverse('activities:entry_list')}?person={entry.person_id}")
    history = list(
        RecordEntry.objects.filter(Q(pk=current.original_id) | Q(corrects_id=current.original_id))
        .select_related("recorded_by")
        .order_by("id")
    )
    return render(
        request,
        "activities/entry_correct.html",
        {"entry": current, "history": history, "form": form},
    )
