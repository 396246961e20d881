"""What the 评星定级 pages share: permissions by name, scoped lookups, running a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import Http404

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import parse_id
from dangjian.orgs.models import Organization

VIEW_SCHEME = "evaluation.view_ratingscheme"
CHANGE_SCHEME = "evaluation.change_ratingscheme"
VIEW_ROUND = "evaluation.view_ratinground"
CHANGE_ROUND = "evaluation.change_ratinground"
VIEW_ASSESSMENT = "evaluation.view_assessment"
SELF_ASSESS = "evaluation.change_assessment"
REVIEW = "evaluation.review_assessment"
VIEW_OBJECTION = "evaluation.view_objection"
ANSWER = "evaluation.change_objection"
VIEW_STARS = "evaluation.view_orgstarrecord"
VIEW_PLAN = "evaluation.view_rectification"
CHANGE_PLAN = "evaluation.change_rectification"
ORG_OPTIONS = 200


def _get(queryset, pk):
    """The row ``pk`` of an already scoped queryset, or 404 (huge or malformed ids too)."""
    found = queryset.filter(pk=pk).first() if parse_id(pk) else None
    if found is None:
        raise Http404
    return found


def _version(raw) -> int | None:
    """The row version a form was loaded with (None when absent: the service takes the current one)."""
    version = parse_id(raw)
    return version if version and version < 2**31 else None


def _run(request, call, form=None) -> bool:
    """Run a service call; a refused rule goes on the form or into the messages, no right is 403."""
    try:
        call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        if form is not None:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.error(request, error.message)
        return False
    return True


def registry_has(user, permission: str) -> bool:
    from dangjian.core.scoping import scope_of

    return scope_of(user).has_any(permission)


def _owners(user):
    return list(
        Organization.objects.visible_to(user, "evaluation.add_ratingscheme")
        .filter(is_active=True)
        .order_by("path")[:ORG_OPTIONS]
    )
