# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""Connection settings and credentials, from options and the environment, to a ready :class:`OktaClient`.

Pure code: no AnsibleModule, so every plugin (modules, and an inventory plugin) resolves the same options with
the same environment fallbacks and fails with the same sentences.

``options`` is a mapping with the connection options of ``okta_argument_spec()`` (``org_url``, ``api_token``,
``access_token``, ``client_id``, ``private_key``, ``private_key_id``, ``scopes``, ``dpop``, ``validate_certs``,
``ca_path``, ``timeout``, ``retries``), already typed; a missing key or None means "not set", and
``DEFAULTS`` fills the ones with a default. ``environ`` is a mapping like ``os.environ``.

* ``resolve_credentials(options, environ) -> Credentials``: exactly one authentication method, options first,
  then ``TOKEN_ENV``, then the ``OAUTH_ENV`` families. ``Credentials.warnings`` are sentences to show;
  ``Credentials.secrets`` the values read from the environment, to mask in all output.
* ``build_client(options, environ, on_retry=None, on_secret=None, default_scopes=(READ_SCOPE,),
  on_warning=None) -> OktaClient``: checks the settings, resolves the credentials and builds the client; with a
  service app it fetches the access token up front. ``on_secret(value)`` is called for every secret as soon as
  it is known (credentials from the environment, a password in org_url, the access token), ``on_warning`` (default
  ``on_retry``) with each warning, ``on_retry`` with each retry.

A token given with the scheme of the Authorization header (``SSWS 00ab...``, ``Bearer eyJ...``) is refused by
``check_token_prefix`` with a sentence that says to drop the prefix.

Both raise :class:`OktaError` whose ``reason`` is the complete sentence for the user (``kind="config"`` when
nothing was sent; a refused token request keeps Okta's status and error fields). ``MissingLibrary`` (an
OktaError) names a Python library that must be installed, with its import traceback.
"""

from __future__ import annotations

from ansible_collections.oktaops.okta.plugins.module_utils._client import OktaClient
from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import READ_SCOPE
from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError
from ansible_collections.oktaops.okta.plugins.module_utils._record import field, record

# Environment variables read when no credential option is given, first found wins.
TOKEN_ENV = (
    ("api_token", "OKTA_API_TOKEN"),
    ("api_token", "OKTA_CLIENT_TOKEN"),
    ("access_token", "OKTA_ACCESS_TOKEN"),
)
# OAuth 2.0 service-app credentials, read only when no credential option is given and none of TOKEN_ENV is
# set. One family at a time: the first family with either of its two credential variables set is used.
OAUTH_ENV = (
    dict(client_id="OKTA_API_CLIENT_ID", private_key="OKTA_API_PRIVATE_KEY",
         private_key_id=("OKTA_API_PRIVATE_KEY_ID",), scopes="OKTA_API_SCOPES"),
    dict(client_id="OKTA_CLIENT_CLIENTID", private_key="OKTA_CLIENT_PRIVATEKEY",
         private_key_id=("OKTA_CLIENT_PRIVATEKEYID", "OKTA_CLIENT_KID"), scopes="OKTA_CLIENT_SCOPES"),
)
CREDENTIAL_OPTIONS = ("api_token", "access_token", "client_id", "private_key")
OAUTH_ONLY_OPTIONS = ("private_key_id", "scopes")
ORG_URL_ENV = ("OKTA_ORG_URL", "OKTA_CLIENT_ORGURL")
DEFAULTS = dict(dpop=False, validate_certs=True, timeout=30.0, retries=5)


class MissingLibrary(OktaError):
    """A Python library the settings need is not installed; ``library`` names it, ``traceback`` says why."""

    def __init__(self, library, traceback):
        super(MissingLibrary, self).__init__("the Python library {0} is required".format(library), kind="config")
        self.library = library
        self.traceback = traceback


@record
class Credentials:
    """One authentication method: a token, or the service app's settings in ``oauth``."""

    api_token: str | None = None
    access_token: str | None = None
    oauth: dict | None = None
    warnings: list = field(default_factory=list)
    secrets: list = field(default_factory=list)
    source: str | None = None  # where the token came from: the option's or the environment variable's name


def _config(sentence):
    return OktaError(sentence, kind="config")


