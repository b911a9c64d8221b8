"""Flash messages show on the page they belong to.

Django keeps a message until some page renders it. Left alone, a message added while answering
an htmx request (a card's Cancel button, say) would wait in the session, because the answer is a
fragment without the messages box, and turn up on whatever full page came next: "That image has
already finished" on the Costs page. This middleware hands such a message to the page that
asked: it appends the messages box to the fragment as an out-of-band swap (base.html always has
the box), so htmx fills it in place, and it drops the message from the session.

Only messages added during this request travel this way: one from an earlier request belongs to
the next full page, not to a fragment polled meanwhile. Answers that send the browser to another
page (HX-Redirect, HX-Location, HX-Refresh, a plain redirect) keep their messages for that page,
and answers htmx does not swap (204, errors other than 429) carry none, as nothing would show them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.messages import get_messages
from django.contrib.messages.storage.base import Message
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

SENDS_ELSEWHERE = ("HX-Redirect", "HX-Location", "HX-Refresh")
TEMPLATE = "includes/messages.html"


def _swapped_in_place(request: HttpRequest, response: HttpResponse) -> bool:
    """True for an htmx answer whose HTML htmx puts into the page (base.html's htmx-config swaps
    2xx but 204, and 429)."""
    if request.headers.get("HX-Request") != "true" or response.streaming:
        return False
    if not (200 <= response.status_code < 300 or response.status_code == 429):
        return False
    if response.status_code == 204 or any(header in response for header in SENDS_ELSEWHERE):
        return False
    return response.get("Content-Type", "").startswith("text/html")


def messages_in_place(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if not _swapped_in_place(request, response):
            return response
        # Django's storage keeps what this request added, and no page has rendered yet (rendering
        # moves them on), apart from what it loaded from earlier requests.
        added: list[Message] = getattr(get_messages(request), "_queued_messages", [])
        if added:
            box = render_to_string(TEMPLATE, {"messages": added, "oob": True}, request=request)
            response.content = response.content + box.encode(response.charset)
            added.clear()  # shown: not stored for a later page
        return response

    return middleware
