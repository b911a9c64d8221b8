from django.urls import path

from generation import views

app_name = "generation"

urlpatterns = [
    path("generate/", views.generate, name="generate"),
    path("gallery/", views.gallery, name="gallery"),
    path("costs/", views.costs, name="costs"),
]
