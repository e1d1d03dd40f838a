from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("", views.index, name="index"),
    path("quy-tac/moi/", views.rules_edit, name="rules_create"),
    path("quy-tac/dong-truc/", views.cover_row, name="cover_row"),
    path("quy-tac/<int:pk>/", views.rules_detail, name="rules_detail"),
    path("quy-tac/<int:pk>/sua/", views.rules_edit, name="rules_edit"),
    path("quy-tac/<int:pk>/lap/", views.plan_start, name="plan_start"),
    path("phuong-an/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("phuong-an/<int:pk>/tien-do/", views.plan_progress, name="plan_progress"),
    path("phuong-an/<int:pk>/dieu-chinh/", views.plan_adjust, name="plan_adjust"),
    path("phuong-an/<int:pk>/cong-bo/", views.plan_publish, name="plan_publish"),
    path("phuong-an/<int:pk>/excel/", views.plan_export, name="plan_export"),
    path("cua-toi/", views.my_schedule, name="my_schedule"),
    path("cua-toi/nguyen-vong/", views.preferences, name="preferences"),
    path("diem-danh/", views.checkin, name="checkin"),
    path("diem-danh/phong/<str:token>/", views.checkin_room, name="checkin_room"),
    path("ma-qr-phong/", views.room_codes, name="room_codes"),
    path("ma-qr-phong/<int:room_id>.svg", views.room_qr, name="room_qr"),
    path("cham-cong/", views.attendance, name="attendance"),
    path("cham-cong/thang/", views.attendance_month, name="attendance_month"),
]
