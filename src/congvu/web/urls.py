from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("to-chuc/", views.organisation, name="organisation"),
    path("to-chuc/nhap/", views.organisation_import, name="organisation_import"),
]
