# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""Immutable records for the results the module_utils hand back (plans, reads, credentials).

``@record`` stands in for ``@dataclass(frozen=True)`` on classes that only declare fields: keyword or positional
arguments in the order of the annotations, defaults (``field(default_factory=list)`` for a fresh list each time),
equality field by field, a readable ``repr``, and no assignment after construction. ``dataclasses`` writes the
methods of each class as source and runs ``exec()`` on it when the class is defined, about 0.4 ms a class; a module
pays that on every run, because AnsiballZ runs the module_utils from source each time (see the performance guide).
"""

from __future__ import annotations


class field(object):  # pylint: disable=invalid-name  # spelled as dataclasses.field, which it replaces
    """A default computed for each new record, such as ``field(default_factory=list)``."""

    __slots__ = ("default_factory",)

    def __init__(self, default_factory):
        self.default_factory = default_factory


def _init(names, defaults):
    def __init__(self, *args, **kwargs):
        if len(args) > len(names):
            raise TypeError("{0}() takes at most {1} arguments ({2} given)".format(
                type(self).__name__, len(names), len(args)))
        values = dict(zip(names, args))
        for name, value in kwargs.items():
            if name not in names or name in values:
                raise TypeError("{0}() got an unexpected or repeated argument '{1}'".format(type(self).__name__, name))
            values[name] = value
        for name in names:
            if name not in values:
                if name not in defaults:
                    raise TypeError("{0}() is missing the argument '{1}'".format(type(self).__name__, name))
                default = defaults[name]
                values[name] = default.default_factory() if isinstance(default, field) else default
            object.__setattr__(self, name, values[name])
    return __init__


def _frozen(self, name, *value):
    raise AttributeError("cannot change field '{0}' of a {1}: records are immutable".format(name, type(self).__name__))


def record(cls):
    """Make ``cls`` an immutable record of the fields it annotates (see the module docstring)."""
    names = tuple(cls.__dict__.get("__annotations__", {}))
    defaults = {}
    for name in names:
        if name in cls.__dict__:
            defaults[name] = cls.__dict__[name]
            if isinstance(defaults[name], field):
                delattr(cls, name)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in names)

    def __repr__(self):
        return "{0}({1})".format(type(self).__name__, ", ".join(
            "{0}={1!r}".format(name, getattr(self, name)) for name in names))

    cls.__init__ = _init(names, defaults)
    cls.__eq__ = __eq__
    cls.__hash__ = None  # records hold lists and dicts
    cls.__repr__ = __repr__
    cls.__setattr__ = _frozen
    cls.__delattr__ = _frozen
    cls.__match_args__ = names
    return cls
