"""A signal arriving while a call waits in Rust (the GIL released) is handled at once, as
Python would: its handler's exception comes out of the call (Ctrl-C's KeyboardInterrupt too)."""

import signal
import time

import pytest

from nxlink.testing import Emulator


class Interrupted(Exception):
    """Raised by the test's signal handler."""


def interrupt(signum, frame):
    raise Interrupted()


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs SIGALRM")
def test_a_signal_interrupts_a_waiting_call():
    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        with Emulator(manual_clock=True) as emulator:
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            started = time.monotonic()
            with pytest.raises(Interrupted):
                emulator.advance(100 * 365 * 24 * 3600)  # a century, minute by minute
            assert time.monotonic() - started < 5
            # The emulator is still usable afterwards.
            assert emulator.client().list_flows_page().total == 3
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
