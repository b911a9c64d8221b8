"""Reviewing through a share link that allows it: the reviewer's name once, then a decision per
image. Anything but a live, unlocked link that allows review, and a position it shares, is the
share pages' one 404 (gallery.views.shared)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from avatarapp import ratelimit
from gallery import reviews, share_access, share_links
from gallery.models import ShareLink
from gallery.views.shared import Failed, gone, page, shared_items


def _reviewable(request: HttpRequest, token: str) -> ShareLink | None:
    link = share_links.find_live(token)
    if link is None or not link.allow_review or not share_access.is_unlocked(request, link):
        return None
    return link


@require_POST
def give_name(request: HttpRequest, token: str) -> HttpResponseBase:
    link = _reviewable(request, token)
    if link is None:
        return gone(request)
    problem = share_access.set_reviewer_name(request, link, request.POST.get("name", ""))
    if problem:
        response = page(request, link, token, name_error=problem)
        response.status_code = 400
        return response
    return redirect("gallery:shared", token)


@require_POST
def review(request: HttpRequest, token: str, position: int) -> HttpResponseBase:
    link = _reviewable(request, token)
    item = shared_items(link).filter(position=position).first() if link else None
    if link is None or item is None:
        return gone(request)
    name = share_access.reviewer_name(request, link)
    decision = request.POST.get("decision", "")
    comment = request.POST.get("comment", "")
    if not name:
        failed = Failed(position, "Give your name first, above.", decision, comment)
        return _refused(request, link, token, failed)
    # Each review mails the team: limited per link and address, and per link from anywhere.
    client = get_adapter().get_client_ip(request)
    verdict = ratelimit.hit("share_review", user_id=f"{link.pk}:{client}", workspace_id=link.pk)
    if not verdict.allowed:
        wording = ratelimit.refusal("sending reviews", verdict, allowed_by="this link")
        response = page(request, link, token, failed=Failed(position, wording, decision, comment))
        return ratelimit.limited(response, verdict)  # type: ignore[arg-type]
    try:
        made = reviews.review_submit(
            link=link, image=item.image, reviewer_name=name, decision=decision, comment=comment
        )
    except reviews.ReviewError as error:
        return _refused(request, link, token, Failed(position, str(error), decision, comment))
    # The team's page for the image: only in the email to the team, never on the shared page.
    reviews.notify(made, request.build_absolute_uri(reverse("gallery:image", args=[item.image_id])))
    messages.success(request, f"Thank you: your review of portrait {position} is with the team.")
    return redirect(reverse("gallery:shared", args=[token]) + f"#portrait-{position}")


def _refused(request: HttpRequest, link: ShareLink, token: str, failed: Failed) -> HttpResponseBase:
    response = page(request, link, token, failed=failed)
    response.status_code = 400
    return response
