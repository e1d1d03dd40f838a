from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("den/", views.incoming, name="incoming"),
    path("den/moi/", views.incoming_new, name="incoming_new"),
    path("di/", views.outgoing, name="outgoing"),
    path("di/soan/", views.compose, name="compose"),
    path("tim/", views.search_page, name="search"),
    path("so/", views.registers, name="registers"),
    path("so/<int:pk>/", views.register_detail, name="register"),
    path("so/<int:pk>/excel/", views.register_export, name="register_export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/vao-so/", views.register_received, name="register_received"),
    path("<int:pk>/tep/<int:file_pk>/", views.file_download, name="file"),
    path("<int:pk>/trinh/", views.present, name="present"),
    path("<int:pk>/but-phe/", views.direct, name="direct"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/thao-tac/<slug:action>/", views.outgoing_action, name="action"),
    path("giao-viec/<int:pk>/<slug:action>/", views.assignment_action, name="assignment"),
]
