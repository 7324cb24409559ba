"""An offer's sections through the API: ``GET``/``PUT /api/v1/applications/<id>/content/<section>/``.

A section travels as a JSON object of its fields, the shape it is stored in (``Application.content``):
the main form's fields (for ``budget`` inside ``"sources"``), each table of rows as a list of
objects (``"activities"``, ``"lines"``…), declarations as booleans. The JSON is turned into the form
data the HTML editor posts and read by the editor's own forms (:class:`applications.editor_forms.SectionForms`),
so the API stores exactly what the editor would, and a field added to those forms is accepted here
without any change. The fields and the tables are discovered from the forms bound to the offer:

- a field missing from the object (or ``null``) is blank; a table left out keeps its stored rows,
  an empty list clears it; blank rows are dropped; text is stored trimmed;
- a field the forms know but that does not apply to this offer (the offeror of a cost in an offer
  of one offeror, the year of a cost in a one-year task) is ignored, as in the editor;
- a key no form knows, a value of the wrong JSON type (a list for a text, text for a checkbox) or
  a body that is not an object is refused and nothing is stored;
- a malformed value (an amount that is not a number, a date that is not a date) is stored as
  typed and reported with ``400`` and its path (``"activities.0.end"``, ``"sources.grant"``).
"""

from dataclasses import dataclass

from django import forms
from django.forms.formsets import INITIAL_FORM_COUNT, MAX_NUM_FORM_COUNT, MIN_NUM_FORM_COUNT, TOTAL_FORM_COUNT
from django.http import QueryDict
from django.utils.translation import gettext as _

from core.errors import DomainError, NotAllowed

from .completeness import section as stored_section
from .editor_forms import SectionForms
from .rules import EDITABLE_STATES, NOT_MEMBER, is_member
from .serializers import blockers_of, storable_text_problem
from .services import offer_section_save

ALL = "__all__"


@dataclass
class Layout:
    """Where a section's fields sit in its JSON: the main form's fields at the top or under ``nested``,
    and one list of rows per formset, under the formset's key."""

    forms: SectionForms
    nested: str | None

    @property
    def form(self):
        return self.forms.form

    def path(self, name):
        """The JSON path of a main-form field (``"__all__"``: the form as a whole)."""
        if name == ALL:
            return self.nested or ALL
        return f"{self.nested}.{name}" if self.nested else name


def section_layout(section, application):
    """The editor's forms for ``section`` of ``application`` (unbound) and where their fields go."""
    probe = SectionForms(section, application)
    content, _title = probe.content()
    prefix = probe.form.prefix
    nested = (
        prefix
        if isinstance(content.get(prefix), dict) and prefix not in probe.form.fields and prefix not in probe.formsets
        else None
    )
    return Layout(probe, nested)


def _applicable(form):
    """``(fields of this form for this offer, names the form class knows but dropped for this offer)``."""
    fields = form.fields
    return fields, set(type(form).base_fields) - set(fields)


def _text(value):
    """A JSON scalar as the text a browser would post, or ``None`` when it is no text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return None


class _Converter:
    def __init__(self):
        self.data = QueryDict(mutable=True)
        self.errors = {}

    def refuse(self, path, message):
        self.errors.setdefault(path, []).append(str(message))

    def put(self, html_name, field, value, path):
        """Write one JSON value as the form data a browser posts for ``field``."""
        if value is None:
            return
        problem = storable_text_problem(value)
        if problem:
            self.refuse(path, problem)
            return
        if isinstance(field, forms.BooleanField):
            if not isinstance(value, bool):
                self.refuse(path, _("Expected true or false."))
                return
            self.data[html_name] = "true" if value else "false"
            return
        if isinstance(value, list) and getattr(field.widget, "allow_multiple_selected", False):
            texts = [_text(item) for item in value]
            if None in texts:
                self.refuse(path, _("Expected a list of texts."))
                return
            self.data.setlist(html_name, texts)
            return
        text = _text(value)
        if text is None:
            self.refuse(path, _("Expected text (a string or a number)."))
            return
        self.data[html_name] = text

    def fields(self, form, values, path, name_of):
        """Put the JSON object ``values`` into ``form``'s fields; ``name_of(field)`` is the HTML name."""
        fields, dropped = _applicable(form)
        for key, value in values.items():
            if key in fields:
                self.put(name_of(key), fields[key], value, path(key))
            elif key not in dropped:
                self.refuse(path(key), _("There is no such field in this part of the offer."))

    def rows(self, key, formset, value):
        if value is None:
            value = []
        if not isinstance(value, list):
            self.refuse(key, _("Expected a list of rows (JSON objects)."))
            return
        if len(value) > formset.max_num:
            self.refuse(key, _("At most %(count)s rows can be sent.") % {"count": formset.max_num})
            return
        management = formset.management_form
        self.data[management.add_prefix(TOTAL_FORM_COUNT)] = str(len(value))
        self.data[management.add_prefix(INITIAL_FORM_COUNT)] = "0"
        self.data[management.add_prefix(MIN_NUM_FORM_COUNT)] = str(formset.min_num)
        self.data[management.add_prefix(MAX_NUM_FORM_COUNT)] = str(formset.max_num)
        template = formset.empty_form
        for index, row in enumerate(value):
            if not isinstance(row, dict):
                self.refuse(f"{key}.{index}", _("Expected a row as a JSON object of its fields."))
                continue
            row_prefix = formset.add_prefix(index)
            self.fields(
                template,
                row,
                lambda name, index=index: f"{key}.{index}.{name}",
                lambda name, row_prefix=row_prefix: f"{row_prefix}-{name}",
            )


