from django.urls import path

from . import views

app_name = "reorg"
urlpatterns = [
    path("", views.index, name="index"),
    path("mau.csv", views.template_csv, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/ra-soat/<int:change_pk>/", views.review, name="review"),
    path("don-vi/<int:pk>/don-vi-cu/", views.history, name="history"),
]
