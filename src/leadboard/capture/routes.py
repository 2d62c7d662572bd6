"""Public capture endpoints (the only unauthenticated writes), the tracking script, form pages.

POST /capture/forms/{form_key} answers, in this order of checks:
404 unknown or inactive form key; 403 a browser Origin that is not one of the form's allowed
origins (no Origin = a server post, allowed); 429 + Retry-After over LEADBOARD_CAPTURE_RATE posts
per minute per client address and form; 413 over 64 KiB; 400 malformed body (415 for another
content type); 200 with nothing stored when the honeypot is filled (any value but an empty
string or null: `{}`, `0`, `false` too); 422 naming a missing or invalid field (or a bad
`Idempotency-Key`); 503 + Retry-After when the writer's queue is full or the database is
away, full or read-only; then 201 (or 303 to the thank-you URL for a browser's form post) once
the submission and its lead are committed (by the group commit of db/writer.py, with the posts
that came at the same time), or 202 with the submission id when a valid post could not be
processed (it is stored as failed, with its error). The form is read from memory, checked
against the database's reference version in the writer's transaction (capture/reference.py).
Every 4xx and 503 stores nothing.

Retries store nothing twice: a post with an `Idempotency-Key` already used on this form gets
that post's answer again (kept in the database; the same key with other fields is a 422), and
identical posts without a key within `capture_dedupe_seconds` are one (capture/recent.py). Both
answer with `Idempotent-Replayed: true`. Failed submissions are retried (capture/retry.py).
"""

import asyncio
import hashlib
import json
import logging
import re
from datetime import datetime
from functools import cache, partial
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, BackgroundTasks, HTTPException, Path, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from leadboard.capture.body import Refusal, media_type, parse_body, read_body
from leadboard.capture.limiter import RateLimiter
from leadboard.capture.openapi import CAPTURE_OPENAPI, CAPTURE_RESPONSES
from leadboard.capture.origins import cors_headers, origin_allowed
from leadboard.capture.recent import Answer, RecentPosts
from leadboard.capture.reference import Reference, ReferenceCache
from leadboard.capture.retry import after_a_capture, failure_recorded
from leadboard.capture.snippet import HONEYPOT, form_html, script_tag
from leadboard.capture.spool import CaptureSpool, DrainReport, SpooledPost, new_key, spool_for
from leadboard.db.engine import take_write_lock
from leadboard.db.writer import GroupWriter, Overloaded
from leadboard.domain.capture_keys import Claim, answer_of, claim_key, link_submission
from leadboard.domain.channels import effective_rules
from leadboard.domain.conversions import (
    Form,
    Submission,
    find_form,
    read_fields,
    record_failed,
    record_submission,
)
from leadboard.domain.errors import FieldError
from leadboard.domain.tracking import TrackingError, read_tracking
from leadboard.i18n import choose_language, t
from leadboard.web.headers import form_page_headers
from leadboard.web.pages.session import language, session_user
from leadboard.web.pages.setup import render

log = logging.getLogger(__name__)
FormKey = Annotated[str, Path(description="The form's public key", examples=["contact"])]
router = APIRouter(tags=["capture"])
TEMPLATES = Jinja2Templates(directory=str(resources.files("leadboard.web").joinpath("templates")))
PREFLIGHT_MAX_AGE = "600"
KEY_HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,200}")  # as the REST API's keys


@cache
def tracking_script() -> str:
    return resources.files("leadboard.capture").joinpath("t.js").read_text()


