"""/forms: every form with its submissions and conversions, linking its snippet page
(`/forms/{key}`, capture/routes.py) and its hosted page (`/f/{key}`).

The counts follow the viewer's lead rights (submissions follow their lead, SPEC 7); the forms
themselves are no one's records, so every signed-in user sees the list.
"""

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from leadboard.domain.lead_list import forms_overview
from leadboard.web.pages.session import PageUser, formatter, language, url_language, with_query
from leadboard.web.pages.setup import render
from leadboard.web.scope import viewer_scope

router = APIRouter(include_in_schema=False)


@router.get("/forms")
def forms_page(request: Request, user: PageUser) -> Response:
    lang = language(request, user)
    url_lang = url_language(request)
    owners = viewer_scope(request, user.id).leads
    with request.app.state.engine.connect() as conn:
        rows = forms_overview(conn, owners)
    found = [
        {
            "key": r.key,
            "name": r.name,
            "active": bool(r.active),
            "submissions": int(r.submissions),
            "conversions": int(r.conversions),
            "page_url": with_query(f"/forms/{quote(r.key, safe='')}", lang=url_lang),
            "hosted_url": f"/f/{quote(r.key, safe='')}",
        }
        for r in rows
    ]
    context = {"lang": lang, "user": user, "forms": found, "fmt": formatter(request, lang)}
    return render(request, "forms.html", context)
