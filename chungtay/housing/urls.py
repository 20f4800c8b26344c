from django.urls import path

from chungtay.core import import_views

from .views import complaints, field, households

HOUSEHOLDS = {"kind": "households"}

app_name = "housing"
urlpatterns = [
    path("", households.index, name="index"),
    path("xuat.xlsx", households.export, name="export"),
    path("tien-do/", households.progress, name="progress"),
    path("muc-ho-tro/", households.norms, name="norms"),
    path("muc-ho-tro/them/", households.norm_create, name="norm_create"),
    path("ho/them/", households.create, name="household_create"),
    path("ho/chon-khu/", households.area_picker, name="area_picker"),
    path("ho/<int:pk>/", households.detail, name="household_detail"),
    path("ho/<int:pk>/sua/", households.edit, name="household_edit"),
    path("ho/<int:pk>/trang-thai/", households.change_status, name="household_status"),
    path("ho/<int:pk>/nguon-kinh-phi/", households.funding, name="funding"),
    path("ho/<int:pk>/cap-nhat-tien-do/", households.progress_add, name="progress_add"),
    path("tien-do/<int:pk>/xac-nhan/", households.progress_verify, name="progress_verify"),
    path("anh/<int:pk>/", households.photo, name="photo"),
    path("ngoai-tuyen/", field.offline, name="offline"),
    path("ngoai-tuyen/du-lieu.json", field.offline_data, name="offline_data"),
    path("ngoai-tuyen/ho/<int:pk>/gui/", field.progress_sync, name="progress_sync"),
    path("sw.js", field.service_worker, name="service_worker"),
    path("manifest.webmanifest", field.manifest, name="manifest"),
    path("phieu-kiem-tra/", field.checklist_areas, name="checklist_areas"),
    path("phieu-kiem-tra/<int:pk>/", field.checklist, name="checklist"),
    path("phieu-kiem-tra/<int:pk>.pdf", field.checklist_pdf, name="checklist_pdf"),
    # The one import pipeline's steps (core.import_views), for the household list.
    path("nhap/", import_views.upload, HOUSEHOLDS, name="import"),
    path("nhap/<int:batch_id>/chon-cot/", import_views.mapping, HOUSEHOLDS, name="import_mapping"),
    path("nhap/<int:batch_id>/kiem-tra/", import_views.check, HOUSEHOLDS, name="import_preview"),
    path("nhap/<int:batch_id>/xac-nhan/", import_views.confirm, HOUSEHOLDS, name="import_confirm"),
    path("khieu-nai/", complaints.complaint_list, name="complaint_list"),
    path("khieu-nai/them/", complaints.complaint_create, name="complaint_create"),
    path("khieu-nai/chon-don-vi/", complaints.complaint_unit_picker, name="complaint_unit_picker"),
    path("khieu-nai/<int:pk>/", complaints.complaint_detail, name="complaint_detail"),
    path("khieu-nai/<int:pk>/tai-lieu/", complaints.complaint_document, name="complaint_document"),
]
