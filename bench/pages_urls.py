"""The shop's URLs plus /bench/bare/<size>/: static HTML of a given size, no queries, no templates."""

from django.http import HttpResponse
from django.urls import path

from bookshop.urls import urlpatterns as shop_urlpatterns

FILLER = "<!DOCTYPE html><html><head><title>bare</title></head><body>" + ("<p>" + "x" * 70 + "</p>\n") * 5_000


def bare_page(request, size):
    return HttpResponse(FILLER[:size], content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/bare/<int:size>/", bare_page)] + shop_urlpatterns
