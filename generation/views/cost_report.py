"""The Costs page's report (a month or a range of days, broken down one way) and its CSV.

The choice travels in the address (a GET form and links), so a view can be bookmarked and
shared; a choice the page cannot show gets a message saying what to pick, and no figures.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from html import escape
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBase, QueryDict
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from avatarapp.http import WorkspaceRequest
from avatarapp.money import usd
from generation import campaigns, costs, ledger
from generation.cost_chart import chart
from generation.cost_export import csv_response
from generation.models import Campaign

DEFAULT_SORT = {"day": "name"}  # days read in order; every other breakdown largest first


class ReportForm(forms.Form):
    month = forms.CharField(
        label="Month", required=False, widget=forms.TextInput({"type": "month"})
    )
    start = forms.DateField(label="From", required=False, widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput({"type": "date"}))
    campaign = forms.CharField(label="Campaign", required=False)
    by = forms.CharField(required=False, widget=forms.HiddenInput)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: QueryDict, *, workspace_id: uuid.UUID) -> None:
        super().__init__(data)
        self.workspace_id = workspace_id

    def clean_campaign(self) -> Campaign | None:
        """A campaign of another workspace, or one deleted since, is refused like any choice
        the page cannot show: figures for the whole workspace under a campaign's name would
        mislead, and a CSV of them would be worse."""
        value = self.cleaned_data["campaign"].strip()
        if not value:
            return None
        campaign = campaigns.find(self.workspace_id, value)
        if campaign is None:
            raise forms.ValidationError(campaigns.NOT_HERE)
        return campaign

    def clean_month(self) -> date | None:
        text = self.cleaned_data["month"].strip()
        if not text:
            return None
        try:
            return date.fromisoformat(f"{text}-01")
        except ValueError:
            raise forms.ValidationError("Pick a month, like 2026-11.") from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        start, end = data.get("start"), data.get("end")
        try:
            if start or end:
                if not (start and end):
                    raise costs.CostsRequestError("Pick both a start and an end date.")
                data["period"] = costs.range_period(start, end)
            else:
                data["period"] = costs.month_period(data.get("month") or ledger.month_of())
            data["by"] = data.get("by") or "model"
            data["sort"] = data.get("sort") or DEFAULT_SORT.get(data["by"], "-spent")
            costs.check_choice(data["by"], data["sort"])
        except costs.CostsRequestError as error:
            raise forms.ValidationError(str(error)) from None
        return data


def _link(query: QueryDict, **changes: str) -> str:
    changed = query.copy()
    for name, value in changes.items():
        changed[name] = value
    return "?" + changed.urlencode()


def _headers(query: QueryDict, by: str, sort: str) -> list[dict[str, str]]:
    """The table's column headers, each a link that sorts by it (again: the other way round)."""
    names = {"name": costs.BREAKDOWNS[by][0], "images": "Images", "spent": "Spent"}
    names["reserved"] = "Reserved"
    headers = []
    for column, title in names.items():
        current = sort.removeprefix("-") == column
        descending = sort.startswith("-")
        flipped = column if current and descending else f"-{column}"
        if column == "name" and not current:
            flipped = column  # names read A to Z first
        order = ("descending" if descending else "ascending") if current else "none"
        headers.append({"title": title, "href": _link(query, sort=flipped), "aria_sort": order})
    return headers


def _table_body(rows: list[costs.Row], by: str) -> SafeString:
    """The breakdown table's rows. Written here rather than as a loop in the template: a range
    by day or a workspace's personas is hundreds of rows, and the template's four cells cost
    ~0.1 ms a row, these ~0.01 (make bench, by persona at 100,000 images). Every cell is
    escaped (html.escape, quotes included) before the whole is marked safe."""
    return mark_safe(  # noqa: S308  # every cell escaped just below
        "".join(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                escape(f"{row.key:%a} {row.key.day} {row.key:%b %Y}" if by == "day" else row.label),
                row.images,
                escape(usd(row.spent)),
                escape(usd(row.reserved)),
            )
            for row in rows
        )
    )


def report(request: WorkspaceRequest, *, cap: Decimal | None) -> tuple[dict[str, Any], int]:
    """The page's report context and status: 400 with the form's message for a bad choice.
    `cap`: the workspace's monthly budget, as the page has already read it."""
    # Every field may be left out: this month, every campaign, by model.
    form = ReportForm(request.GET, workspace_id=request.workspace.pk)
    campaign_choices = campaigns.of_workspace(request.workspace.pk)
    if not form.is_valid():
        return {"report_form": form, "campaigns": campaign_choices}, 400
    period, campaign, by, sort = (
        form.cleaned_data[name] for name in ("period", "campaign", "by", "sort")
    )
    workspace, viewer = request.workspace, request.user.pk
    figures = costs.report(workspace, period, campaign, by=by, sort=sort, viewer_id=viewer)
    rows = figures.rows
    title = costs.BREAKDOWNS[by][0]
    query = request.GET.copy()
    query.pop("sort", None)
    return {
        "report_form": form,
        "period": period,
        "campaign": campaign,
        "campaigns": campaign_choices,
        "totals": costs.Totals.of(rows, cap),
        "by": by,
        "by_title": title,
        "breakdowns": [
            {"slug": slug, "title": name, "href": _link(query, by=slug)}
            for slug, (name, _, _) in costs.BREAKDOWNS.items()
        ],
        "rows": rows,
        "model_href": _link(query, by="model"),
        "table_body": _table_body(rows, by),
        "headers": _headers(request.GET.copy(), by, sort),
        "chart": chart(rows, by=by, title=title, period=period),
        "accuracy": figures.accuracy,
    }, 200


@require_GET
@login_required
def costs_csv(request: WorkspaceRequest) -> HttpResponseBase:
    form = ReportForm(request.GET, workspace_id=request.workspace.pk)
    if not form.is_valid():
        return render(request, "generation/costs_refused.html", {"report_form": form}, status=400)
    chosen = form.cleaned_data
    return csv_response(request.workspace, chosen["period"], chosen["campaign"], request.user.pk)
