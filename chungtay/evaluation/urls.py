from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("phong-trao/<int:movement_pk>/", views.board, name="board"),
    path("phong-trao/<int:movement_pk>/don-vi/<int:unit_pk>/", views.self_assess, name="self_assess"),
    path("dong/<int:line_pk>/minh-chung/", views.evidence_upload, name="evidence_upload"),
    path("ban/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("ban/<int:pk>/tham-dinh/", views.review, name="review"),
    path("ban/<int:pk>/tra-lai/", views.assessment_return, name="assessment_return"),
    path("phong-trao/<int:movement_pk>/thiet-lap/", views.setup, name="setup"),
    path("phong-trao/<int:movement_pk>/xep-loai/<int:pk>/xoa/", views.band_delete, name="band_delete"),
    path("phong-trao/<int:movement_pk>/cham-cheo/", views.cross_list, name="cross_list"),
    path("ban/<int:pk>/cham-cheo/<int:unit_pk>/", views.cross_review, name="cross_review"),
    path("phong-trao/<int:movement_pk>/xep-hang/", views.ranking, name="ranking"),
    path("phong-trao/<int:movement_pk>/xep-hang/phe-duyet/", views.ranking_approve, name="ranking_approve"),
    path(
        "phong-trao/<int:movement_pk>/xep-hang/khong-xep-hang/<int:participation_pk>/",
        views.ranking_exclude,
        name="ranking_exclude",
    ),
    path("phong-trao/<int:movement_pk>/khen-thuong/", views.awards, name="awards"),
    path("phong-trao/<int:movement_pk>/khen-thuong/hinh-thuc/", views.award_form_create, name="award_form_create"),
    path("phong-trao/<int:movement_pk>/khen-thuong/de-nghi/", views.proposal_create, name="proposal_create"),
    path("phong-trao/<int:movement_pk>/khen-thuong/chon-don-vi/", views.award_unit_picker, name="award_unit_picker"),
    path(
        "phong-trao/<int:movement_pk>/khen-thuong/tu-xep-hang/",
        views.proposal_from_ranking,
        name="proposal_from_ranking",
    ),
    path("de-nghi/<int:pk>/rut/", views.proposal_remove, name="proposal_remove"),
    path("phong-trao/<int:movement_pk>/hop/", views.meeting_create, name="meeting_create"),
    path("hop/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("hop/<int:pk>/bieu-quyet/", views.meeting_votes, name="meeting_votes"),
    path("phong-trao/<int:movement_pk>/quyet-dinh/", views.decision_create, name="decision_create"),
    path("quyet-dinh/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("quyet-dinh/<int:pk>/ky/", views.decision_sign, name="decision_sign"),
    path(
        "quyet-dinh/<int:pk>/giay-khen.zip", views.certificates_zip, name="certificates_zip"
    ),  # before the next pattern, which would match it
    path("quyet-dinh/<int:pk>/<str:kind>.<str:fmt>", views.decision_document, name="decision_document"),
    path("quyet-dinh/<int:pk>/giay-khen/<int:proposal_pk>/", views.certificate, name="certificate"),
    path(
        "phong-trao/<int:movement_pk>/ho-so-cap-tren.zip", views.upward_dossier, name="upward_dossier"
    ),  # before the next pattern
    path("phong-trao/<int:movement_pk>/van-ban/<str:kind>.<str:fmt>", views.movement_paper, name="movement_paper"),
    path("hop/<int:pk>/van-ban/<str:kind>.<str:fmt>", views.meeting_paper, name="meeting_paper"),
    path("phong-trao/<int:movement_pk>/bao-cao-dinh-ky/", views.reports, name="reports"),
    path("bao-cao-dinh-ky/<int:pk>/", views.report_entry, name="report_entry"),
    path("de-nghi/<int:pk>/bao-cao-thanh-tich.<str:fmt>", views.proposal_paper, name="proposal_paper"),
]
