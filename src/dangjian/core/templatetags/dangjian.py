"""Template tags shared by every page: query strings for filters and pagination, Bootstrap fields.

Load with ``{% load dangjian %}``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms, template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def querystring(context, query_dict: QueryDict | None = None, **changes) -> str:
    """The current query string with some parameters replaced, e.g. ``{% querystring page=3 %}``.

    Keeps every other parameter (filters, search text) so paging does not lose them; a value of
    ``None`` removes the parameter. Returns ``?…`` (or ``?`` when nothing is left, which still
    links to the bare page). Same behaviour as Django 5.1's built-in tag of the same name,
    kept here so templates of this project read the same on every Django version.
    """
    request = context.get("request")
    if query_dict is None:
        query_dict = request.GET if request is not None else QueryDict()
    params = query_dict.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        elif isinstance(value, Iterable) and not isinstance(value, str):
            params.setlist(key, [str(item) for item in value])
        else:
            params[key] = str(value)
    return "?" + params.urlencode()


def _widget_class(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    if isinstance(widget, forms.FileInput):
        return "form-control"
    return "form-control"


@register.simple_tag
def bootstrap_field(field: forms.BoundField, size: str = "", **attrs) -> SafeString:
    """The widget of ``field`` with Bootstrap classes, error state and described-by links.

    ``size="sm"`` or ``"lg"`` picks the matching ``form-control-*``/``form-select-*`` size;
    other keyword arguments become HTML attributes (``class`` is added to the Bootstrap ones).

    ``aria-describedby`` points at the help text and error list rendered by
    ``includes/form.html`` so screen readers read them with the field.
    """
    base = _widget_class(field)
    classes = [base]
    if size in {"sm", "lg"} and base != "form-check-input":
        classes.append(f"{base}-{size}")
    existing = field.field.widget.attrs.get("class")
    if existing:
        classes.append(existing)
    if attrs.get("class"):
        classes.append(attrs.pop("class"))
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_help")
    if field.errors:
        classes.append("is-invalid")
        described_by.append(f"{field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    attrs["class"] = " ".join(classes)
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.simple_tag
def required_mark(field: forms.BoundField) -> SafeString:
    """A red asterisk after the label of a required field (the word is read out, the star hidden)."""
    if not field.field.required:
        return mark_safe("")
    from django.utils.translation import gettext

    return format_html(
        '<span class="text-danger" aria-hidden="true">*</span><span class="visually-hidden">{}</span>',
        gettext("(required)"),
    )


@register.filter
def model_label(label: str) -> str:
    """The translated name of a model from its ``app_label.model_name`` (audit lines store the label)."""
    from django.apps import apps

    if not label:
        return ""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label
