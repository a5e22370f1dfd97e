"""The access secret never shows: not in reprs, not in any exception's text, args or
attributes, whatever failed."""

import pickle

import pytest

import nxlink
from conftest import contact, task
from nxlink.testing import Emulator

SECRET = "s3cr3t-VALUE-must-never-show"
WRONG = "wr0ng-VALUE-must-never-show-either"


def shown(value):
    """Everything Python code or a log could print of `value`."""
    texts = [repr(value), str(value)]
    if isinstance(value, BaseException):
        texts += [repr(value.args), repr(vars(value)), repr(pickle.loads(pickle.dumps(value)).__dict__)]
    return "\n".join(texts)


def assert_hidden(value):
    text = shown(value)
    assert SECRET not in text and WRONG not in text, text


@pytest.fixture
def secret_emulator():
    with Emulator("AK-SECRETS-TEST", SECRET) as emulator:
        yield emulator


def test_reprs(secret_emulator):
    assert_hidden(secret_emulator)
    assert secret_emulator.access_secret == SECRET  # available when asked for, never shown
    client = nxlink.Client("AK-SECRETS-TEST", SECRET, base_url=secret_emulator.base_url)
    assert_hidden(client)
    assert "AK-SECRETS-TEST" in repr(client)
    assert_hidden(secret_emulator.client())
    assert_hidden(nxlink.Client("AK", SECRET, region="americas"))


def test_exceptions(secret_emulator):
    base_url = secret_emulator.base_url
    raised = []

    def capture(call):
        with pytest.raises(nxlink.NXLinkError) as error:
            call()
        raised.append(error.value)

    wrong = nxlink.Client("AK-SECRETS-TEST", WRONG, base_url=base_url)
    capture(lambda: wrong.create_task(task()))  # 1003
    capture(lambda: list(wrong.list_tasks()))
    right = nxlink.Client("AK-SECRETS-TEST", SECRET, base_url=base_url)
    capture(lambda: right.create_task(task([contact(0, phone="")])))  # invalid: not sent
    capture(lambda: right.create_task(task(autoFlowId=5)))  # 20000
    capture(lambda: nxlink.Client("AK", SECRET, region="nowhere"))
    headers = nxlink.sign("AK-SECRETS-TEST", SECRET, 1, b"{}")
    capture(lambda: nxlink.verify_callback(headers, b"{}", "AK-SECRETS-TEST", WRONG, now_ms=1))
    capture(lambda: nxlink.verify_callback(headers, b"{}", "AK-SECRETS-TEST", SECRET, now_ms=10**6))
    secret_emulator.close()
    unreachable = nxlink.Client("AK", SECRET, base_url=base_url, retries=False)
    capture(lambda: unreachable.list_flows_page())

    kinds = {type(error) for error in raised}
    assert {
        nxlink.AuthenticationError,
        nxlink.ApiError,
        nxlink.TaskValidationError,
        nxlink.ConfigError,
        nxlink.CallbackVerificationError,
        nxlink.TransportError,
    } <= kinds
    for error in raised:
        assert_hidden(error)
