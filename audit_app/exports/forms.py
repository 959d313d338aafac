"""Importing an audit from its JSON export."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput, GovTextInput
from werkzeug.datastructures import FileStorage
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from audit_app.audits.forms import validate_own_area
from audit_app.forms import Form, optional_int


class ImportForm(Form):
    file = FileField(
        "JSON file",
        description=(
            "A JSON export of an audit from this service, smaller than the limit below. "
            "Attached files are not in an export: the imported audit lists them without contents."
        ),
        widget=GovFileInput(),
    )
    area_id = SelectField(
        "Area",
        description="The area the imported audit is for",
        coerce=optional_int,
        widget=GovSelect(),
        validate_choice=False,
    )
    title = StringField(
        "Title of the imported audit",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter a title for the imported audit"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    submit = SubmitField("Import as a new draft", widget=GovSubmitInput())

    def validate_file(self, field: Any) -> None:
        storage = field.data
        if not isinstance(storage, FileStorage) or not storage.filename:
            raise ValidationError("Select a JSON file to import")

    def validate_area_id(self, field: Any) -> None:
        validate_own_area(field, "Choose the area the imported audit is for")
