from django.urls import path

from personas.views import personas, portraits, references, styles

app_name = "personas"

urlpatterns = [
    path("", personas.persona_list, name="list"),
    path("new/", personas.persona_create, name="create"),
    path("new/preview/", personas.create_preview, name="create_preview"),
    path("<uuid:pk>/", personas.persona_detail, name="detail"),
    path("<uuid:pk>/edit/", personas.persona_edit, name="edit"),
    path("<uuid:pk>/edit/preview/", personas.edit_preview, name="edit_preview"),
    path("<uuid:pk>/duplicate/", personas.persona_duplicate, name="duplicate"),
    path("<uuid:pk>/archive/", personas.persona_archive, name="archive"),
    path("<uuid:pk>/unarchive/", personas.persona_unarchive, name="unarchive"),
    path("<uuid:pk>/delete/", personas.persona_delete, name="delete"),
    path("<uuid:pk>/portrait.png", portraits.portrait, name="portrait"),
    path("<uuid:pk>/references/", references.upload_references, name="upload_references"),
    path(
        "<uuid:pk>/references/<uuid:ref_pk>/delete/",
        references.delete_reference,
        name="delete_reference",
    ),
    path(
        "<uuid:pk>/references/<uuid:ref_pk>/<str:variant>/",
        references.reference_file,
        name="reference_file",
    ),
    path("styles/", styles.style_list, name="styles"),
    path("styles/new/", styles.style_create, name="style_create"),
    path("styles/builtin/<slug:slug>/copy/", styles.style_copy, name="style_copy"),
    path("styles/<uuid:pk>/edit/", styles.style_edit, name="style_edit"),
    path("styles/<uuid:pk>/delete/", styles.style_delete, name="style_delete"),
]