def option(options, name):
    """An option's value, or its default when it is not set."""
    value = options.get(name)
    return DEFAULTS.get(name) if value is None else value


def org_url_of(options, environ):
    """``org_url``, or the first of ORG_URL_ENV that is set."""
    if options.get("org_url"):
        return options["org_url"]
    for variable in ORG_URL_ENV:
        if environ.get(variable):
            return environ[variable]
    return None


def resolve_credentials(options, environ):
    """Exactly one authentication method, checked before any request.

    Credential options beat the environment as a whole: if any of them is set, no credential is read from the
    environment. Otherwise TOKEN_ENV is searched first, then the OAUTH_ENV families.
    """
    given = [name for name in CREDENTIAL_OPTIONS if options.get(name)]
    if given:
        return _from_options(options, given)
    for kind, variable in TOKEN_ENV:
        value = environ.get(variable)
        if value:
            warnings = []
            ignored = [family[key] for family in OAUTH_ENV for key in ("client_id", "private_key")
                       if environ.get(family[key])]
            if ignored:
                warnings.append("Authenticating with {0}; {1} {2} ignored because the API token variables come "
                                "first. Unset {0} to use the service app.".format(
                                    variable, ", ".join(ignored), "is" if len(ignored) == 1 else "are"))
            return Credentials(**{kind: value}, warnings=warnings, secrets=[value], source=variable)
    for family in OAUTH_ENV:
        client_id = environ.get(family["client_id"])
        private_key = environ.get(family["private_key"])
        if not client_id and not private_key:
            continue
        if not client_id or not private_key:
            raise _config("{0} is set but {1} is not: OAuth authentication needs both the service app's client ID "
                          "and its private key.".format(family["client_id"] if client_id else family["private_key"],
                                                        family["private_key"] if client_id else family["client_id"]))
        key_id = options.get("private_key_id")
        for variable in family["private_key_id"]:
            key_id = key_id or environ.get(variable)
        scopes = options.get("scopes")
        if scopes is None and environ.get(family["scopes"]):
            scopes = environ[family["scopes"]].replace(",", " ").split()
        return Credentials(oauth=dict(client_id=client_id, private_key=private_key, private_key_id=key_id,
                                      scopes=scopes), secrets=[private_key])
    raise _config("No Okta credentials: set api_token, access_token, or client_id and private_key, or the "
                  "environment variables (first found wins) {0}, or {1}.".format(
                      ", ".join(variable for _kind, variable in TOKEN_ENV),
                      " or ".join("{0} with {1}".format(f["client_id"], f["private_key"]) for f in OAUTH_ENV)))


def _from_options(options, given):
    methods = [name for name in ("api_token", "access_token") if name in given]
    if "client_id" in given or "private_key" in given:
        methods.append("client_id and private_key")
    if len(methods) > 1:
        if methods == ["api_token", "access_token"]:
            raise _config("Give either api_token or access_token, not both.")
        raise _config("Give one authentication method, not {0}: api_token, access_token, or client_id with "
                      "private_key (an OAuth 2.0 service app).".format(" and ".join(methods)))
    if methods[0] != "client_id and private_key":
        extra = [name for name in OAUTH_ONLY_OPTIONS if options.get(name)]
        if options.get("dpop"):
            extra.append("dpop")
        if extra:
            raise _config("{0} apply only to client_id and private_key authentication, not to {1}; remove them or "
                          "switch to the service app.".format(", ".join(extra), methods[0]))
        return Credentials(api_token=options.get("api_token"), access_token=options.get("access_token"),
                           source=methods[0])
    if not options.get("private_key"):
        raise _config("client_id needs private_key: give the service app's private key (a PEM string, the path of a "
                      "PEM file, or a private JWK as JSON) in private_key.")
    if not options.get("client_id"):
        raise _config("private_key needs client_id: give the client ID of the Okta API service app whose public key "
                      "matches private_key.")
    return Credentials(oauth=dict(client_id=options["client_id"], private_key=options["private_key"],
                                  private_key_id=options.get("private_key_id"), scopes=options.get("scopes")))


# The scheme words of the Authorization header, which the client writes itself: a token pasted with one fails.
HEADER_SCHEMES = ("SSWS", "Bearer")


