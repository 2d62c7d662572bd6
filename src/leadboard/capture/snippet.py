"""The embeddable form snippet: plain HTML that posts to the capture endpoint.

Labels are in the page's language (en or nl: the words are in i18n.py); a custom field without a
word is labelled by its name. Required fields carry `required` and a visible `*`, explained above
the fields.
"""

from markupsafe import Markup, escape

from leadboard.domain.conversions import Form
from leadboard.domain.intake import CONTACT_FIELDS
from leadboard.i18n import WORDS, t

HONEYPOT = "lb_website"  # a field people never see; bots fill it in (posts then store nothing)
DEFAULT_FIELDS = (("first_name", False), ("last_name", False), ("email", True))
INPUT_TYPES = {"email": "email", "phone": "tel"}
AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "name": "name",
    "email": "email",
    "phone": "tel",
    "job_title": "organization-title",
    "company": "organization",
    "country": "country",
}


def label(name: str, lang: str = "en") -> str:
    if f"form.{name}" in WORDS:
        return t(lang, f"form.{name}")
    return name.replace("_", " ").capitalize()


def field_html(name: str, required: bool, lang: str = "en") -> str:
    attrs = f'name="{escape(name)}"'
    required = required or name == "email"  # the dedupe key: a post without it is refused
    if required:
        attrs += " required"
    if name in CONTACT_FIELDS:
        attrs += f' maxlength="{CONTACT_FIELDS[name]}"'
    if name in AUTOCOMPLETE:
        attrs += f' autocomplete="{AUTOCOMPLETE[name]}"'
    if name == "message":
        control = f'<textarea {attrs} rows="4"></textarea>'
    else:
        control = f'<input type="{INPUT_TYPES.get(name, "text")}" {attrs}>'
    # The star is for the eye; `required` tells screen readers.
    mark = ' <span aria-hidden="true">*</span>' if required else ""
    return f"  <label>{escape(label(name, lang))}{mark}\n    {control}\n  </label>\n"


def form_html(form: Form, base_url: str, lang: str = "en") -> Markup:
    """The form element for a site (or the hosted page); the script fills the hidden fields."""
    fields = form.fields or DEFAULT_FIELDS
    if not any(name == "email" for name, _ in fields):
        fields = (*fields, ("email", True))
    action = f"{base_url.rstrip('/')}/capture/forms/{form.key}"
    html = f'<form action="{escape(action)}" method="post" data-leadboard>\n'
    html += f"  <p>{escape(t(lang, 'form.required_note'))}</p>\n"
    html += "".join(field_html(name, required, lang) for name, required in fields)
    html += (
        '  <div style="position:absolute;left:-10000px" aria-hidden="true">\n'
        f"    <label>{escape(t(lang, 'form.honeypot'))} "
        f'<input name="{HONEYPOT}" tabindex="-1" autocomplete="off">'
        "</label>\n  </div>\n"
        f'  <button type="submit">{escape(t(lang, "form.send"))}</button>\n</form>'
    )
    return Markup(html)  # noqa: S704 - every interpolated value above is escaped


def script_tag(base_url: str) -> str:
    return f'<script src="{escape(base_url.rstrip("/"))}/t.js" async></script>'
