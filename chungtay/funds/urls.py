from django.urls import path

from chungtay.core import import_views

from . import views

STATEMENTS = {"kind": "bank_statement"}

app_name = "funds"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("lap-quy/", views.fund_create, name="fund_create"),
    path("nguon/them/", views.source_create, name="source_create"),
    path("quy/<int:pk>/", views.fund_detail, name="fund_detail"),
    path("quy/<int:pk>/thu/", views.receipt_create, name="receipt_create"),
    path("quy/<int:pk>/thu/chon-don-vi/", views.receipt_unit_picker, name="receipt_unit_picker"),
    path("quy/<int:pk>/cam-ket/", views.pledge_create, name="pledge_create"),
    path("quy/<int:pk>/chuyen/", views.transfer_create, name="transfer_create"),
    path("quy/<int:pk>/chuyen/chon-quy/", views.transfer_fund_picker, name="transfer_fund_picker"),
    # The one import pipeline's steps (core.import_views), for a fund's bank statements.
    path("quy/<int:pk>/sao-ke/", import_views.upload, STATEMENTS, name="statement_import"),
    path("quy/<int:pk>/sao-ke/<int:batch_id>/kiem-tra/", import_views.check, STATEMENTS, name="statement_preview"),
    path("quy/<int:pk>/sao-ke/<int:batch_id>/xac-nhan/", import_views.confirm, STATEMENTS, name="statement_confirm"),
    path("quy/<int:pk>/vietqr/", views.qr, name="qr"),
    path("quy/<int:pk>/so/<str:kind>/", views.fund_book, name="fund_book"),
    path("quy/<int:pk>/ap-phich.pdf", views.poster_pdf, name="poster_pdf"),
    path("khoan-ung-ho/", views.receipt_list, name="receipt_list"),
    path("khoan-ung-ho/<int:pk>/", views.receipt_detail, name="receipt_detail"),
    path("khoan-ung-ho/<int:pk>/bien-nhan.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("khoan-ung-ho/<int:pk>/phieu-thu.pdf", views.receipt_c40, name="receipt_c40"),
    path("cam-ket/", views.pledge_list, name="pledge_list"),
    path("phan-bo/", views.allocation_create, name="allocation_create"),
    path("chon-nguon/", views.origin_picker, name="origin_picker"),
    path("chi/", views.disbursement_list, name="disbursement_list"),
    path("chi/lap/", views.disbursement_create, name="disbursement_create"),
    path("chi/<int:pk>/duyet/", views.disbursement_approve, name="disbursement_approve"),
    path("chi/<int:pk>/khong-duyet/", views.disbursement_reject, name="disbursement_reject"),
    path("chi/<int:pk>/phieu-chi.pdf", views.voucher_pdf, name="voucher_pdf"),
    path("chi/<int:pk>/phieu-chi-c41.pdf", views.voucher_c41, name="voucher_c41"),
    path("but-toan/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("ho/<int:pk>/", views.household, name="household"),
    path("doi-soat/", views.reconcile, name="reconcile"),
    path("doi-soat/<int:pk>/", views.reconcile_line, name="reconcile_line"),
]
