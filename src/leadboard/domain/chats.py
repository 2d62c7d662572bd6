"""Chat sessions (SPEC 1.4, 6.2): a chat by a new email creates a lead (created_via chat), a chat
by a known email is linked to that contact, a chat without an email stands alone."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, update

from leadboard.db.schema import chat_sessions
from leadboard.db.times import to_db
from leadboard.domain.channels import ChannelRules
from leadboard.domain.conversions import lock_email
from leadboard.domain.errors import FieldError
from leadboard.domain.intake import split_name
from leadboard.domain.lead_updates import associate_id, company_id
from leadboard.domain.leads import NewLead, create_lead, find_lead_by_email, normalise_email


@dataclass(frozen=True)
class Chat:
    started_at: datetime  # aware
    ended_at: datetime | None = None
    visitor_name: str | None = None
    visitor_email: str | None = None
    visitor_company: str | None = None
    visitor_country: str | None = None  # ISO alpha-2
    agent_email: str | None = None
    # The lead creation source of a lead the chat creates (SPEC 6.3: given by the caller).
    source: str | None = None
    medium: str | None = None
    campaign: str | None = None


@dataclass(frozen=True)
class ChatOutcome:
    chat_id: int
    lead_id: int | None
    lead_created: bool
    agent_id: int | None


def record_chat(conn: Connection, chat: Chat, now: datetime, rules: ChannelRules) -> ChatOutcome:
    """Store a chat session and create or link its contact; call inside one transaction."""
    if chat.started_at > now:
        raise FieldError("started_at", f"{chat.started_at.isoformat()} lies in the future")
    if chat.ended_at is not None:
        if chat.ended_at < chat.started_at:
            raise FieldError("ended_at", "lies before started_at")
        if chat.ended_at > now:
            raise FieldError("ended_at", f"{chat.ended_at.isoformat()} lies in the future")
    if (chat.medium or chat.campaign) and not chat.source:
        raise FieldError("medium" if chat.medium else "campaign", "needs a source")
    agent = associate_id(conn, chat.agent_email, "agent") if chat.agent_email else None
    email = normalise_email(chat.visitor_email)
    country = chat.visitor_country.upper() if chat.visitor_country else None
    chat_id = int(
        conn.execute(
            insert(chat_sessions)
            .values(
                visitor_name=chat.visitor_name,
                visitor_email=email,
                visitor_company=chat.visitor_company,
                visitor_country=country,
                agent_id=agent,
                started_at=to_db(chat.started_at),
                ended_at=to_db(chat.ended_at) if chat.ended_at else None,
            )
            .returning(chat_sessions.c.id)
        ).scalar_one()
    )
    if email is None:
        return ChatOutcome(chat_id, None, False, agent)
    lock_email(conn, email)
    lead_id = find_lead_by_email(conn, email)
    created = lead_id is None
    if lead_id is None:
        first, last = split_name(chat.visitor_name)
        company = company_id(conn, chat.visitor_company, country) if chat.visitor_company else None
        lead_id = create_lead(
            conn,
            NewLead(
                created_via="chat",
                created_at=chat.started_at,
                email=email,
                first_name=first,
                last_name=last,
                company_id=company,
                country=country,
                chat_session_id=chat_id,
                given_source=chat.source,
                given_medium=chat.medium,
                given_campaign=chat.campaign,
            ),
            rules=rules,
        )
    conn.execute(update(chat_sessions).where(chat_sessions.c.id == chat_id).values(lead_id=lead_id))
    return ChatOutcome(chat_id, lead_id, created, agent)
