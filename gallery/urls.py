from django.urls import path

from gallery.views import browse, bulk, cover

app_name = "gallery"

urlpatterns = [
    # Galleries: the workspace's, a persona's (shown on its page), filters, bulk actions, covers.
    path("gallery/", browse.gallery, name="gallery"),
    path("gallery/filters/", browse.filters, name="filters"),
    path("gallery/bulk/", bulk.bulk, name="bulk"),
    path("personas/<uuid:pk>/portraits/", browse.persona_gallery, name="persona_gallery"),
    path("personas/<uuid:pk>/portraits/filters/", browse.persona_filters, name="persona_filters"),
    path("personas/<uuid:pk>/cover/", cover.set_cover, name="persona_cover"),
]
