"""What an operations engineer writes without the SDK: the documented signing formula by
string concatenation and hashlib, `requests`, the rows of a CSV appended in batches of 500
with 4 threads. No validation, no journal, no retries: the peer of `nxlink contacts append`.

usage: python append_peer.py BASE_URL ACCESS_KEY ACCESS_SECRET TASK_ID CSV
prints one line: `rows=<n> seconds=<s>`.
"""

import csv
import hashlib
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

BATCH = 500
THREADS = 4

base_url, access_key, access_secret, task_id, csv_path = sys.argv[1:6]
url = base_url.rstrip("/") + "/openapi/aiagent/call/append"
local = threading.local()


def session():
    if not hasattr(local, "session"):
        local.session = requests.Session()
    return local.session


def sign(ts, body):
    text = (
        "accessKey=" + access_key + "&action=nxai&bizType=100&ts=" + ts
        + "&body=" + body + "&accessSecret=" + access_secret
    )
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def send(rows):
    contacts = []
    for row in rows:
        params = [{"name": k, "value": v} for k, v in row.items()
                  if k not in ("contactId", "name", "phoneNumber")]
        contacts.append({"contactId": row["contactId"], "name": row["name"],
                         "phoneNumber": row["phoneNumber"], "params": params})
    body = json.dumps({"taskId": task_id, "list": contacts}, separators=(",", ":"),
                      ensure_ascii=False)
    ts = str(int(time.time() * 1000))
    headers = {"Content-Type": "application/json", "accessKey": access_key, "ts": ts,
               "bizType": "100", "action": "nxai", "sign": sign(ts, body)}
    answer = session().post(url, data=body.encode("utf-8"), headers=headers, timeout=30).json()
    if answer.get("code") != 0:
        raise SystemExit("append refused: " + json.dumps(answer))
    return len(rows)


def batches():
    with open(csv_path, newline="", encoding="utf-8") as f:
        batch = []
        for row in csv.DictReader(f):
            batch.append(row)
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


started = time.perf_counter()
with ThreadPoolExecutor(THREADS) as pool:
    sent = sum(pool.map(send, batches()))
print(f"rows={sent} seconds={time.perf_counter() - started:.3f}")
