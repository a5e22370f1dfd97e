"""A 10 000-contact append through the Rust client's batches: every contact lands exactly once,
and other Python threads run while it does (the GIL is released)."""

import threading
import time

from conftest import contact, task

CONTACTS = 10_000
BATCH = 500  # the client's default batch size


def test_ten_thousand_contacts_land_exactly_once(emulator):
    client = emulator.client()
    created = client.create_task(task([contact(0)]))
    requests_before = emulator.request_count
    contacts = [contact(index) for index in range(1, CONTACTS + 1)]

    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    started = time.monotonic()
    try:
        report = client.append_contacts({"taskId": created.task_id, "list": contacts})
    finally:
        ended = time.monotonic()
        stop.set()
        ticker.join()

    assert report.is_complete and report.failed_count == 0
    assert report.rejected == [] and report.already_present == [] and report.maybe_doubled == []
    assert sorted(report.submitted) == [item["contactId"] for item in contacts]
    held = emulator.contact_ids(created.task_id)
    assert len(held) == CONTACTS + 1
    assert len(set(held)) == len(held)
    assert set(held) == {"c-000000"} | set(report.submitted)
    # One request per batch: nothing was sent twice.
    assert emulator.request_count - requests_before == CONTACTS // BATCH
    # The ticker thread kept running during the call: the GIL was not held while it worked.
    during = [at for at in ticks if started < at < ended]
    assert len(during) >= 5, (len(during), ended - started)
