import pytest
from django.utils import translation


@pytest.fixture
def english():
    """Service messages read in English (the source strings), whatever the catalogue holds."""
    with translation.override("en"):
        yield
