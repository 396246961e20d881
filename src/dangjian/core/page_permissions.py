"""Permission checks and service calls as pages need them (403 pages and form errors).

Every app's views did the same three things: ask whether the user may act on an object, answer
403 when they may not, and call a service turning a refused rule into a form error. The
services themselves check again (``check_perm``); these helpers only decide what a page shows.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied as PageForbidden

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import has_perm_over, scope_of


def allowed(user, permission: str, obj) -> bool:
    """Whether to offer an action on ``obj`` (an object outside the system, None, never)."""
    return has_perm_over(user, permission, obj)


def require(user, permission: str, obj) -> None:
    """Answer 403 when the user sees ``obj`` but may not do this to it."""
    if not has_perm_over(user, permission, obj):
        raise PageForbidden(permission)


def require_any(user, permission: str) -> None:
    """Answer 403 when the user holds ``permission`` nowhere in the trees."""
    if not scope_of(user).has_any(permission):
        raise PageForbidden(permission)


def run_service(form, action: Callable[[], object], *, request=None) -> bool:
    """Call a service; a refused rule goes on the form (or, without a form, into the page's
    messages). A missing permission answers 403. True when the service succeeded."""
    try:
        action()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        if form is not None:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        elif request is not None:
            messages.error(request, error.message)
        else:
            raise
        return False
    return True
