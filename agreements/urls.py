"""HTML pages (public, organisation area and officials' panel); ``panel_patterns`` go under /panel/."""

from django.urls import path

from . import panel_views, views

app_name = "agreements"

urlpatterns = [
    path("agreements/", views.organisation_agreements, name="list"),
    path("agreements/<int:pk>/", views.agreement_detail, name="detail"),
    path("agreements/<int:pk>/bank-account/", views.agreement_bank_account, name="bank_account"),
    path("agreements/<int:pk>/upload/", views.agreement_upload, name="upload"),
    path("agreements/<int:pk>/agreement.pdf", views.agreement_pdf, name="pdf"),
    path("agreements/<int:pk>/files/<int:file_pk>/", views.agreement_file, name="file"),
    path("agreements/<int:pk>/annexes/<int:number>/annex.pdf", views.annex_pdf, name="annex_pdf"),
    path("agreements/<int:pk>/annexes/<int:number>/upload/", views.annex_upload, name="annex_upload"),
]

panel_patterns = [
    path("agreements/", panel_views.agreement_panel_list, name="list"),
    path("agreements/prepare/offer/<int:application_pk>/", panel_views.agreement_prepare, name="prepare"),
    path(
        "agreements/prepare/small-grant/<int:small_grant_pk>/",
        panel_views.agreement_prepare_small_grant,
        name="prepare_small_grant",
    ),
    path("agreements/<int:pk>/", panel_views.agreement_panel_detail, name="detail"),
    path("agreements/<int:pk>/edit/", panel_views.agreement_edit, name="edit"),
    path("agreements/<int:pk>/tranches/", panel_views.agreement_tranches, name="tranches"),
    path("agreements/<int:pk>/tranches/<int:number>/payment/", panel_views.tranche_payment, name="payment"),
    path("agreements/<int:pk>/mark-ready/", panel_views.agreement_mark_ready, name="mark_ready"),
    path("agreements/<int:pk>/reopen/", panel_views.agreement_reopen, name="reopen"),
    path("agreements/<int:pk>/sign/", panel_views.agreement_sign, name="sign"),
    path("agreements/<int:pk>/terminate/", panel_views.agreement_terminate, name="terminate"),
    path("agreements/<int:pk>/annexes/new/", panel_views.annex_new, name="annex_new"),
    path("agreements/<int:pk>/annexes/<int:number>/sign/", panel_views.annex_sign, name="annex_sign"),
]
