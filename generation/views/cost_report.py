"""The Costs page's report (a month or a range of days, broken down one way) and its CSV.

The choice travels in the address (a GET form and links), so a view can be bookmarked and
shared; a choice the page cannot show gets a message saying what to pick, and no figures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBase, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from avatarapp.http import WorkspaceRequest
from generation import costs, ledger
from generation.cost_chart import chart
from generation.cost_export import csv_response

DEFAULT_SORT = {"day": "name"}  # days read in order; every other breakdown largest first


class ReportForm(forms.Form):
    month = forms.CharField(
        label="Month", required=False, widget=forms.TextInput({"type": "month"})
    )
    start = forms.DateField(label="From", required=False, widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput({"type": "date"}))
    by = forms.CharField(required=False, widget=forms.HiddenInput)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

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


def report(request: WorkspaceRequest) -> tuple[dict[str, Any], int]:
    """The page's report context and status: 400 with the form's message for a bad choice."""
    form = ReportForm(request.GET)  # every field may be left out: this month, by model
    if not form.is_valid():
        return {"report_form": form}, 400
    period, by, sort = (form.cleaned_data[name] for name in ("period", "by", "sort"))
    workspace, viewer = request.workspace, request.user.pk
    rows = costs.breakdown(workspace, period, by=by, sort=sort, viewer_id=viewer)
    title = costs.BREAKDOWNS[by][0]
    query = request.GET.copy()
    query.pop("sort", None)
    return {
        "report_form": form,
        "period": period,
        "totals": costs.totals(workspace, period),
        "by": by,
        "by_title": title,
        "breakdowns": [
            {"slug": slug, "title": name, "href": _link(query, by=slug)}
            for slug, (name, _, _) in costs.BREAKDOWNS.items()
        ],
        "rows": rows,
        "headers": _headers(request.GET.copy(), by, sort),
        "chart": chart(rows, by=by, title=title, period=period),
        "accuracy": costs.accuracy(workspace, period),
    }, 200


@require_GET
@login_required
def costs_csv(request: WorkspaceRequest) -> HttpResponseBase:
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, "generation/costs_refused.html", {"report_form": form}, status=400)
    return csv_response(request.workspace, form.cleaned_data["period"], request.user.pk)
