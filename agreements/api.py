"""REST API of this app; ``register`` adds its viewsets to the project's router."""


def register(router):
    """Add this app's viewsets to ``router`` (called from config/urls.py)."""
