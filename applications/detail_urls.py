"""The offer page (mounted at /offers/)."""

from django.urls import path

from . import detail_views

urlpatterns = [
    path("<int:pk>/", detail_views.offer_detail, name="offer_detail"),
    path("<int:pk>/withdraw/", detail_views.offer_withdraw, name="offer_withdraw"),
]
