"""Forms of the announcement pages: they validate input; ``publicity.services`` changes state."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.publicity.models import Announcement


class AnnouncementForm(forms.ModelForm):
    """An announcement's fields; the organizations offered are those the user may write for."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Announcement
        fields = ["org", "title", "category", "audience", "body", "is_pinned", "publish_at"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 12}),
            "publish_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }
        help_texts = {
            "body": _(
                "Paragraphs, headings, lists, tables, links and the images attached below may be used "
                "(HTML such as <p>, <h3>, <ul>, <a href>, <img src>); anything else is removed."
            ),
        }

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Image or document"),
        help_text=_("JPG, PNG, PDF, DOCX or XLSX, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.docx,.xlsx"}),
    )
