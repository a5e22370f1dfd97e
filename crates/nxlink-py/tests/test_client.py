"""nxlink.Client against the emulator over real HTTP on loopback: create, partial import,
gateway refusals with code/message/trace_id, page walks, local refusals that send nothing."""

import json

import pytest

import nxlink
from conftest import AUTO_FLOW_ID, ROUTE_ID, contact, task


def test_create_task(emulator):
    client = emulator.client()
    created = client.create_task(task([contact(0), contact(1)], userTaskId="order-batch-7"))
    assert (created.success_count, created.total_count) == (2, 2)
    assert created.rejected == [] and created.failed == []
    assert not created.is_partial and created.is_complete
    assert created.user_task_id == "order-batch-7"
    assert created.status == 1  # ready
    assert created.trace_id
    assert emulator.task_ids() == [created.task_id]
    assert emulator.contact_ids(created.task_id) == ["c-000000", "c-000001"]
    # JSON text is the same request.
    again = client.create_task(json.dumps(task([contact(2)])))
    assert again.success_count == 1


def test_partial_import_keeps_the_refused_contacts_in_sight(emulator):
    client = emulator.client()
    # +999 is an unassigned country code: the gateway (and the emulator) refuse the contact,
    # not the task.
    contacts = [contact(0), contact(1, phone="+99955501234"), contact(2)]
    created = client.create_task(task(contacts))
    assert (created.success_count, created.total_count) == (2, 3)
    assert created.is_partial
    (refused,) = created.rejected
    assert refused["contactId"] == "c-000001"
    assert refused["phoneNumber"] == "+99955501234"
    assert "+99955501234" in refused["errMsg"]
    assert emulator.contact_ids(created.task_id) == ["c-000000", "c-000002"]
    # The same on an append.
    report = client.append_contacts(
        {"taskId": created.task_id, "list": [contact(3), contact(4, phone="+99955500000")]}
    )
    assert report.submitted == ["c-000003"]
    assert [entry["contactId"] for entry in report.rejected] == ["c-000004"]
    assert report.is_complete


def test_a_wrong_secret_is_refused_with_1003(emulator):
    client = nxlink.Client(emulator.access_key, "not-the-secret", base_url=emulator.base_url)
    with pytest.raises(nxlink.AuthenticationError) as raised:
        client.create_task(task())
    error = raised.value
    assert isinstance(error, nxlink.ApiError) and isinstance(error, nxlink.NXLinkError)
    assert error.code == 1003
    assert error.message == "Authentication failed (invalid signature)"
    assert len(error.trace_id) == 32
    assert error.trace_id in str(error)
    assert error.endpoint == "/openapi/aiagent/task/create"
    assert emulator.task_ids() == []


def test_a_business_error_carries_its_code(emulator):
    client = emulator.client()
    with pytest.raises(nxlink.ApiError) as raised:
        client.create_task(task(autoFlowId=424242))
    assert not isinstance(raised.value, nxlink.AuthenticationError)
    assert raised.value.code == 20000
    assert "autoFlowId" in raised.value.message
    assert raised.value.trace_id


def test_an_invalid_request_sends_nothing(emulator):
    client = emulator.client()
    contacts = [contact(index) for index in range(5)]
    contacts[3]["phoneNumber"] = ""
    with pytest.raises(nxlink.TaskValidationError) as raised:
        client.create_task(task(contacts))
    assert [violation.path for violation in raised.value.violations] == ["callList[3].phoneNumber"]
    with pytest.raises(nxlink.TaskValidationError):
        client.append_contacts({"taskId": "t-1", "list": []})
    with pytest.raises(nxlink.TaskValidationError):
        client.list_calls({"taskId": "t-1", "pageSize": 0})
    assert emulator.request_count == 0


def test_list_tasks_walks_every_page(emulator):
    client = emulator.client()
    created = [client.create_task(task([contact(index)], taskName=f"Walk {index}")) for index in range(5)]
    before = emulator.request_count
    walked = list(client.list_tasks({"taskName": "Walk", "pageSize": 2}))
    assert sorted(record["taskId"] for record in walked) == sorted(task.task_id for task in created)
    assert emulator.request_count - before == 3  # pages of 2, 2 and 1
    page = client.list_tasks_page({"taskName": "Walk", "pageSize": 2, "pageNumber": 3})
    assert (len(page), page.total, page.page_number) == (1, 5, 3)
    assert page.trace_id
    # Lazily: nothing is fetched before the first record is asked for.
    records = client.list_tasks({"pageSize": 1})
    assert emulator.request_count - before == 4
    next(records)
    assert emulator.request_count - before == 5


def test_lookups_calls_and_deletes(emulator):
    client = emulator.client()
    assert AUTO_FLOW_ID in [flow["autoFlowId"] for flow in client.list_flows()]
    assert ROUTE_ID in [route["routeId"] for route in client.list_routes_page().items]
    created = client.create_task(task([contact(0), contact(1)]))
    assert list(client.list_calls({"taskId": created.task_id})) == []
    assert client.delete_contact({"taskId": created.task_id, "contactId": "c-000001"}) == []
    found = client.find_tasks_by_user_task_id(created.user_task_id)
    assert [record["taskId"] for record in found] == [created.task_id]


def test_create_task_once_refuses_a_second_create(emulator):
    client = emulator.client()
    first = client.create_task_once(task(userTaskId="once-1"))
    with pytest.raises(nxlink.AlreadyExistsError) as raised:
        client.create_task_once(task(userTaskId="once-1"))
    assert raised.value.existing_task_ids == [first.task_id]
    assert len(emulator.task_ids()) == 1


def test_configuration_errors(emulator):
    with pytest.raises(nxlink.ConfigError):
        nxlink.Client("AK", "secret", region="hong-kong", base_url=emulator.base_url)
    with pytest.raises(nxlink.ConfigError):
        nxlink.Client("AK", "secret")
    with pytest.raises(nxlink.ConfigError, match="region"):
        nxlink.Client("AK", "secret", region="atlantis")
    with pytest.raises(nxlink.ConfigError):
        nxlink.Client("AK", "", base_url=emulator.base_url)
    with pytest.raises(ValueError):
        nxlink.Client("AK", "secret", base_url=emulator.base_url, request_timeout=-1)
    assert nxlink.Client("AK", "s", region="hong-kong").base_url == "https://api-hk.nxlink.ai"


def test_no_gateway_is_a_transport_error(emulator):
    base_url = emulator.base_url
    emulator.close()
    client = nxlink.Client("AK", "secret", base_url=base_url, retries=False, connect_timeout=2)
    with pytest.raises(nxlink.TransportError) as raised:
        client.list_flows_page()
    assert raised.value.code is None
    with pytest.raises(RuntimeError, match="closed"):
        emulator.task_ids()


def test_bad_arguments_raise_typed_errors(emulator):
    client = emulator.client()
    with pytest.raises(TypeError):
        client.create_task(object())
    with pytest.raises(nxlink.TaskValidationError):
        client.create_task(123)
    with pytest.raises(nxlink.TaskValidationError):
        client.list_tasks_page('{"pageSize": "many"}')
    with pytest.raises(nxlink.ConfigError):
        emulator.client(batch_size=0)
    with pytest.raises(OverflowError):
        emulator.client(batch_size=-1)
    with pytest.raises(ValueError):
        emulator.advance(float("nan"))
    with pytest.raises(RuntimeError, match="manual_clock=True"):
        emulator.advance(1)  # the system clock cannot be moved
    assert emulator.request_count == 0