@router.get("/t.js", include_in_schema=False)
def script() -> Response:
    """The tracking script (no third-party code); cacheable for an hour."""
    return Response(
        tracking_script(),
        media_type="application/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )


# --- answers --------------------------------------------------------------------------------


def is_browser_post(request: Request) -> bool:
    """A browser's own form submission (a navigation), not fetch() or a server."""
    if media_type(request) != "application/x-www-form-urlencoded":
        return False
    mode = request.headers.get("sec-fetch-mode")
    if mode is not None:
        return mode == "navigate"
    return "text/html" in request.headers.get("accept", "")


def visitor_language(request: Request) -> str:
    """The public pages' language: `?lang=`, else the visitor's browser (Accept-Language)."""
    return choose_language(
        request.query_params.get("lang"), None, request.headers.get("accept-language")
    )


def back_url(request: Request, form: Form | None) -> str | None:
    """Where "Go back" leads (no script may run here: no history.back()): the page that posted
    (its Referer, when an http(s) URL), else the hosted form."""
    referer = request.headers.get("referer", "")
    if urlsplit(referer).scheme in ("http", "https"):
        return referer
    return f"/f/{quote(form.key)}" if form is not None and form.active else None


def page(
    request: Request,
    status: int,
    title: str,
    message: str,
    headers: dict[str, str],
    form: Form | None = None,
) -> HTMLResponse:
    """A message for a browser: framed where the form's page may be (web/headers.py)."""
    lang = visitor_language(request)
    back = back_url(request, form) if status >= 400 else None
    return TEMPLATES.TemplateResponse(
        request,
        "capture/message.html",
        {
            "lang": lang,
            "title": title,
            "message": message,
            "back": t(lang, "capture.back") if back else None,
            "back_url": back,
        },
        status_code=status,
        headers={**headers, **form_page_headers(form)},
    )


def error_body(refusal: Refusal) -> dict[str, Any]:
    """The API's error shape: the first problem, and the list of them (here always one)."""
    detail = {"field": refusal.field, "message": refusal.message}
    return {"error": detail, "errors": [detail]}


def refused(
    request: Request, refusal: Refusal, headers: dict[str, str], form: Form | None = None
) -> Response:
    headers = {**headers, **refusal.headers}
    if is_browser_post(request):
        text = f"{refusal.field}: {refusal.message}"
        title = t(visitor_language(request), "capture.refused_title")
        return page(request, refusal.status, title, text, headers, form)
    return JSONResponse(error_body(refusal), refusal.status, headers=headers)


def thanks(
    request: Request, form: Form, status: int, body: dict[str, Any], headers: dict[str, str]
) -> Response:
    if is_browser_post(request):
        if status in (200, 201) and form.thank_you_url:
            return RedirectResponse(form.thank_you_url, 303, headers=headers)
        lang = visitor_language(request)
        message = t(lang, "capture.thanks")
        if status == 202:
            message += " " + t(lang, "capture.reference", id=body["submission_id"])
        return page(request, status, t(lang, "capture.thanks_title"), message, headers, form)
    return JSONResponse(body, status, headers=headers)


def limiter(request: Request) -> RateLimiter:
    state = request.app.state
    rate = state.settings.capture_rate
    found = getattr(state, "capture_limiter", None)
    if not isinstance(found, RateLimiter) or found.rate != rate:
        found = state.capture_limiter = RateLimiter(rate)
    return found


def recent_posts(request: Request) -> RecentPosts:
    state = request.app.state
    window = state.settings.capture_dedupe_seconds
    found = getattr(state, "capture_recent", None)
    if not isinstance(found, RecentPosts):
        found = state.capture_recent = RecentPosts(window)
    return found


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get(KEY_HEADER)
    if key is not None and not KEY_PATTERN.fullmatch(key):
        raise Refusal(422, KEY_HEADER, "1 to 200 printable ASCII characters without spaces")
    return key


def honeypot_filled(fields: dict[str, object]) -> bool:
    """People never see the field; any value but an empty one is a bot (a script that sends
    `{}`, `0` or `false` too: only "" and null count as left empty)."""
    value = fields.get(HONEYPOT)
    return value is not None and value != ""


def post_digest(form: Form, fields: dict[str, object], referer: str | None) -> str:
    """What makes two posts the same: the form, every field sent (in any order), the Referer."""
    text = json.dumps([form.id, fields, referer], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def overloaded(busy: Overloaded) -> Refusal:
    return Refusal(
        503, "queue", f"too many posts at once ({busy})", {"Retry-After": str(busy.retry_after)}
    )


def _load_form(engine: Engine, key: str) -> Form | None:
    with engine.connect() as conn:
        return find_form(conn, key)


def _active_form(form: Form | None, key: str) -> Form:
    if form is None or not form.active:
        raise Refusal(404, "form_key", f"no active form with key {key!r}")
    return form


# --- the endpoint ---------------------------------------------------------------------------


class PostChecks:
    """One post's checks against the reference data (the form, above all), in the order of
    the module's docstring. They can run again against newer data: the rate is counted and the
    body read once, and `recheck` repeats, in the writer's transaction, those that depend on
    the form (capture/reference.py)."""

    def __init__(self, request: Request, form_key: str) -> None:
        self.request = request
        self.form_key = form_key
        self.origin = request.headers.get("origin")
        self.referer = request.headers.get("referer")
        self.client = request.client.host if request.client else "unknown"
        self.headers = cors_headers(None)
        self.form: Form | None = None
        self.reference: Reference | None = None
        self.key: str | None = None  # the Idempotency-Key, once checked
        self.fields: dict[str, object] = {}
        self.now: datetime = request.app.state.clock.now()
        self._rate_wait: int | None = None
        self._rate_counted = False
        self._body: bytes | Refusal | None = None

    def _form_in(self, reference: Reference) -> Form:
        """404 and 403; the CORS headers follow the form."""
        self.reference = reference
        self.headers = cors_headers(None)
        self.form = None
        form = _active_form(reference.forms.get(self.form_key), self.form_key)
        self.form = form
        if self.origin is not None:
            if not origin_allowed(form, self.origin, self.request):
                raise Refusal(403, "Origin", f"{self.origin} is not an allowed origin of this form")
            self.headers = cors_headers(self.origin)
        return form

    async def run(self, reference: Reference) -> tuple[Form, Submission | None]:
        """The form and the checked submission (None when the honeypot is filled); Refusal
        otherwise."""
        form = self._form_in(reference)
        if not self._rate_counted:  # once, whatever the data
            self._rate_counted = True
            self._rate_wait = limiter(self.request).hit((self.client, form.key))
        if self._rate_wait is not None:
            raise Refusal(
                429,
                "rate",
                f"more than {limiter(self.request).rate} posts a minute from {self.client} to "
                f"this form; try again in {self._rate_wait} s",
                {"Retry-After": str(self._rate_wait)},
            )
        self.key = idempotency_key(self.request)
        if self._body is None:
            try:
                self._body = await read_body(self.request)
            except Refusal as refusal:
                self._body = refusal
        if isinstance(self._body, Refusal):
            raise self._body
        self.fields = parse_body(media_type(self.request), self._body)
        if honeypot_filled(self.fields):
            return form, None
        return form, self._submission(form)

    def _submission(self, form: Form) -> Submission:
        """422 naming a missing or invalid field."""
        try:
            contact, payload = read_fields(form, self.fields)
            tracking = read_tracking(self.fields, self.referer, self.now)
        except (FieldError, TrackingError) as exc:
            raise Refusal(422, exc.field, exc.message) from None
        return Submission(form.id, contact, payload, tracking)

    def recheck(self, reference: Reference) -> Submission:
        """The checks that depend on the form again, against newer data (in the writer)."""
        return self._submission(self._form_in(reference))


async def checked(checks: PostChecks, cache: ReferenceCache) -> tuple[Form, Submission | None]:
    """The post checked against the kept reference data. What stores nothing (a refusal, the
    honeypot's 200) is answered only once that data is known to be current; what stores is
    checked again by the writer when the data moved."""
    kept = cache.kept()
    reference = kept if kept is not None else await run_in_threadpool(cache.load)

    async def attempt(reference: Reference) -> tuple[Form, Submission | None] | Refusal:
        try:
            return await checks.run(reference)
        except Refusal as refusal:
            return refusal

    outcome = await attempt(reference)
    stores = not isinstance(outcome, Refusal) and outcome[1] is not None
    if not stores and reference is kept:
        current = await run_in_threadpool(cache.fresh, reference)
        if current is not reference:
            outcome = await attempt(current)
    if isinstance(outcome, Refusal):
        raise outcome
    return outcome


@router.post(
    "/capture/forms/{form_key}",
    responses=CAPTURE_RESPONSES,
    openapi_extra=CAPTURE_OPENAPI,
    summary="Post a form (public)",
    response_class=JSONResponse,
    status_code=201,
)
async def capture(form_key: FormKey, request: Request, background: BackgroundTasks) -> Response:
    """A web form's submission: a new lead, or a conversion of a known contact (SPEC 6.1)."""
    state = request.app.state
    checks = PostChecks(request, form_key)
    try:
        form, submission = await checked(checks, state.reference)
    except Refusal as refusal:
        return refused(request, refusal, checks.headers, checks.form)
    if submission is None:
        log.info("capture: honeypot filled on form %s; nothing stored", form.key)
        return thanks(request, form, 200, {"status": "received"}, checks.headers)
    headers, key = checks.headers, checks.key
    digest = post_digest(form, checks.fields, checks.referer)
    recent = recent_posts(request)
    collapse = hashlib.sha256(f"{checks.client} {digest}".encode()).hexdigest()
    if key is None:  # with a key, the key alone says which posts are one
        earlier = recent.earlier(collapse)
        if earlier is not None:
            try:
                answer = await earlier
            except Overloaded as busy:  # the first was refused: so is its twin
                return refused(request, overloaded(busy), headers, form)
            except Refusal as refusal:
                return refused(request, refusal, headers, form)
            return thanks(request, form, answer.status, answer.body, {**headers, REPLAYED: "true"})
    try:
        answer, replayed = await _store(state, checks, submission, key, digest)
    except Overloaded as busy:
        if key is None:
            recent.abandoned(collapse, busy)
        return refused(request, overloaded(busy), headers, form)
    except Refusal as refusal:
        if key is None:
            recent.abandoned(collapse, refusal)
        return refused(request, refusal, checks.headers, checks.form)
    except BaseException as exc:
        if key is None:
            recent.abandoned(collapse, exc)
        raise
    if key is None:
        recent.answered(collapse, answer)
    if state.reference.stale:  # a write saw newer reference data: keep it for the next posts
        background.add_task(state.reference.load)
    if answer.body.get("status") == QUEUED:
        state.capture_spool_pending = True
    elif answer.status == 202 and not replayed:
        failure_recorded(state)
    elif answer.status == 201:
        after_a_capture(state, background)
        if state.capture_spool_pending:  # the lock is free again
            state.capture_spool_pending = False
            background.add_task(drain_in_server, state)
    if replayed:
        headers = {**headers, REPLAYED: "true"}
    return thanks(request, form, answer.status, answer.body, headers)


async def _store(
    state: Any, checks: PostChecks, submission: Submission, key: str | None, digest: str
) -> tuple[Answer, bool]:
    """Store the post (or find the one its key already made) through the group commit: its
    answer, and whether it is a replay. It is answered only once its batch is committed
    (SQLite runs with synchronous=FULL, so a committed capture survives a power cut). A post
    that cannot be processed is kept as failed (202) for a retry; Overloaded when the writer's
    queue is full (nothing stored: the caller answers 503). While another process holds
    SQLite's write lock for long, the post is kept in the spool (202 `queued`)."""
    writer: GroupWriter = state.writer
    now = checks.now
    spooled = None
    if state.spool is not None:
        post = SpooledPost(submission, now, key or new_key(), digest)
        spooled = partial(_spool_post, state.spool, post)
    job = partial(_capture_job, state.reference, checks, submission, key, digest)
    try:
        return await asyncio.wrap_future(writer.submit(job, spooled))
    except (Refusal, Overloaded):
        raise
    except Exception as exc:
        if isinstance(exc, OperationalError):  # the database's state, not a bug: no traceback
            if not kept_for_retry(exc):
                raise  # away, full or read-only: 503 (the app's handler), nothing stored
            log.warning("capture: a post to form %s failed: %s", submission.form_id, exc.orig)
        else:
            log.exception("capture: processing a post to form %s failed", submission.form_id)
        error = f"{type(exc).__name__}: {exc}"
        failure = partial(_record_failure, submission, now, error, key, digest)
        return await asyncio.wrap_future(writer.submit(failure))


def _capture_job(
    cache: ReferenceCache,
    checks: PostChecks,
    submission: Submission,
    key: str | None,
    digest: str,
    conn: Connection,
) -> tuple[Answer, bool]:
    """The writer's part of a capture: checked again when the reference data moved since."""
    reference = cache.within(conn)
    if reference.tag is None or checks.reference is None or reference.tag != checks.reference.tag:
        submission = checks.recheck(reference)
    return _process(submission, checks.now, key, digest, conn, reference)


QUEUED = "queued"
# Database errors after which a post is kept as failed and retried: another writer's lock
# (SQLite past its busy timeout, a PostgreSQL deadlock or lock timeout). Others (the database
# away, the disk full, a read-only file) answer 503: the client sends it again.
RETRIED_ERRORS = ("locked", "busy", "deadlock", "lock timeout", "could not serialize")


def kept_for_retry(error: OperationalError) -> bool:
    reason = str(error.orig).lower()
    return any(words in reason for words in RETRIED_ERRORS)


def _spool_post(spool: CaptureSpool, post: SpooledPost) -> tuple[Answer, bool]:
    spool.add(post)
    return Answer(202, {"submission_id": None, "lead_id": None, "status": QUEUED}), False


def _store_spooled(post: SpooledPost, conn: Connection) -> None:
    """A spooled post, stored as it would have been when it came (a refusal stores nothing:
    its key was used for another post meanwhile)."""
    try:
        _process(post.submission, post.received_at, post.key, post.digest, conn)
    except Refusal as refusal:
        log.info("spool: a post to form %s refused: %s", post.submission.form_id, refusal)


def drain_spool(engine: Engine) -> DrainReport:
    """Store what the database's spool holds, a transaction each (leadboard serve's start, the
    CLI); nothing to do without a spool (PostgreSQL)."""
    spool = spool_for(engine)
    if spool is None:
        return DrainReport()

    def store(post: SpooledPost) -> None:
        with engine.begin() as conn:
            take_write_lock(conn)
            _store_spooled(post, conn)

    return spool.drain(store)


def drain_in_server(state: Any) -> None:
    """After a capture committed: store the spooled posts through the writer (the lock is
    free again); what still fails waits for the next capture."""

    def store(post: SpooledPost) -> None:
        state.writer.submit(partial(_store_spooled, post)).result()

    if state.spool.drain(store).failed:
        state.capture_spool_pending = True


def _replay(conn: Connection, key: str, digest: str, claim: Claim) -> tuple[Answer, bool]:
    if claim.request_hash != digest or claim.submission_id is None:
        raise Refusal(422, KEY_HEADER, "this key was already used for another post; use a new key")
    status, body = answer_of(conn, claim.submission_id)
    return Answer(status, body), True


def _process(
    submission: Submission,
    now: datetime,
    key: str | None,
    digest: str,
    conn: Connection,
    reference: Reference | None = None,
) -> tuple[Answer, bool]:
    # The key is claimed first, in the same transaction: a twin in another batch waits for it,
    # one later in the same batch sees it; both then replay.
    if key is not None:
        claim = claim_key(conn, submission.form_id, key, digest, now)
        if claim is not None:
            return _replay(conn, key, digest, claim)
    if reference is None:
        outcome = record_submission(conn, submission, now, effective_rules(conn))
    else:
        outcome = record_submission(conn, submission, now, reference.rules, reference.open_status)
    if key is not None:
        link_submission(conn, submission.form_id, key, outcome.submission_id)
    body = {
        "submission_id": outcome.submission_id,
        "lead_id": outcome.lead_id,
        "conversion": outcome.conversion,
        "status": "processed",
    }
    return Answer(201, body), False


def _record_failure(
    submission: Submission,
    now: datetime,
    error: str,
    key: str | None,
    digest: str,
    conn: Connection,
) -> tuple[Answer, bool]:
    if key is not None:
        claim = claim_key(conn, submission.form_id, key, digest, now)
        if claim is not None:  # a twin stored it meanwhile
            return _replay(conn, key, digest, claim)
    failed_id = record_failed(
        conn, submission.form_id, submission.payload, submission.tracking.visit, now, error
    )
    if key is not None:
        link_submission(conn, submission.form_id, key, failed_id)
    return Answer(202, {"submission_id": failed_id, "lead_id": None, "status": "failed"}), False


@router.options("/capture/forms/{form_key}", include_in_schema=False)
async def preflight(form_key: str, request: Request) -> Response:
    """CORS preflight: allowed origins get the go-ahead, others a 403 without CORS headers."""
    origin = request.headers.get("origin")
    try:
        found = await run_in_threadpool(_load_form, request.app.state.engine, form_key)
        form = _active_form(found, form_key)
        if origin is None or not origin_allowed(form, origin, request):
            raise Refusal(
                403, "Origin", f"{origin or 'none'} is not an allowed origin of this form"
            )
    except Refusal as refusal:
        return JSONResponse(error_body(refusal), refusal.status, headers=cors_headers(None))
    return Response(
        status_code=204,
        headers={
            **cors_headers(origin),
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
        },
    )


# --- pages ----------------------------------------------------------------------------------


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/f/{form_key}", include_in_schema=False, response_class=HTMLResponse)
async def hosted_form(form_key: str, request: Request) -> Response:
    """The hosted form page: the form and the tracking script, on Leadboard's own domain, in the
    visitor's language (`?lang=` fixes it: a Dutch site links /f/KEY?lang=nl)."""
    form = await run_in_threadpool(_load_form, request.app.state.engine, form_key)
    lang = visitor_language(request)
    if form is None or not form.active:
        title = t(lang, "capture.not_found_title")
        message = t(lang, "capture.not_found", form_key=repr(form_key))
        return page(request, 404, title, message, {}, form)
    base = base_url(request)
    return TEMPLATES.TemplateResponse(
        request,
        "capture/hosted.html",
        {
            "lang": lang,
            "form": form,
            "form_html": form_html(form, base, lang),
            "script_url": f"{base}/t.js",
        },
        # Framed by the form's allowed origins only (a marketing site's iframe), not DENY.
        headers=form_page_headers(form),
    )


@router.get("/forms/{form_key}", include_in_schema=False, response_class=HTMLResponse)
async def form_page(form_key: str, request: Request) -> Response:
    """The form's page in the app: its settings and the snippet to embed (login required), in
    the user's language like every page; the snippet's labels follow it."""
    user = await run_in_threadpool(session_user, request)
    if user is None:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", 303)
    form = await run_in_threadpool(_load_form, request.app.state.engine, form_key)
    if form is None:
        raise HTTPException(404)  # the app's HTML error page
    lang = language(request, user)
    base = base_url(request)
    return render(
        request,
        "capture/form.html",
        {
            "lang": lang,
            "user": user,
            "form": form,
            "endpoint": f"{base}/capture/forms/{form.key}",
            "hosted_url": f"{base}/f/{form.key}",
            "script_tag": script_tag(base),
            "form_html": str(form_html(form, base, lang)),
        },
    )
