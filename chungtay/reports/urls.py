from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dung-han/", views.timeliness, name="timeliness"),
    path("thong-bao/", views.notifications, name="notifications"),
    path("thong-bao/<int:pk>/da-doc/", views.notification_read, name="notification_read"),
    path("thong-bao/doc-het/", views.notifications_read_all, name="notifications_read_all"),
    path("thong-bao/kenh-nhan/", views.channel_settings, name="channel_settings"),
    path("thong-bao/ngung-nhan/<str:token>/", views.channel_stop, name="channel_stop"),
    path("nhac-viec/", views.reminder_log, name="reminder_log"),
    path("nhac-viec/chay/", views.reminder_run, name="reminder_run"),
    path("don-doc/", views.urging_notice, name="urging_notice"),
    path("don-doc/don-vi/<int:pk>/", views.urging_items, name="urging_items"),
    path("don-doc/<int:pk>/<str:fmt>/", views.urging_download, name="urging_download"),
    path("phong-trao/", views.review_list, name="review_list"),
    path("phong-trao/<int:pk>/<str:kind>/", views.review, name="review"),
    path("xuat/", views.export_list, name="exports"),
    path("xuat/<int:pk>/", views.job_status, name="job_status"),
    path("xuat/<int:pk>/tai/", views.job_download, name="job_download"),
]
