"""Signed-in test clients for the in-process page benchmarks."""


def signed_in(user):
    """A test client signed in as `user` the way staff are in production: through the
    municipality's sign-in with a second factor (the session says so, as cases.twofactor's SSO
    path writes it), so the two-factor middleware asks nothing more. An unverified session
    cost every measured request one query that a signed-in user's requests never make."""
    from django.test import Client

    from cases.twofactor import SSO_MFA_SESSION_KEY

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[SSO_MFA_SESSION_KEY] = True
    session.save()
    return client
