"""Optional sign-in against the office's directory (LDAP, django-auth-ldap), off unless LDAP_SERVER_URI is set.

The directory checks the password only. The account, its role and its unit are kept here: someone the
directory knows but 账号管理 does not is refused (AUTH_LDAP_NO_NEW_USERS), and a deactivated account stays
closed. Usernames are matched without case, like the local sign-in. Lockout, audit and idle timeout apply
unchanged (they sit around every backend).
"""

from django_auth_ldap.backend import LDAPBackend

from .security import normalize_username


class OfficeLDAPBackend(LDAPBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:  # an empty password would be an anonymous bind: never a sign-in
            return None
        user = super().authenticate(request, username=normalize_username(username), password=password, **kwargs)
        return user if user is not None and user.is_active else None

    def get_user(self, user_id):
        # A session signed in through the directory ends when the account is deactivated here, as the
        # local backend's sessions do (django-auth-ldap's own get_user does not look).
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def ldap_to_django_username(self, username):
        return normalize_username(username)
