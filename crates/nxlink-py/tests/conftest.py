"""Shared fixtures: a fresh emulator per test (the Rust gateway emulator, on loopback) and
requests in the documented JSON shape."""

from typing import Any, Dict, Iterator, List, Optional

import pytest

from nxlink.testing import Emulator

#: A route and an AI agent every emulator starts with (nxlink-testkit's seeded catalog).
ROUTE_ID = "y29ND1X4kkCG_nC576sALEkvg3HjEqde"
AUTO_FLOW_ID = 197
#: Every hour of every day, so that a started task dials at once whatever the clock says.
ALL_HOURS = ",".join(str(hour) for hour in range(24))


def contact(index: int, phone: Optional[str] = None) -> Dict[str, Any]:
    """A valid contact with a unique id."""
    return {
        "contactId": f"c-{index:06d}",
        "name": f"Callee {index}",
        "phoneNumber": phone if phone is not None else f"138{index:08d}",
    }


def task(contacts: Optional[List[Dict[str, Any]]] = None, **fields: Any) -> Dict[str, Any]:
    """A valid task/create request (the spec's example, dialling at any time)."""
    request: Dict[str, Any] = {
        "taskName": "Parcel follow-up",
        "autoFlowId": AUTO_FLOW_ID,
        "routeId": ROUTE_ID,
        "taskKeep": 0,
        "startupType": 1,
        "zoneSecond": 0,
        "weekDay": "1,2,3,4,5,6,7",
        "firstFifteen": ALL_HOURS,
        "secondFifteen": ALL_HOURS,
        "thirdFifteen": ALL_HOURS,
        "fourthFifteen": ALL_HOURS,
        "orderMaxCall": 1,
        "replayInterval": 600,
        "callList": contacts if contacts is not None else [contact(0), contact(1)],
    }
    request.update(fields)
    return request


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A running emulator, closed after the test."""
    with Emulator() as running:
        yield running
