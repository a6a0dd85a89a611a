# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Sphinx configuration of the collection's HTML docsite (started from `antsibull-docs sphinx-init`).
# Built by docs/build.sh (`make docs`), offline and with warnings as errors.

project = 'oktaops.okta'
copyright = 'oktaops.okta contributors'

title = 'oktaops.okta'
html_short_title = 'oktaops.okta'

extensions = ['sphinx.ext.autodoc', 'sphinx_antsibull_ext']

pygments_style = 'ansible'

highlight_language = 'YAML+Jinja'

html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False

display_version = False

html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

# No intersphinx: the build runs offline.

default_role = 'any'

nitpicky = True
