from django.urls import path

from avatarapp.keys import views

app_name = "keys"

urlpatterns = [path("", views.key_list, name="list")]
