"""Form widgets for picking a node of the trees by typing, at any scale of the trees."""

from __future__ import annotations

from typing import Any

from django import forms


class LookupInput(forms.TextInput):
    """A text box whose suggestions come from ``lookup_url`` as the user types.

    A ``<select>`` of every organization in a district is thousands of options and hundreds of
    kilobytes; this sends only what matches the typed name, code or pinyin (htmx fills a
    ``<datalist>``), and the value posted is the chosen node's code. The lookup views read the
    typed text from ``q`` or, as htmx sends it, from the field's own name.
    """

    template_name = "orgs/widgets/lookup_input.html"

    def __init__(self, lookup_url: Any, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.lookup_url = lookup_url

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        datalist_id = f"{widget_attrs.get('id') or name}-options"
        widget_attrs.update(
            {
                "list": datalist_id,
                "autocomplete": "off",
                "hx-get": str(self.lookup_url),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{datalist_id}",
                "hx-swap": "innerHTML",
            }
        )
        context["widget"]["datalist_id"] = datalist_id
        return context
