from django.urls import path

from personas.views import looks, persona_form, personas, portraits, references, styles, transfer
from personas.views import uploads as held

app_name = "personas"

urlpatterns = [
    path("", personas.persona_list, name="list"),
    path("new/", persona_form.persona_create, name="create"),
    path("new/preview/", persona_form.create_preview, name="create_preview"),
    path("look.png", looks.look_preview, name="look_preview"),
    path("held/", held.upload, name="pending_upload"),
    path("held/<uuid:pk>/remove/", held.remove, name="pending_remove"),
    path("held/<uuid:pk>/thumb/", held.thumbnail, name="pending_thumb"),
    path("<uuid:pk>/", personas.persona_detail, name="detail"),
    path("<uuid:pk>/edit/", persona_form.persona_edit, name="edit"),
    path("<uuid:pk>/edit/preview/", persona_form.edit_preview, name="edit_preview"),
    path("<uuid:pk>/duplicate/", personas.persona_duplicate, name="duplicate"),
    path("<uuid:pk>/transfer/", transfer.persona_transfer, name="transfer"),
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
    path("styles/example.png", looks.style_example, name="style_example"),
    path("styles/builtin/<slug:slug>/copy/", styles.style_copy, name="style_copy"),
    path("styles/<uuid:pk>/edit/", styles.style_edit, name="style_edit"),
    path("styles/<uuid:pk>/delete/", styles.style_delete, name="style_delete"),
    path(
        "styles/<uuid:pk>/references/<uuid:ref_pk>/",
        styles.style_reference_file,
        name="style_reference_file",
    ),
]
