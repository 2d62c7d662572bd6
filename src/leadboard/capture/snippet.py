"""The embeddable form snippet: plain HTML that posts to the capture endpoint."""

from markupsafe import Markup, escape

from leadboard.domain.conversions import Form
from leadboard.domain.intake import CONTACT_FIELDS

HONEYPOT = "lb_website"  # a field people never see; bots fill it in (posts then store nothing)
DEFAULT_FIELDS = (("first_name", False), ("last_name", False), ("email", True))
INPUT_TYPES = {"email": "email", "phone": "tel"}
LABELS = {"email": "E-mail", "phone": "Phone", "job_title": "Job title", "country": "Country"}


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def field_html(name: str, required: bool) -> str:
    attrs = f'name="{escape(name)}"'
    if required or name == "email":
        attrs += " required"
    if name in CONTACT_FIELDS:
        attrs += f' maxlength="{CONTACT_FIELDS[name]}"'
    if name == "message":
        control = f'<textarea {attrs} rows="4"></textarea>'
    else:
        control = f'<input type="{INPUT_TYPES.get(name, "text")}" {attrs}>'
    return f"  <label>{escape(label(name))}\n    {control}\n  </label>\n"


def form_html(form: Form, base_url: str) -> Markup:
    """The form element for a site (or the hosted page); the script fills the hidden fields."""
    fields = form.fields or DEFAULT_FIELDS
    if not any(name == "email" for name, _ in fields):
        fields = (*fields, ("email", True))
    action = f"{base_url.rstrip('/')}/capture/forms/{form.key}"
    html = f'<form action="{escape(action)}" method="post" data-leadboard>\n'
    html += "".join(field_html(name, required) for name, required in fields)
    html += (
        '  <div style="position:absolute;left:-10000px" aria-hidden="true">\n'
        f'    <label>Leave this empty <input name="{HONEYPOT}" tabindex="-1" autocomplete="off">'
        "</label>\n  </div>\n"
        '  <button type="submit">Send</button>\n</form>'
    )
    return Markup(html)  # noqa: S704 - every interpolated value above is escaped


def script_tag(base_url: str) -> str:
    return f'<script src="{escape(base_url.rstrip("/"))}/t.js" async></script>'
