from django.urls import path

from gallery.views import jobs

app_name = "gallery"

urlpatterns = [
    # batches (issue 13, item 4): the history of every batch
    path("jobs/", jobs.history, name="jobs"),
]
