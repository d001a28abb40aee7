from django.urls import path

from . import views

app_name = "pool"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export, name="export"),
    path("movements/", views.movement_create, name="movement_create"),
    path("movements/<int:pk>/reverse/", views.movement_reverse, name="movement_reverse"),
    path("loans/", views.loan_create, name="loan_create"),
    path("transfer/", views.transfer, name="transfer"),
    path("loans/<int:pk>/close/", views.loan_close, name="loan_close"),
    path("units/<int:pk>/", views.unit_ledger, name="unit_ledger"),
    path("units/<int:pk>/export.xlsx", views.unit_ledger_export, name="unit_ledger_export"),
]
