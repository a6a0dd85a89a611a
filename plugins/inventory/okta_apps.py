# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: okta_apps
short_description: The apps of an Okta org as inventory hosts
version_added: 0.2.0
description:
  - Makes one host per app of an Okta org, read with C(GET /api/v1/apps?limit=200) and Okta's C(Link rel="next")
    pages (ceil(N/200) requests for N apps), so playbooks and AWX can target apps without a hand-written list.
  - Every host is in the group C(okta_apps) and has the host variables C(okta_app_id), C(okta_app_label),
    C(okta_app_name), C(okta_app_status), C(okta_app_sign_on_mode) and C(okta_app_features) (Okta's read-only list of
    legacy feature names, such as V(PUSH_NEW_USERS)); with O(with_provisioning=true) also
    C(okta_provisioning_supported), C(okta_provisioning_enabled) and C(okta_features).
  - Nothing else of an app object is kept (app objects can carry secrets, such as an OIDC app's client secret).
    Every string that comes from Okta is marked unsafe, so a label such as V({{ lookup('pipe', 'id'\) }}) stays
    text and is never run as a template.
  - The configuration file must be named C(okta_apps.yml), C(okta_apps.yaml), or end with C(.okta_apps.yml) or
    C(.okta_apps.yaml).
  - The connection and credential options are those of the modules, with the same environment variables, read the
    same way (see O(api_token)), so an AWX inventory source needs only the collection's credential type. Every
    string option may be a template, a lookup or a vault-encrypted value.
author:
  - oktaops.okta maintainers (@oktaops)
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - oktaops.okta.okta
options:
  plugin:
    description: The name of this plugin; it must be V(oktaops.okta.okta_apps) for the file to be used.
    required: true
    type: str
    choices: [oktaops.okta.okta_apps]
  filter:
    description:
      - An Okta filter expression, sent to Okta as it is, such as V(name eq "okta_org2org").
      - Okta takes B(one) expression with the operator C(eq) on C(id), C(name), C(status), C(credentials.signing.kid)
        or C(settings.slo.enabled); no C(and), no C(or), no parentheses, no other operator. Labels cannot be
        filtered; use O(q). A filter Okta rejects fails the inventory with a message that repeats the filter, Okta's
        answer and what Okta accepts.
      - When O(include_inactive=false) and this filter does not name C(status), the apps that are not C(ACTIVE) are
        dropped from Okta's answer by the plugin; they still come in Okta's pages, so a filter that matches many
        inactive apps costs their share of the ceil(N/200) requests. A filter that names C(status) decides the
        status on its own.
    type: str
  q:
    description: Okta's search, passed as C(q), that keeps apps whose name or label B(starts with) this text.
    type: str
  include_inactive:
    description:
      - Make hosts of inactive apps too.
      - When V(false), only C(ACTIVE) apps are listed. Without O(filter), Okta does the filtering (the request carries
        the filter C(status eq "ACTIVE")); with O(filter), the plugin drops the other apps, since Okta takes only one
        filter expression.
    type: bool
    default: false
  hostnames:
    description:
      - Where each host's name comes from, in order of preference; the first one the app has is used.
      - Allowed entries are V(label), V(id) and V(name).
      - Host names are made safe for Ansible, every character other than ASCII letters, digits, V(.), V(_) and
        V(-) becomes V(_) (V(Google Workspace) becomes V(Google_Workspace)), and a leading V(-) gets a V(_) in front.
      - Host names are unique. When several apps would get the same name (Okta allows apps with the same label, and
        making names safe can make two names equal), each of them is named by its id instead, and the plugin warns
        once, listing those names.
    type: list
    elements: str
    default: [label, id]
  with_provisioning:
    description:
      - Also read each app's provisioning features, with one C(GET /api/v1/apps/{appId}/features) per app, and set
        C(okta_provisioning_supported), C(okta_provisioning_enabled) and C(okta_features) (each feature's
        capabilities in Okta's keys, keyed by feature name, such as C(USER_PROVISIONING)).
      - An app without provisioning is not an error. An app type that has none gets
        C(okta_provisioning_supported=false); an app whose provisioning is off gets C(okta_provisioning_enabled=false);
        both get C(okta_features={}).
      - Rate limits are waited out exactly as the modules do (see O(retries)). Any other failure fails the inventory,
        naming the app, unless O(strict=false); then the plugin warns and leaves these three host variables out for
        that app.
      - This costs N requests for N apps, in the same rate-limit bucket as the list; consider O(cache).
    type: bool
    default: false
  strict:
    description:
      - Whether a failure fails the inventory or is warned about and skipped.
      - For O(compose), O(groups) and O(keyed_groups) this is Ansible's usual C(strict) (an expression that fails is
        skipped unless V(true)); leaving it unset is the same as V(false) there.
      - For O(with_provisioning), a failed read of an app's features fails the inventory unless this is V(false),
        so leaving it unset never hides a failure as a host without provisioning.
    type: bool
    default: null
  use_local_connection:
    description:
      - Give every host C(ansible_connection=local). Apps are API objects, not machines; the modules run on the
        controller.
      - The hosts then also get C(ansible_python_interpreter), see O(python_interpreter).
    type: bool
    default: true
  python_interpreter:
    description:
      - With O(use_local_connection=true), the C(ansible_python_interpreter) of the hosts, set as a variable of the
        group C(okta_apps).
      - When not set, the hosts use the Python that runs C(ansible-playbook) (C(ansible_playbook_python)), as Ansible
        does for its implicit C(localhost), because that is where the modules' requirement C(requests) is installed.
        Without it, Ansible would discover an interpreter such as C(/usr/bin/python3), which may lack C(requests).
      - Set it to a path to use another Python, or to V("") to set no interpreter and let Ansible's own
        C(interpreter_python) setting decide.
      - A group variable has the lowest precedence there is, so an C(ansible_python_interpreter) set in
        C(group_vars) or C(host_vars) files, with O(compose), or with C(--extra-vars) wins over it.
    type: str
notes:
  - AWX applies a credential type's environment injectors to inventory updates, but not its extra variables. The
    collection's credential type (C(awx/credential_type_okta.yml)) injects only environment variables, so it works
    for an inventory source as it is.
  - With O(cache=true), the cache holds the apps' host variables only (the same secret-free subset), never a token
    or key, and a second run within O(cache_timeout) makes no request. The cache is ignored when the query options
    (O(org_url), O(filter), O(q), O(include_inactive), O(with_provisioning)) differ from those that filled it.
seealso:
  - module: oktaops.okta.okta_app_info
    description: The same listing from a task.
  - ref: ansible_collections.oktaops.okta.docsite.inventory
    description: The guide to the inventory, with AWX.
"""

EXAMPLES = r"""
---
# okta.okta_apps.yml: every active app; credentials from OKTA_ORG_URL and OKTA_API_TOKEN (as AWX injects them)
plugin: oktaops.okta.okta_apps

---
# prod.okta_apps.yml: the provisioning state too, cached for an hour, grouped by integration and sign-on mode
plugin: oktaops.okta.okta_apps
org_url: https://acme.okta.com
api_token: "{{ lookup('ansible.builtin.env', 'PROD_OKTA_TOKEN') }}"
with_provisioning: true
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/okta_apps
cache_timeout: 3600
keyed_groups:
  - key: okta_app_name
    prefix: okta_name
  - key: okta_app_sign_on_mode | lower
    prefix: okta_mode
groups:
  okta_provisioned: okta_provisioning_enabled | default(false)

---
# org2org.okta_apps.yml: Org2Org apps, named by id, inactive ones too
plugin: oktaops.okta.okta_apps
filter: name eq "okta_org2org"
include_inactive: true
hostnames: [id]
"""

import os

from ansible.errors import AnsibleParserError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.template import Templar
from ansible.utils.unsafe_proxy import wrap_var

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core before 2.19: every string of an inventory is a template already
    def trust_as_template(value):
        return value

from ansible_collections.oktaops.okta.plugins.module_utils._apps import (
    APPS_PATH,
    HOSTNAME_SOURCES,
    app_hostvars,
    choose_hostnames,
    keep_active,
    list_params,
    project_apps,
    provisioning_hostvars,
    rejected_filter_message,
)
from ansible_collections.oktaops.okta.plugins.module_utils._client import REQUESTS_IMPORT_ERROR
from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import LIST_APPS
from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError
from ansible_collections.oktaops.okta.plugins.module_utils._failures import describe_failure
from ansible_collections.oktaops.okta.plugins.module_utils._features import features_path, read_features
from ansible_collections.oktaops.okta.plugins.module_utils._settings import MissingLibrary, build_client, org_url_of

GROUP = "okta_apps"
# The interpreter of the hosts with use_local_connection, as Ansible gives its implicit localhost: the Python
# that runs ansible-playbook, which has the collection's requirements (requests) installed.
PLAYBOOK_PYTHON = "{{ ansible_playbook_python }}"
CACHE_FORMAT = 1
# Options that may hold a template, a lookup or a vault-encrypted string.
# The connection and credential options, handed to module_utils/_settings.py as the modules hand theirs.
SETTINGS = ("org_url", "api_token", "access_token", "client_id", "private_key", "private_key_id", "scopes", "dpop",
            "validate_certs", "ca_path", "timeout", "retries")
TEMPLATED = ("org_url", "api_token", "access_token", "client_id", "private_key", "private_key_id", "ca_path",
             "filter", "q")


def _scopes(client):
    """The scopes of the service app's access token, None for a token: describe_failure words 401/403 by them."""
    return client.auth.granted_scopes if client.auth is not None else None


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = "oktaops.okta.okta_apps"

    def verify_file(self, path):
        if not super(InventoryModule, self).verify_file(path):
            return False
        name = os.path.basename(path)
        return name in ("okta_apps.yml", "okta_apps.yaml") or name.endswith((".okta_apps.yml", ".okta_apps.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache=cache)
        self._read_config_data(path)
        options = self._options_templated()
        hostnames = options["hostnames"] or []
        bad = [str(entry) for entry in hostnames if entry not in HOSTNAME_SOURCES]
        if bad or not hostnames:
            raise AnsibleParserError("hostnames may hold only {0} (got {1}).".format(
                ", ".join(HOSTNAME_SOURCES), ", ".join(bad) or "an empty list"))
        query = list_params(q=options["q"], user_filter=options["filter"],
                            include_inactive=options["include_inactive"])
        fingerprint = {"format": CACHE_FORMAT, "org_url": org_url_of(options, os.environ),
                       "params": query, "include_inactive": bool(options["include_inactive"]),
                       "with_provisioning": options["with_provisioning"]}

        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache")
        data = None
        if use_cache and cache:
            try:
                cached = self._cache[cache_key]
            except KeyError:
                cached = None
            if isinstance(cached, dict) and cached.get("query") == fingerprint:
                data = cached
        if data is None:
            data = self._fetch(options, query)
            data["query"] = fingerprint
            if use_cache:
                self._cache[cache_key] = data
        self._populate(data, hostnames, options["use_local_connection"], self._interpreter())

    # -- options -------------------------------------------------------------------------------

    def _interpreter(self):
        """The ansible_python_interpreter of the hosts: the option, else the Python that runs the playbook."""
        value = self.get_option("python_interpreter")
        if value is None:
            return PLAYBOOK_PYTHON
        return value.strip() or None

    def _options_templated(self):
        """Every option, with the string options rendered (templates, lookups, vault-encrypted values)."""
        templar = Templar(loader=self.loader)
        options = {}
        for name in TEMPLATED + ("scopes", "dpop", "validate_certs", "timeout", "retries", "include_inactive",
                                 "hostnames", "with_provisioning", "use_local_connection"):
            value = self.get_option(name)
            if name in TEMPLATED and value is not None:
                try:
                    value = templar.template(value)
                except Exception as exc:  # any templating failure; the value itself is never shown
                    raise AnsibleParserError("Cannot render the option {0}: {1}".format(name, type(exc).__name__))
                value = to_text(str(value)) if value is not None else None
                value = value if value and value.strip() else None
            options[name] = value
        return options

    def _okta_client(self, options):
        """The Okta client for the options and the environment, resolved by the same code as the modules'.

        The only place the plugin builds a client. Every sentence it can fail with is the modules' own.
        """
        if REQUESTS_IMPORT_ERROR:
            raise AnsibleParserError("The oktaops.okta.okta_apps inventory needs the Python library requests on "
                                     "the controller.")
        settings = dict((name, options[name]) for name in SETTINGS)
        try:
            return build_client(settings, os.environ, on_retry=self.display.warning)
        except MissingLibrary as exc:
            raise AnsibleParserError("The oktaops.okta.okta_apps inventory needs the Python library {0} on the "
                                     "controller.".format(exc.library))
        except OktaError as exc:
            raise AnsibleParserError(exc.reason)

    # -- reading Okta --------------------------------------------------------------------------

    def _fetch(self, options, query):
        """The apps (secret-free subset) and, if asked, their provisioning host variables."""
        client = self._okta_client(options)
        try:
            apps = project_apps(client.get_all(APPS_PATH, params=query))
        except OktaError as exc:
            if exc.kind == "http" and exc.status == 400 and "filter" in query:
                raise AnsibleParserError("{0}: {1}".format(
                    LIST_APPS.at().action, rejected_filter_message(query["filter"], exc, by_label="q")))
            raise AnsibleParserError(describe_failure(LIST_APPS.at().action, exc, scopes=_scopes(client)))
        apps = [app for app in keep_active(apps, options["filter"], options["include_inactive"]) if app.get("id")]
        provisioning = {}
        if options["with_provisioning"]:
            strict = self.get_option("strict") is not False  # unset fails too: see the option's documentation
            for app in apps:
                provisioning[app["id"]] = self._provisioning(client, app, strict)
        return {"apps": apps, "provisioning": provisioning}

    def _provisioning(self, client, app, strict):
        what = "Cannot read the provisioning features of app '{0}' ({1})".format(app.get("label"), app["id"])
        try:
            read = read_features(client, app["id"])
        except OktaError as exc:
            message = describe_failure(what, exc, scopes=_scopes(client))
        else:
            if read.problem:
                return provisioning_hostvars(problem=read.problem)
            if all(isinstance(feature, dict) and feature.get("name") for feature in read.features):
                return provisioning_hostvars(read.features)
            message = "{0}: Okta answered GET {1} with something that is not a list of features.".format(
                what, features_path(app["id"]))
        if strict:
            raise AnsibleParserError(message)
        self.display.warning("{0} Its provisioning host variables are left out.".format(message))
        return None

    # -- the inventory -------------------------------------------------------------------------

    def _populate(self, data, hostnames, local, interpreter=None):
        apps = data["apps"]
        names, clashes = choose_hostnames(apps, hostnames)
        if clashes:
            shared = "; ".join("{0} ({1})".format(name, ", ".join(ids)) for name, ids in sorted(clashes.items()))
            self.display.warning("Several apps would share a host name, so each of them is named by its id: "
                                 "{0}.".format(shared))
        strict = bool(self.get_option("strict"))  # unset is Ansible's usual false for compose and groups
        self.inventory.add_group(GROUP)
        if local and interpreter:
            # A variable of the group, the lowest precedence there is: group_vars and host_vars files, compose
            # and --extra-vars all win over it.
            self.inventory.set_variable(GROUP, "ansible_python_interpreter", trust_as_template(interpreter))
        for app in apps:
            host = names[app["id"]]
            self.inventory.add_host(host, group=GROUP)
            hostvars = app_hostvars(app)
            extra = data["provisioning"].get(app["id"])
            if extra:
                hostvars.update(extra)
            hostvars = wrap_var(hostvars)
            if local:
                hostvars["ansible_connection"] = "local"
            for key, value in hostvars.items():
                self.inventory.set_variable(host, key, value)
            self._set_composite_vars(self.get_option("compose"), hostvars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), hostvars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, host, strict=strict)
