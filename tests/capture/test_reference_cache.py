"""Captures read their form, the Open status and the channel rules from memory (capture/
reference.py): a change made elsewhere (here straight in the database, as another process would)
applies to the very next post, whether that post would be stored or refused, on both engines."""

import time

import httpx
from sqlalchemy import update

from leadboard.db.schema import forms
from leadboard.domain.channels import save_rules
from tests.capture.conftest import Leadboard

SITE = "https://www.example.com"
EVERYTHING = """
rules:
  - channel: Everything
    when: {medium: {matches: '.*'}}
"""


def post(board: Leadboard, email: str, **extra: object) -> httpx.Response:
    body = {"email": email, **extra}
    return board.http.post("/capture/forms/contact", json=body, headers={"Origin": SITE})


def change_form(board: Leadboard, **values: object) -> None:
    with board.engine.begin() as conn:
        conn.execute(update(forms).where(forms.c.key == "contact").values(**values))


def test_a_form_changed_after_it_was_kept_is_checked_as_it_is_now(leadboard: Leadboard) -> None:
    leadboard.add_form()
    assert post(leadboard, "first@example.org").status_code == 201  # the forms are kept now
    stored = leadboard.counts()

    change_form(leadboard, active=False)
    answer = post(leadboard, "second@example.org")  # passes the kept copy: refused in the writer
    assert (answer.status_code, answer.json()["error"]["field"]) == (404, "form_key")
    honeypot = post(leadboard, "bot@example.org", lb_website="x")  # would store nothing anyway
    assert honeypot.status_code == 404

    change_form(leadboard, active=True, allowed_origins=["https://other.example.com"])
    answer = post(leadboard, "third@example.org")
    assert (answer.status_code, answer.json()["error"]["field"]) == (403, "Origin")
    assert "access-control-allow-origin" not in answer.headers

    required = [{"name": "email", "required": True}, {"name": "phone", "required": True}]
    change_form(leadboard, allowed_origins=[SITE], fields=required)
    answer = post(leadboard, "fourth@example.org")
    assert (answer.status_code, answer.json()["error"]["field"]) == (422, "phone")
    assert leadboard.counts() == stored  # nothing of the refused posts

    answer = post(leadboard, "fifth@example.org", phone="+31 20 123 4567")
    assert answer.status_code == 201
    stored = leadboard.submission(answer.json()["submission_id"])
    assert stored.payload["phone"] == "+31 20 123 4567"


def test_a_form_added_after_the_forms_were_kept_takes_posts(leadboard: Leadboard) -> None:
    leadboard.add_form()
    assert post(leadboard, "first@example.org").status_code == 201
    leadboard.add_form("newsletter")
    answer = leadboard.http.post(
        "/capture/forms/newsletter", json={"email": "n@example.org"}, headers={"Origin": SITE}
    )
    assert answer.status_code == 201


def test_new_channel_rules_apply_to_the_next_capture(leadboard: Leadboard) -> None:
    leadboard.add_form()
    tag = "utm_source=news&utm_medium=email"
    before = post(leadboard, "a@example.org", lb_visit=tag).json()
    assert leadboard.lead(before["lead_id"]).channel == "email"
    with leadboard.engine.begin() as conn:
        save_rules(conn, EVERYTHING)
    after = post(leadboard, "b@example.org", lb_visit=tag).json()
    assert leadboard.lead(after["lead_id"]).channel == "everything"


def test_the_kept_copy_is_renewed_after_a_write_found_it_old(leadboard: Leadboard) -> None:
    leadboard.add_form()
    assert post(leadboard, "first@example.org").status_code == 201
    cache = leadboard.server.app.state.reference
    first = cache.kept()
    assert post(leadboard, "again@example.org").status_code == 201
    assert cache.kept() is first  # a capture itself moves no reference version
    assert not cache.stale
    change_form(leadboard, name="Contact us")
    assert post(leadboard, "second@example.org").status_code == 201  # checked in the writer
    deadline = time.monotonic() + 10  # loaded again after that answer, in a background task
    while cache.kept() is first and time.monotonic() < deadline:
        time.sleep(0.01)
    renewed = cache.kept()
    assert renewed is not first
    assert renewed.forms["contact"].name == "Contact us"
    assert renewed.tag is not None
    assert first.tag is not None
    assert renewed.tag > first.tag
    assert not cache.stale
