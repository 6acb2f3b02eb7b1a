"""Issue 18, point 6: the admin's headings for the third-party apps are Swedish."""

import pytest
from axes.models import AccessAttempt

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ENGLISH = ["AXES", "Axes", "Access attempts", "Access logs", "Access failures", "TOTP", "Otp_Totp"]


@pytest.fixture
def root(org, client):
    user = UserFactory(username="root", is_superuser=True, is_staff=True, email="root@example.se")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_admin_index_names_the_third_party_apps_in_swedish(root):
    html = root.get("/admin/").content.decode()
    assert "Inloggningsförsök" in html
    assert "Misslyckade inloggningsförsök" in html and "Inloggningar" in html
    for word in ENGLISH:
        assert word not in html, word


def test_axes_list_page_speaks_swedish(root):
    AccessAttempt.objects.create(
        username="okand",
        ip_address="10.0.0.1",
        user_agent="test",
        path_info="/logga-in/",
        http_accept="text/html",
        get_data="",
        post_data="",
        failures_since_start=3,
    )
    html = root.get("/admin/axes/accessattempt/").content.decode()
    assert "misslyckat inloggningsförsök" in html.lower()
    assert "IP-adress" in html and "Användarnamn" in html
    for word in ("Access attempt", "IP Address", "Failed Logins"):
        assert word not in html, word
