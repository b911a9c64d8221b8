from django.urls import path

from generation.provider_keys import views

app_name = "keys"

urlpatterns = [
    path("", views.key_list, name="list"),
    path("workspace/<uuid:workspace_id>/", views.workspace_keys, name="workspace"),
    path("workspace/<uuid:workspace_id>/add/", views.add, name="add"),
    path("workspace/<uuid:workspace_id>/activity/", views.activity, name="activity"),
    path("<uuid:key_id>/", views.detail, name="detail"),
    path("<uuid:key_id>/check/", views.check, name="check"),
    path("<uuid:key_id>/rename/", views.rename, name="rename"),
    path("<uuid:key_id>/price/", views.price, name="price"),
    path("<uuid:key_id>/low-credit-alert/", views.threshold, name="threshold"),
    path("<uuid:key_id>/revoke/", views.revoke, name="revoke"),
    path("<uuid:key_id>/delete/", views.delete, name="delete"),
]
