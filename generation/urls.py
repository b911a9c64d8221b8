from django.urls import path

from generation.views import budget, campaigns, cost_report, generate, jobs, reconciliation

app_name = "generation"

urlpatterns = [
    path("generate/", generate.generate, name="generate"),
    path("generate/estimate/", generate.estimate, name="estimate"),
    path("jobs/<uuid:job_id>/", jobs.job_detail, name="job"),
    path("jobs/<uuid:job_id>/progress/", jobs.job_progress, name="job_progress"),
    path("images/<uuid:image_id>/card/", jobs.image_card, name="image_card"),
    path("images/<uuid:image_id>/cancel/", jobs.image_cancel, name="image_cancel"),
    path("images/<uuid:image_id>/retry/", jobs.image_retry, name="image_retry"),
    path(
        "images/<uuid:image_id>/<str:variant>",
        jobs.image_file,
        name="image_file",
    ),
    path("costs/", budget.costs, name="costs"),
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/<uuid:campaign_id>/", campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<uuid:campaign_id>/delete/", campaigns.campaign_delete, name="campaign_delete"),
    path("costs/csv/", cost_report.costs_csv, name="costs_csv"),
    path("costs/checking/", reconciliation.checking, name="checking"),
    path(
        "costs/checking/<uuid:image_id>/resolve/", reconciliation.resolve, name="checking_resolve"
    ),
    path("costs/checking/<uuid:image_id>/ask/", reconciliation.ask, name="checking_ask"),
]
