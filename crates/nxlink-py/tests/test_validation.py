"""nxlink.validate_* and check_task: the model's rules, every violation at its JSON path."""

import json
import math
import pickle

import pytest

import nxlink
from conftest import contact, task


def paths(violations):
    return [violation.path for violation in violations]


def test_a_valid_task_has_no_violation_in_any_form():
    valid = task()
    assert nxlink.validate_task(valid) == []
    assert nxlink.validate_task(json.dumps(valid)) == []
    assert nxlink.validate_task(json.dumps(valid).encode()) == []
    assert nxlink.check_task(valid) is None


def test_every_violation_is_reported_at_its_path():
    contacts = [contact(index) for index in range(5)]
    contacts[3]["phoneNumber"] = "call me maybe"
    contacts[4]["contactId"] = contacts[0]["contactId"]
    broken = task(contacts, taskName="", orderMaxCall=0)
    found = paths(nxlink.validate_task(broken))
    assert "taskName" in found
    assert "orderMaxCall" in found
    assert "callList[3].phoneNumber" in found
    assert "callList[4].contactId" in found
    assert len(found) == 4, found


def test_values_of_the_wrong_json_type_are_reported_with_every_other_problem():
    broken = task(autoFlowId="197", zoneSecond=99999)
    broken["callList"][1] = 7
    violations = nxlink.validate_task(broken)
    assert {"autoFlowId", "zoneSecond", "callList[1]"} <= set(paths(violations))
    assert all(isinstance(violation.reason, str) and violation.reason for violation in violations)


def test_text_that_is_not_json_is_one_violation_of_the_whole_document():
    (violation,) = nxlink.validate_task("{not json")
    assert violation.path == ""
    assert "line 1" in violation.reason
    assert str(violation) == violation.reason


def test_check_task_raises_every_violation():
    broken = task(taskName="", routeId="")
    with pytest.raises(nxlink.TaskValidationError) as raised:
        nxlink.check_task(broken)
    error = raised.value
    assert isinstance(error, ValueError)
    assert paths(error.violations) == paths(nxlink.validate_task(broken))
    assert {"taskName", "routeId"} <= set(paths(error.violations))
    assert "taskName" in str(error)


@pytest.mark.parametrize(
    "validate, request_, path",
    [
        (nxlink.validate_append, {"taskId": "t-1", "list": [contact(0), contact(1, phone="")]}, "list[1].phoneNumber"),
        (nxlink.validate_append, {"taskId": "", "list": [contact(0)]}, "taskId"),
        (nxlink.validate_delete, {"contactId": "c-1"}, "taskId"),
        (nxlink.validate_delete, {"taskId": "t-1", "contactId": ""}, "contactId"),
        (nxlink.validate_list_tasks, {"pageNumber": 1, "pageSize": 5000}, "pageSize"),
        (nxlink.validate_list_calls, {"taskId": ""}, "taskId"),
        (nxlink.validate_list_flows, {"pageNumber": 0, "pageSize": 10}, "pageNumber"),
        (nxlink.validate_list_routes, {"pageNumber": 1, "pageSize": 1001}, "pageSize"),
    ],
)
def test_every_request_type_is_validated(validate, request_, path):
    assert path in paths(validate(request_))


@pytest.mark.parametrize(
    "validate, valid",
    [
        (nxlink.validate_append, {"taskId": "t-1", "list": [contact(0)]}),
        (nxlink.validate_delete, {"taskId": "t-1", "contactId": "c-1"}),
        (nxlink.validate_list_tasks, {}),
        (nxlink.validate_list_calls, {"taskId": "t-1"}),
        (nxlink.validate_list_flows, {"pageNumber": 2, "pageSize": 100}),
        (nxlink.validate_list_routes, {}),
    ],
)
def test_valid_requests_of_every_type_pass(validate, valid):
    assert validate(valid) == []


def test_violations_compare_hash_and_print():
    a = nxlink.Violation("callList[3].phoneNumber", "is required")
    assert a == nxlink.Violation("callList[3].phoneNumber", "is required")
    assert a != nxlink.Violation("callList[2].phoneNumber", "is required")
    assert len({a, nxlink.Violation("callList[3].phoneNumber", "is required")}) == 1
    assert str(a) == "callList[3].phoneNumber: is required"
    assert repr(a) == "Violation(path='callList[3].phoneNumber', reason='is required')"
    assert pickle.loads(pickle.dumps(a)) == a


def test_what_is_not_json_raises_a_typed_error():
    with pytest.raises(TypeError):
        nxlink.validate_task({"taskName": {1, 2}})
    with pytest.raises(ValueError):
        nxlink.validate_task(task(taskName=math.nan))
    with pytest.raises(TypeError):
        nxlink.validate_task(object())


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        "[]",
        "null",
        '"text"',
        "1e999999",
        "[" * 100_000,
        '{"callList": ' + "[" * 10_000 + "]" * 10_000 + "}",
        '{"taskName": "\\ud800"}',
        b"\xff\xfe\x00",
        '{"pageSize": -1, "pageNumber": 18446744073709551616}',
    ],
)
def test_hostile_input_is_answered_never_crashes(hostile):
    for validate in (nxlink.validate_task, nxlink.validate_append):
        violations = validate(hostile)
        assert violations, (validate, hostile)
        assert all(isinstance(violation, nxlink.Violation) for violation in violations)
    # A list request has no required field: what it reads is the model's call.
    assert isinstance(nxlink.validate_list_tasks(hostile), list)
