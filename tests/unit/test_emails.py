"""The one email rule (domain/emails.py) and the ways in that use it: web forms and chats
(domain.intake), the REST API's Email type and users (domain.users). File imports call the same
`is_email` (ingest/leads.py, ingest/related.py)."""

import pytest
from pydantic import TypeAdapter, ValidationError

from leadboard.domain.emails import MAX_EMAIL_LENGTH, is_email, normalise_email
from leadboard.domain.errors import FieldError
from leadboard.domain.intake import check_email
from leadboard.domain.users import _valid_email
from leadboard.web.api.models import Email

# Worked out by hand from the rule: one @, no spaces, 1-64 characters before it, a dot in the
# domain with no empty label, a last label of two or more characters, 320 characters at most.
ACCEPTED = [
    "jan@example.com",
    "jan.de.vries+leads@mail.example.co.uk",
    "j@ex.nl",
    "ÿvonne@bücher.de",
    "o'brien@example.ie",
    "a" * 64 + "@example.com",
    "a@" + "b" * 315 + ".nl",  # 320 characters
]
REJECTED = [
    "",
    "jan",
    "jan@example",  # no dot in the domain
    "jan example.com",
    "jan@example.c",  # last label of one character
    "jan@@example.com",
    "jan@exa@mple.com",
    "@example.com",
    "jan@.example.com",  # an empty label
    "jan@example..com",
    "jan@example.com.",
    "jan @example.com",
    "jan@exam ple.com",
    "a" * 65 + "@example.com",  # 65 characters before the @
    "a@" + "b" * 316 + ".nl",  # 321 characters
    "a@b",
]


def test_the_rule_by_hand() -> None:
    assert len("a@" + "b" * 315 + ".nl") == MAX_EMAIL_LENGTH
    assert [a for a in ACCEPTED if not is_email(a)] == []
    assert [a for a in REJECTED if is_email(a)] == []


def test_normal_form_is_trimmed_lower_case() -> None:
    assert normalise_email("  Jan.De.Vries@Example.COM \n") == "jan.de.vries@example.com"


@pytest.mark.parametrize("address", ACCEPTED)
def test_every_way_in_accepts(address: str) -> None:
    given = f"  {address.upper()} "
    assert check_email(given) == address
    assert _valid_email(given) == address
    assert TypeAdapter(Email).validate_python(given) == address


@pytest.mark.parametrize("address", [a for a in REJECTED if a.strip()])
def test_every_way_in_refuses_naming_the_field(address: str) -> None:
    with pytest.raises(FieldError) as form:
        check_email(address, "contact.email")
    assert form.value.field == "contact.email"
    with pytest.raises(FieldError) as user:
        _valid_email(address)
    assert user.value.field == "email"
    with pytest.raises(ValidationError):
        TypeAdapter(Email).validate_python(address)
