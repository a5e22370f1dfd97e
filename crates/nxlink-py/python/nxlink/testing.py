"""Testing against the faithful NXLink gateway emulator (the Rust crate nxlink-testkit),
running in this process on loopback.

    from nxlink.testing import Emulator

    with Emulator() as emulator:
        client = emulator.client()  # or nxlink.Client(emulator.access_key, emulator.access_secret, base_url=emulator.base_url)
        ...
"""

from ._native import DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, Emulator

__all__ = ["DEMO_ACCESS_KEY", "DEMO_ACCESS_SECRET", "Emulator"]
