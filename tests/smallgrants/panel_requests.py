"""The officials' panel URLs of this app, for the refusal tests in tests/calls/test_permissions.py."""


def panel_request(world, name):
    """(url, POST data) for panel URL pattern ``name``; objects are created in ``world``'s database.

    ``world`` is tests.calls.helpers.World (programme, task and calls in every state).
    """
    raise KeyError(name)
