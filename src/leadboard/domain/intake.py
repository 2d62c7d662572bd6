"""Contact details as they arrive from web forms: checked and normalised."""

from dataclasses import dataclass

from leadboard.countries import country_codes
from leadboard.domain.emails import MAX_EMAIL_LENGTH, is_email, normalise_email
from leadboard.domain.errors import FieldError

# The fields a contact can bring, with the widths of their columns.
CONTACT_FIELDS = {
    "email": MAX_EMAIL_LENGTH,
    "first_name": 200,
    "last_name": 200,
    "name": 401,  # split into first and last name
    "phone": 64,
    "job_title": 200,
    "company": 300,
    "country": 2,
}


@dataclass(frozen=True)
class Contact:
    email: str
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    job_title: str | None = None
    company: str | None = None
    country: str | None = None


def check_email(value: str | None, field: str = "email") -> str:
    """The dedupe form of an address (trimmed, lower case), or FieldError."""
    if value is None or not value.strip():
        raise FieldError(field, "is required")
    email = normalise_email(value)
    if len(email) > CONTACT_FIELDS["email"]:
        raise FieldError(field, f"at most {CONTACT_FIELDS['email']} characters")
    if not is_email(email):  # the one email rule (domain/emails.py)
        raise FieldError(field, f"not a valid e-mail address: {value.strip()!r}")
    return email


def check_country(value: str | None, field: str = "country") -> str | None:
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if code not in country_codes():
        raise FieldError(field, f"{value!r} is not an ISO 3166-1 alpha-2 code such as NL")
    return code


def check_text(value: str | None, field: str, width: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > width:
        raise FieldError(field, f"at most {width} characters")
    return value or None


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """`Jan de Vries` -> (`Jan`, `de Vries`); one word is a first name."""
    if not name or not name.strip():
        return None, None
    first, _, last = " ".join(name.split()).partition(" ")
    return first, last or None


def contact_from(values: dict[str, str | None], prefix: str = "") -> Contact:
    """A Contact from text values keyed by CONTACT_FIELDS names (FieldError names a bad one)."""
    email = check_email(values.get("email"), f"{prefix}email")
    text = {
        name: check_text(values.get(name), f"{prefix}{name}", width)
        for name, width in CONTACT_FIELDS.items()
        if name not in ("email", "country")
    }
    first, last = text["first_name"], text["last_name"]
    if first is None and last is None:
        first, last = split_name(text["name"])
    return Contact(
        email=email,
        first_name=first,
        last_name=last,
        phone=text["phone"],
        job_title=text["job_title"],
        company=text["company"],
        country=check_country(values.get("country"), f"{prefix}country"),
    )
