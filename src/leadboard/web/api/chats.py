"""The REST API for chats (token auth): record a chat session, creating or linking its contact.

A chat by a new email creates a lead (created_via chat, its chat_session set); a chat by a known
email is linked to that contact; a chat without an email creates no lead. Errors are
`{"error": {"field", "message"}, "errors": [...]}` (401, 422).
"""

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from leadboard.domain.channels import effective_rules
from leadboard.domain.chats import Chat, record_chat
from leadboard.domain.lead_queries import lead_visible
from leadboard.web.api.common import DOCUMENTED_AUTH, Writer, clock
from leadboard.web.api.errors import ApiRoute, responses
from leadboard.web.api.idempotency import IdempotencyKey, idempotent_write
from leadboard.web.api.models import (
    MEDIUM_NEEDS_SOURCE,
    Country,
    Email,
    Moment,
    RecordId,
    Text200,
    Text300,
)
from leadboard.web.scope import viewer_scope

router = APIRouter(
    prefix="/api", tags=["chats"], route_class=ApiRoute, dependencies=DOCUMENTED_AUTH
)


class ChatIn(BaseModel):
    """A chat session, as the chat system reports it."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "visitor_name": "Ann Jansen",
                    "visitor_email": "ann.jansen@example.nl",
                    "visitor_company": "Jansen BV",
                    "visitor_country": "NL",
                    "agent": "sam@example.com",
                    "started_at": "2026-03-02T10:15:00+01:00",
                    "ended_at": "2026-03-02T10:31:00+01:00",
                    "source": "website-chat",
                }
            ],
            **MEDIUM_NEEDS_SOURCE,
        },
    )
    visitor_name: Text200 | None = Field(None, description="Split into first and last name")
    visitor_email: Email | None = Field(
        None, description="Matches an existing contact, else creates a lead; none: no lead"
    )
    visitor_company: Text300 | None = None
    visitor_country: Country | None = None
    agent: Email | None = Field(None, description="Email of the associate who chatted")
    started_at: Moment = Field(description="When the chat began (not in the future)")
    ended_at: Moment | None = Field(None, description="When it ended (after started_at)")
    source: Text200 | None = Field(
        None, description="Lead creation source of a lead the chat creates (default: none)"
    )
    medium: Text200 | None = Field(
        None, description="With `source` (which alone also sets the channel by the GA4 rules)"
    )
    campaign: Text200 | None = None


class ChatOut(BaseModel):
    id: RecordId
    lead_id: RecordId | None = Field(
        description="The contact the chat created or was linked to (none when that lead lies "
        "outside the rights of the token's user)"
    )
    lead_created: bool = Field(description="True when this chat created the lead")
    visitor_name: str | None
    visitor_email: str | None
    visitor_company: str | None
    visitor_country: str | None
    agent_id: RecordId | None
    started_at: datetime
    ended_at: datetime | None


@router.post(
    "/chats",
    status_code=201,
    response_model=ChatOut,
    responses=responses(),
    summary="Record a chat session",
)
def create_chat(
    request: Request, body: ChatIn, principal: Writer, key: IdempotencyKey = None
) -> JSONResponse:
    """Records the chat; a new email creates a lead (created_via chat), a known one is linked."""
    now = clock(request).now()
    chat = Chat(
        started_at=body.started_at,
        ended_at=body.ended_at,
        visitor_name=body.visitor_name,
        visitor_email=body.visitor_email,
        visitor_company=body.visitor_company,
        visitor_country=body.visitor_country,
        agent_email=body.agent,
        source=body.source,
        medium=body.medium,
        campaign=body.campaign,
    )

    owners = viewer_scope(request, principal.associate_id).leads

    def write(conn: Connection) -> tuple[int, BaseModel]:
        outcome = record_chat(conn, chat, now, effective_rules(conn))
        # A chat by a known email is linked to that contact whoever owns it; a token acting as a
        # user is not told which lead that is (nor that one exists) when it lies outside the
        # user's lead rights: the answer shows no lead, as for a chat without an email.
        lead_id = outcome.lead_id
        if lead_id is not None and not lead_visible(conn, lead_id, owners):
            lead_id = None
        return 201, ChatOut(
            id=outcome.chat_id,
            lead_id=lead_id,
            lead_created=outcome.lead_created,
            visitor_name=body.visitor_name,
            visitor_email=body.visitor_email,
            visitor_company=body.visitor_company,
            visitor_country=body.visitor_country,
            agent_id=outcome.agent_id,
            started_at=body.started_at,
            ended_at=body.ended_at,
        )

    return idempotent_write(request, principal, key, body, write)
