"""Test clients acting as a given user (``None``: an anonymous visitor)."""

from django.test import Client
from rest_framework.test import APIClient


def html_client(user=None):
    client = Client(raise_request_exception=False)  # a server error is an answer (500) a test can assert on
    if user is not None:
        client.force_login(user)
    return client


def api_client(user=None):
    client = APIClient(raise_request_exception=False)
    if user is not None:
        client.force_authenticate(user)
    return client
