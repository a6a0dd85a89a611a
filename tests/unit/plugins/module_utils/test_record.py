# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``@record``: what the module_utils relied on from ``@dataclass(frozen=True)`` still holds."""

from __future__ import annotations

import pytest

from ansible_collections.oktaops.okta.plugins.module_utils._features import FeaturePlan, FeaturesRead, Plan
from ansible_collections.oktaops.okta.plugins.module_utils._record import field, record
from ansible_collections.oktaops.okta.plugins.module_utils._settings import Credentials


@record
class Sample:
    """A record with a required field, a plain default and a fresh list per record."""

    name: str
    problem: str | None = None
    paths: list = field(default_factory=list)

    def upper(self):
        return self.name.upper()


def test_positional_and_keyword_arguments_in_field_order():
    assert Sample("a", "p", [1]) == Sample(name="a", problem="p", paths=[1])
    assert (Sample("a").name, Sample("a").problem, Sample("a").paths) == ("a", None, [])
    assert Sample("a").upper() == "A"


def test_each_record_gets_a_fresh_default_list():
    first, second = Sample("a"), Sample("b")
    first.paths.append("x")
    assert second.paths == []
    assert "paths" not in Sample.__dict__


@pytest.mark.parametrize("args, kwargs, words", [
    ((), {}, "missing the argument 'name'"),
    (("a", "p", [], "extra"), {}, "at most 3 arguments"),
    (("a",), {"name": "b"}, "repeated argument 'name'"),
    (("a",), {"colour": "red"}, "unexpected or repeated argument 'colour'"),
])
def test_wrong_arguments_raise_type_error(args, kwargs, words):
    with pytest.raises(TypeError, match=words):
        Sample(*args, **kwargs)


def test_fields_cannot_be_changed_or_deleted():
    sample = Sample("a")
    with pytest.raises(AttributeError, match="records are immutable"):
        sample.name = "b"
    with pytest.raises(AttributeError, match="records are immutable"):
        del sample.problem
    assert sample.name == "a"


def test_equality_is_field_by_field_and_only_between_the_same_class():
    assert Sample("a", paths=[1]) == Sample("a", paths=[1])
    assert Sample("a") != Sample("a", "p")
    assert Sample("a") != ("a", None, [])

    @record
    class Other:
        name: str
        problem: str | None = None
        paths: list = field(default_factory=list)

    assert Sample("a") != Other("a")


def test_repr_names_every_field_and_records_are_unhashable():
    assert repr(Sample("a", paths=[1])) == "Sample(name='a', problem=None, paths=[1])"
    with pytest.raises(TypeError):
        hash(Sample("a"))


def test_the_collection_records():
    plan = Plan(changed=False, before={}, after={}, body=None)
    assert plan.changed_paths == [] and plan.body is None
    read = FeaturesRead([{"name": "USER_PROVISIONING"}])
    assert read.problem is None and read.find("USER_PROVISIONING") == {"name": "USER_PROVISIONING"}
    assert FeaturePlan(None, None, "why").problem == "why"
    credentials = Credentials(api_token="t")
    assert credentials.warnings == [] and credentials.secrets == [] and credentials.oauth is None
    assert Credentials().warnings is not Credentials().warnings
