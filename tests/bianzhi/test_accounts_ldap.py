"""Optional LDAP sign-in (issue 17) against a real directory: Debian's slapd, started by the test.

Needs `pip install '.[ldap]'` and `apt-get install slapd` (CI does both); missing them skips here and fails
with REQUIRE_SERVICES=1, like every other service.
"""

import shutil
import socket
import subprocess
import time

import pytest
from django.test import Client
from django.urls import reverse

from bianzhi.accounts import services
from bianzhi.accounts.models import SecurityEvent
from bianzhi.models import User

from ..conftest import service_missing
from ..factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db]
SUFFIX = "dc=linchuan,dc=gov"
LDAP_PASSWORD = "Directory2026pw"
SLAPD_CONF = """
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile {dir}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "{suffix}"
rootdn "cn=admin,{suffix}"
rootpw admin-secret
directory {dir}/db
"""
LDIF = """dn: {suffix}
objectClass: dcObject
objectClass: organization
o: linchuan
dc: linchuan

dn: ou=people,{suffix}
objectClass: organizationalUnit
ou: people
""" + "".join(f"""
dn: uid={uid},ou=people,{{suffix}}
objectClass: inetOrgPerson
uid: {uid}
cn: {uid}
sn: {uid}
userPassword: {LDAP_PASSWORD}
""" for uid in ("wang_pg", "stranger", "retired"))


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    try:
        import django_auth_ldap  # noqa: F401
    except ImportError:
        service_missing("LDAP sign-in needs pip install '.[ldap]' (django-auth-ldap)")
    if not shutil.which("slapd", path="/usr/sbin:/usr/bin"):
        service_missing("the LDAP test needs Debian's slapd (apt-get install slapd)")
    folder = tmp_path_factory.mktemp("slapd")
    (folder / "db").mkdir()
    (folder / "slapd.conf").write_text(SLAPD_CONF.format(dir=folder, suffix=SUFFIX))
    (folder / "data.ldif").write_text(LDIF.format(suffix=SUFFIX))
    conf = str(folder / "slapd.conf")
    subprocess.run(["/usr/sbin/slapadd", "-f", conf, "-l", str(folder / "data.ldif")], check=True,
                   capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"ldap://127.0.0.1:{port}/"
    server = subprocess.Popen(["/usr/sbin/slapd", "-f", conf, "-h", url, "-d", "0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"slapd did not start: {server.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def ldap_settings(settings, slapd):
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "bianzhi.accounts.ldap.OfficeLDAPBackend",
        "bianzhi.accounts.security.AccountBackend",
    ]
    settings.AUTH_LDAP_SERVER_URI = slapd
    settings.AUTH_LDAP_USER_DN_TEMPLATE = f"uid=%(user)s,ou=people,{SUFFIX}"
    settings.AUTH_LDAP_NO_NEW_USERS = True
    settings.AUTH_LDAP_ALWAYS_UPDATE_USER = False
    return settings


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.5.5.5")


def test_a_known_account_signs_in_with_its_directory_password(ldap_settings):
    user = UserFactory(username="wang_pg", role=User.Role.EVALUATOR, first_name="王评估")
    user.set_unusable_password()
    user.save()
    client = Client()
    assert sign_in(client, "Wang_PG", LDAP_PASSWORD).status_code == 302
    assert client.get(reverse("evaluations:campaign_list")).status_code == 200
    user.refresh_from_db()
    assert user.role == User.Role.EVALUATOR and user.first_name == "王评估"  # roles and names stay ours
    assert SecurityEvent.objects.filter(kind="login", user=user).exists()
    assert sign_in(Client(), "wang_pg", "wrong-password").status_code == 200
    assert SecurityEvent.objects.filter(kind="login_failed", username="wang_pg").exists()


def test_someone_the_directory_knows_but_the_office_does_not_is_refused(ldap_settings):
    assert sign_in(Client(), "stranger", LDAP_PASSWORD).status_code == 200
    assert not User.objects.filter(username="stranger").exists()


def test_a_deactivated_account_stays_closed_even_with_the_directory_password(ldap_settings):
    user = UserFactory(username="retired", role=User.Role.EVALUATOR)
    client = Client()
    assert sign_in(client, "retired", LDAP_PASSWORD).status_code == 302
    services.account_deactivate(actor=None, user=user)
    assert client.get(reverse("evaluations:campaign_list")).status_code == 302  # the open session ends
    assert sign_in(Client(), "retired", LDAP_PASSWORD).status_code == 200
