"""The application's URLs plus a bare view, the benchmark's baseline: same server, same middleware, no work."""

from django.http import HttpResponse
from django.urls import path

from config import urls as app_urls


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("__bench__/bare/", bare, name="bench_bare"), *app_urls.urlpatterns]

handler404 = app_urls.handler404
handler500 = app_urls.handler500
