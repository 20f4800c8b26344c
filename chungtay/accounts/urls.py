from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import twofactor, views
from .forms import LoginForm

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change",
    ),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "quen-mat-khau/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "dat-lai/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("dat-lai/xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("ho-so/", views.profile, name="profile"),
    path("ho-so/token/", views.token_create, name="token_create"),
    path("ho-so/token/<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
    path("xac-thuc/bat/", twofactor.otp_setup, name="otp_setup"),
    path("xac-thuc/", twofactor.otp_verify, name="otp_verify"),
    path("nguoi-dung/", views.user_list, name="user_list"),
    path("nguoi-dung/them/", views.user_create, name="user_create"),
    path("nguoi-dung/chon-don-vi/", views.unit_picker, name="unit_picker"),
    path("nguoi-dung/<int:pk>/", views.user_detail, name="user_detail"),
    path("nguoi-dung/<int:pk>/phan-quyen/", views.membership_add, name="membership_add"),
    path("phan-quyen/<int:pk>/xoa/", views.membership_remove, name="membership_remove"),
]