def section_form_data(layout, body):
    """``body`` (parsed JSON) as the editor's form data for ``layout``, or a DomainError naming what
    has the wrong shape (then nothing may be stored)."""
    if not isinstance(body, dict):
        message = _("Send the section as a JSON object of its fields.")
        raise DomainError(message, errors={ALL: [message]})
    converter = _Converter()
    form = layout.form
    formsets = layout.forms.formsets
    fields = {key: value for key, value in body.items() if key not in formsets}
    if layout.nested:
        values = fields.pop(layout.nested, None)
        if values is None:
            values = {}
        if isinstance(values, dict):
            converter.fields(form, values, layout.path, form.add_prefix)
        else:
            converter.refuse(layout.nested, _("Expected a JSON object of fields."))
        for key in fields:
            converter.refuse(key, _("There is no such field in this part of the offer."))
    else:
        converter.fields(form, fields, layout.path, form.add_prefix)
    for key, formset in formsets.items():
        if key in body:
            converter.rows(key, formset, body[key])
    if converter.errors:
        raise DomainError(
            _("Nothing was saved: some of the data sent does not have the expected form."),
            errors=converter.errors,
        )
    return converter.data


def section_errors(layout, bound):
    """The field errors of the bound forms, keyed by JSON path (rows by their index in the request)."""
    found = {}
    for name, messages in bound.form.errors.items():
        found.setdefault(layout.path(name), []).extend(str(m) for m in messages)
    kept = getattr(bound, "kept", {})
    for key, formset in bound.formsets.items():
        if key in kept or not formset.is_bound:
            continue
        for index, row in enumerate(formset.forms):
            for name, messages in row.errors.items():
                path = f"{key}.{index}" if name == ALL else f"{key}.{index}.{name}"
                found.setdefault(path, []).extend(str(m) for m in messages)
        if formset.non_form_errors():
            found.setdefault(key, []).extend(str(m) for m in formset.non_form_errors())
    return found


def section_representation(application, section):
    return {
        "section": section,
        "title": application.title,
        "requested_amount": application.requested_amount,
        "content": stored_section(application, section),
        "blockers": blockers_of(application),
    }


def section_write(*, application, actor, section, body):
    """Store ``body`` (parsed JSON) as ``section`` of ``application`` the way the editor does.

    Refused (403) for anyone but the organisation's members and once the offer cannot be changed,
    and (400, nothing stored) when ``body`` has the wrong shape. Otherwise the section is stored
    as typed through :func:`applications.services.offer_section_save`, valid or not.
    Returns ``(saved offer, field errors by JSON path)``.
    """
    require_editable(actor, application)
    layout = section_layout(section, application)
    data = section_form_data(layout, body)
    bound = SectionForms(section, application, data)
    valid = bound.is_valid()
    content, title = bound.content()
    saved = offer_section_save(application=application, actor=actor, section=section, data=content, title=title)
    return saved, ({} if valid else section_errors(layout, bound))


def require_editable(actor, application):
    """Members of the offering organisation, while the offer can still be changed."""
    if not is_member(actor, application.organisation_id):
        raise NotAllowed(NOT_MEMBER)
    if application.status not in EDITABLE_STATES:
        raise NotAllowed(
            _("This offer can no longer be changed: its status is “%(status)s”.")
            % {"status": application.get_status_display()}
        )
