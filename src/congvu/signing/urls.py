from django.urls import path

from . import views

app_name = "signing"

urlpatterns = [
    path("ky-so/kiem-tra/", views.verify, name="verify"),
    path("ky-so/ket-qua/<str:sha256>/", views.report, name="report"),
    path("ky-so/ket-qua/<str:sha256>/kiem-tra-lai/", views.recheck, name="recheck"),
    path("ky-so/chung-thu/", views.credentials, name="credentials"),
    path("ky-so/chung-thu/<int:pk>/ngung/", views.credential_deactivate, name="credential_deactivate"),
]
