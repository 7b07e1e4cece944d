"""The CSV import page's upload form."""

from django import forms

from learners.imports import import_check_size
from learners.models import ImportKind
from learners.validators import CleanForm


class ImportUploadForm(CleanForm):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=[("", "Choose…"), *ImportKind.choices],
        help_text="The columns each kind needs are listed under “What each file needs”.",
    )
    file = forms.FileField(
        label="CSV file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=(
            "A CSV file saved as UTF-8 (in Excel: Save As › “CSV UTF-8”), with the column "
            "names in the first row. Nothing is imported until you have seen the preview."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        import_check_size(size=upload.size)
        return upload