def check_token_prefix(credentials):
    """Refuse a token pasted with its Authorization scheme (``SSWS 00ab...``, ``Bearer eyJ...``), naming only the
    scheme and where the token came from, never the token."""
    parts = (credentials.api_token or credentials.access_token or "").split(None, 1)
    scheme = next((word for word in HEADER_SCHEMES if len(parts) == 2 and parts[0].lower() == word.lower()), None)
    if scheme is None:
        return
    kind = "API token" if credentials.api_token else "access token"
    where = credentials.source or ("api_token" if credentials.api_token else "access_token")
    advice = "give the token alone, without the '{0} ' prefix (the collection adds it)".format(scheme)
    if (scheme == "SSWS") != bool(credentials.api_token):
        advice += ", and pass it as {0}".format(
            "api_token (or OKTA_API_TOKEN)" if scheme == "SSWS" else "access_token (or OKTA_ACCESS_TOKEN)")
    raise _config("The {0} in {1} starts with '{2} ', the scheme of the Authorization header; {3}.".format(
        kind, where, scheme, advice))


def _authenticator(oauth, dpop, default_scopes, on_secret):
    # Imported here, not at the top: a run with an API token never loads the OAuth code (performance.rst).
    from ansible_collections.oktaops.okta.plugins.module_utils._oauth import (
        OAuthAuthenticator,
        import_error as oauth_import_error,
    )
    missing = oauth_import_error()
    if missing:
        raise MissingLibrary("{0} (needed for client_id and private_key authentication)".format(missing[0]),
                             missing[1])
    try:
        return OAuthAuthenticator(oauth["client_id"], oauth["private_key"], oauth["scopes"] or list(default_scopes),
                                  private_key_id=oauth["private_key_id"], dpop=dpop, on_secret=on_secret)
    except OktaError as exc:
        raise _config("Invalid OAuth settings: {0}.".format(exc.reason))


def _reworded(exc, sentence):
    """``exc`` with the user's sentence as its reason, Okta's structured fields kept."""
    exc.reason = sentence
    exc.args = (sentence,)
    return exc


def build_client(options, environ, on_retry=None, on_secret=None, default_scopes=(READ_SCOPE,), on_warning=None):
    """A ready OktaClient for ``options``; raises OktaError with the sentence to show. See the module docstring."""
    on_secret = on_secret or (lambda value: None)
    on_warning = on_warning or on_retry or (lambda message: None)
    org_url = org_url_of(options, environ)
    if not org_url:
        raise _config("org_url is required: set org_url or one of the environment variables {0} to the org's base "
                      "URL, such as https://acme.okta.com.".format(", ".join(ORG_URL_ENV)))
    userinfo = org_url.split("://", 1)[-1].split("/", 1)[0].rpartition("@")[0]
    for part in (userinfo, userinfo.partition(":")[2]) if userinfo else ():
        # Refused by the client, but nothing shown may repeat the password.
        if part:
            on_secret(part)
    timeout, retries = option(options, "timeout"), option(options, "retries")
    if timeout <= 0:
        raise _config("timeout must be a positive number of seconds, got {0}.".format(timeout))
    if retries < 0:
        raise _config("retries must be 0 (no retries) or more, got {0}.".format(retries))
    credentials = resolve_credentials(options, environ)
    for secret in credentials.secrets:
        on_secret(secret)
    for warning in credentials.warnings:
        on_warning(warning)
    check_token_prefix(credentials)
    auth = None
    if credentials.oauth:
        auth = _authenticator(credentials.oauth, option(options, "dpop"), default_scopes, on_secret)
    try:
        client = OktaClient(org_url, api_token=credentials.api_token, access_token=credentials.access_token,
                            validate_certs=option(options, "validate_certs"), ca_path=options.get("ca_path"),
                            timeout=timeout, retries=retries, on_retry=on_retry, auth=auth)
    except OktaError as exc:
        raise _config("Invalid connection settings: {0}.".format(exc.reason))
    if auth is not None:
        # One token per run, fetched up front so a credential problem fails with its own message.
        try:
            auth.fetch_token(client)
        except OktaError as exc:
            raise _reworded(exc, "Cannot get an access token for the service app {0}: {1}.".format(
                auth.client_id, exc.reason.rstrip(".")))
    return client
