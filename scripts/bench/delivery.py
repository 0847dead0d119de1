#!/usr/bin/env python3
"""Delivery benchmark: cxd's signed webhooks against Prometheus Alertmanager 0.25.

Both deliver N distinct notifications over HTTP to the same loopback receiver (an asyncio
HTTP/1.1 server in a process of its own that counts requests, checks cxd's Standard Webhooks
signatures and notes the monotonic time of the first and the last request).

cxd: a generated project whose N initiatives all start their first step at the same instant,
routed to one signed `webhook` notifier; `cxd run --once --now T` reconciles, evaluates (N
"step started" notifications go into the outbox) and drains the outbox. The delivery phase is
the receiver's first to last request; end to end is the whole process.

Alertmanager: `group_by: ['id']` with `group_wait: 0s`, so that each alert is a notification of
its own, sent by a `webhook_configs` receiver; N alerts with distinct `id` labels are posted to
`/api/v2/alerts` in batches of 500. The delivery phase runs from the first post to the
receiver's last request (alerts are delivered while later batches are still being posted); end
to end is from the process start.

Usage: python3 scripts/bench/delivery.py --cxd .build-rel/release/cxd --count 10000 --workdir /tmp/d
One JSON object per figure and line on stdout; what happens, in words, on stderr.
Python 3 standard library only.
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

SECRET = "whsec_" + base64.b64encode(b"cxd delivery benchmark secret!!!").decode()
START_DAY = "2027-03-01"  # a Monday
START_INSTANT = START_DAY + "T09:00:00Z"  # the first step opens at 09:00 in UTC


def say(text):
    print(text, file=sys.stderr, flush=True)


def emit(name, n, value, unit, **extra):
    record = {"name": name, "n": n, "value": round(value, 3), "unit": unit}
    record.update(extra)
    print(json.dumps(record), flush=True)


# ---------------------------------------------------------------------------------------------
# The receiver: a process of its own, so that it never shares the interpreter with the driver.


class ReceiverProtocol(asyncio.Protocol):
    """Minimal HTTP/1.1 with keep-alive (and pipelining): every POST is answered 200 at once."""

    def __init__(self, stats, key):
        self.stats = stats
        self.key = key
        self.buffer = b""
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data):
        self.buffer += data
        replies = []
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                break
            body = self.buffer[end + 4:end + 4 + length]
            self.buffer = self.buffer[end + 4 + length:]
            replies.append(self.handle(head[0].split(" "), headers, body))
        if replies:
            self.transport.write(b"".join(replies))

    def handle(self, request_line, headers, body):
        method, path = request_line[0], request_line[1] if len(request_line) > 1 else "/"
        stats = self.stats
        if path == "/_stats":
            data = json.dumps({k: v for k, v in stats.items() if k != "ids"} | {"distinct": len(stats["ids"])}).encode()
            return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(data), data)
        if path == "/_reset":
            stats.update(count=0, first=None, last=None, signed=0, bad_signatures=0, ids=set())
            return b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        now = time.monotonic()
        if stats["first"] is None:
            stats["first"] = now
        stats["last"] = now
        stats["count"] += 1
        ident = headers.get("webhook-id")
        if ident is not None:
            stats["ids"].add(ident)
            signature = headers.get("webhook-signature", "")
            content = ident.encode() + b"." + headers.get("webhook-timestamp", "").encode() + b"." + body
            expected = "v1," + base64.b64encode(hmac.new(self.key, content, hashlib.sha256).digest()).decode()
            if expected in signature.split(" "):
                stats["signed"] += 1
            else:
                stats["bad_signatures"] += 1
        elif path.startswith("/alertmanager"):
            try:
                for alert in json.loads(body)["alerts"]:
                    stats["ids"].add(alert["labels"]["id"])
            except (ValueError, KeyError):
                pass
        return b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


def serve(port_file):
    key = base64.b64decode(SECRET[len("whsec_"):])
    stats = {"count": 0, "first": None, "last": None, "signed": 0, "bad_signatures": 0, "ids": set()}

    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: ReceiverProtocol(stats, key), "127.0.0.1", 0, backlog=1024)
        port = server.sockets[0].getsockname()[1]
        with open(port_file + ".tmp", "w") as f:
            f.write(str(port))
        os.rename(port_file + ".tmp", port_file)
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        server.close()

    asyncio.run(main())


class Receiver:
    def __init__(self, workdir):
        port_file = os.path.join(workdir, "receiver.port")
        if os.path.exists(port_file):
            os.remove(port_file)
        self.process = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve", port_file])
        deadline = time.monotonic() + 10
        while not os.path.exists(port_file):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit("the receiver did not start")
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read())

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def stats(self):
        with urllib.request.urlopen(self.url("/_stats"), timeout=5) as answer:
            return json.load(answer)

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.url("/_reset"), data=b""), timeout=5).read()

    def wait_for(self, count, timeout, process=None):
        """Polls until `count` requests arrived; returns the stats (or None on timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            stats = self.stats()
            if stats["count"] >= count:
                return stats
            if process is not None and process.poll() is not None:
                say("  the process under test exited with status %s" % process.returncode)
                return None
            time.sleep(0.01)
        return None

    def close(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=10)


def receiver_capacity(receiver, requests=40000, connections=4):
    """What the receiver takes alone: pipelined keep-alive requests from a raw client, 100 at a
    time per connection, so that the client is not the bottleneck."""
    body = b'{"id":"x","kind":"step.started"}' * 8
    one = (b"POST /capacity HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    per_connection = requests // connections

    async def client():
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        sent = 0
        while sent < per_connection:
            burst = min(100, per_connection - sent)
            writer.write(one * burst)
            await reader.readexactly(len(reply) * burst)
            sent += burst
        writer.close()

    async def main():
        await asyncio.gather(*(client() for _ in range(connections)))

    receiver.reset()
    started = time.monotonic()
    asyncio.run(main())
    elapsed = time.monotonic() - started
    receiver.reset()
    return per_connection * connections / elapsed


# ---------------------------------------------------------------------------------------------
# cxd


def write_cxd_project(root, count, receiver, concurrency, batch_size):
    for folder in ("workflows", "initiatives", "state"):
        os.makedirs(os.path.join(root, folder), exist_ok=True)
    with open(os.path.join(root, "webhook.secret"), "w") as f:
        f.write(SECRET + "\n")
    delivery = ""
    if concurrency or batch_size:
        delivery = "delivery:\n"
        if concurrency:
            delivery += "  concurrency: %d\n" % concurrency
        if batch_size:
            delivery += "  batch_size: %d\n" % batch_size
    with open(os.path.join(root, "cxd.yaml"), "w") as f:
        f.write(f"""database: state/cxd.sqlite
time_zone: UTC
working_hours:
  days: [mon, tue, wed, thu, fri]
  start: "09:00"
  end: "17:00"
workflows: workflows
people: people.yaml
initiatives: initiatives
notifiers:
  hook:
    type: webhook
    url: {receiver.url("/cxd")}
    secret_file: webhook.secret
    timeout: 10s
routes:
  default: [hook]
{delivery}""")
    people = ["p%02d" % i for i in range(20)]
    with open(os.path.join(root, "people.yaml"), "w") as f:
        f.write("people:\n")
        for person in people:
            f.write(f"  - id: {person}\n    name: Person {person}\n    email: {person}@example.com\n")
    with open(os.path.join(root, "workflows", "one-step.yaml"), "w") as f:
        f.write("""id: one-step
title: {en: One step, vi: Một bước}
defaults:
  reminders:
    before: [1d]
steps:
  - id: work
    title: {en: Do the work, vi: Làm việc}
    owner: owner
    duration: 1w
    next: end
""")
    for i in range(count):
        with open(os.path.join(root, "initiatives", "i%06d.yaml" % i), "w") as f:
            f.write(f"""id: i{i:06d}
title: Initiative {i}
workflow: one-step
start: {START_DAY}
roles:
  owner: {people[i % len(people)]}
goal:
  statement: Benchmark initiative {i}
  metric: NPS
  baseline: 10
  target: 20
  by: 2027-12-31
""")


def queue_copies(database, count, at):
    """Adds `count` pending copies of the outbox's first message, each with a key and payload id
    of its own, due at `at` (what N initiatives starting together would queue, minus the work of
    the engine)."""
    import sqlite3
    stamp = at.replace("T", " ").replace("Z", ".000")
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT key, initiative, kind, notifier, recipient, payload FROM outbox ORDER BY id LIMIT 1").fetchone()
        key, initiative, kind, notifier, recipient, payload = row
        document = json.loads(payload)
        rows = []
        for i in range(count):
            document["id"] = "%s/copy-%06d" % (key, i)
            rows.append((document["id"], initiative, kind, notifier, recipient,
                         json.dumps(document, sort_keys=True, separators=(",", ":")).encode(), stamp, stamp))
        db.executemany("INSERT INTO outbox (key, initiative, kind, notifier, recipient, payload, status, attempts, "
                       "createdAt, nextAttemptAt) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)", rows)


def run_cxd(args, receiver):
    root = os.path.join(args.workdir, "cxd")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    config = os.path.join(root, "cxd.yaml")
    now = START_INSTANT
    if args.source == "initiatives":
        say("cxd: writing a project of %d initiatives in %s" % (args.count, root))
        write_cxd_project(root, args.count, receiver, args.concurrency, args.batch_size)
    else:
        say("cxd: one initiative, then %d copies of its message queued in the outbox (%s)" % (args.count, root))
        write_cxd_project(root, 1, receiver, args.concurrency, args.batch_size)
        subprocess.run([args.cxd, "run", "--once", "--now", now, "-c", config], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        now = START_DAY + "T09:01:00Z"
        queue_copies(os.path.join(root, "state", "cxd.sqlite"), args.count, now)
    receiver.reset()
    receiver_cpu = process_cpu(receiver.process.pid)
    command = [args.cxd, "run", "--once", "--now", now, "-c", config]
    say("cxd: " + " ".join(command))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(os.path.join(root, "cxd.log"), "w") as log:
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
        output, _ = process.communicate(timeout=args.timeout)
        ended = time.monotonic()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    say("  " + output.strip())
    if process.returncode != 0:
        raise SystemExit("cxd failed (exit %d); see %s" % (process.returncode, log.name))
    stats = receiver.stats()
    if stats["count"] < args.count:
        raise SystemExit("cxd delivered %d of %d; see %s" % (stats["count"], args.count, log.name))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "delivery_s": stats["last"] - stats["first"],
        "end_to_end_s": ended - started,
        "cpu_s": cpu,
        "receiver_cpu_s": process_cpu(receiver.process.pid) - receiver_cpu,
        "stats": stats,
    }


# ---------------------------------------------------------------------------------------------
# Alertmanager


def find_alertmanager():
    for name in ("alertmanager", "prometheus-alertmanager"):
        path = shutil.which(name)
        if path:
            return path
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_alertmanager(args, receiver, binary):
    root = os.path.join(args.workdir, "alertmanager")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    config = os.path.join(root, "alertmanager.yml")
    with open(config, "w") as f:
        f.write(f"""route:
  receiver: hook
  group_by: ['id']
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 24h
receivers:
  - name: hook
    webhook_configs:
      - url: {receiver.url("/alertmanager")}
        send_resolved: false
""")
    port, cluster = free_port(), free_port()
    command = [binary, "--config.file=" + config, "--storage.path=" + os.path.join(root, "data"),
               "--web.listen-address=127.0.0.1:%d" % port, "--cluster.listen-address=",
               "--log.level=warn"]
    say("alertmanager: " + " ".join(command))
    receiver.reset()
    receiver_cpu = process_cpu(receiver.process.pid)
    log = open(os.path.join(root, "alertmanager.log"), "w")
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=log, stderr=log)
    base = "http://127.0.0.1:%d" % port
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/-/ready", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("alertmanager did not start; see " + log.name)
                time.sleep(0.02)
        ready = time.monotonic()
        cpu_ready = process_cpu(process.pid)
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        batch = 500
        posting = time.monotonic()
        for first in range(0, args.count, batch):
            alerts = [{"labels": {"alertname": "CXStepStarted", "id": "a%06d" % i, "initiative": "i%06d" % i},
                       "annotations": {"summary": "Step started for initiative %d" % i},
                       "startsAt": now} for i in range(first, min(first + batch, args.count))]
            request = urllib.request.Request(base + "/api/v2/alerts", data=json.dumps(alerts).encode(),
                                             headers={"Content-Type": "application/json"})
            urllib.request.urlopen(request, timeout=30).read()
        posted = time.monotonic()
        stats = receiver.wait_for(args.count, args.timeout, process)
        if stats is None:
            raise SystemExit("alertmanager delivered %d of %d within %ds" % (receiver.stats()["count"], args.count, args.timeout))
        cpu = process_cpu(process.pid)
        receiver_cpu = process_cpu(receiver.process.pid) - receiver_cpu
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
    say("  posted %d alerts in %.2f s; alertmanager was ready %.2f s after its start"
        % (args.count, posted - posting, ready - started))
    return {
        "delivery_s": stats["last"] - posting,
        "end_to_end_s": stats["last"] - started,
        "cpu_s": cpu,
        "delivery_cpu_s": cpu - cpu_ready,
        "receiver_cpu_s": receiver_cpu,
        "stats": stats,
    }


# ---------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cxd", help="a release cxd binary")
    parser.add_argument("--count", type=int, default=10000, help="notifications (default 10000)")
    parser.add_argument("--workdir", default="/tmp/cxd-bench-delivery", help="scratch folder (emptied)")
    parser.add_argument("--concurrency", type=int, help="delivery.concurrency for cxd (default: cxd's)")
    parser.add_argument("--batch-size", type=int, help="delivery.batch_size for cxd (default: cxd's)")
    parser.add_argument("--source", choices=["initiatives", "outbox"], default="initiatives",
                        help="initiatives: N initiatives start together (engine and delivery); "
                             "outbox: N copies of one real message queued in the outbox (delivery alone)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds each side may take")
    parser.add_argument("--skip-alertmanager", action="store_true")
    parser.add_argument("--serve", metavar="PORT_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    if not args.cxd:
        parser.error("--cxd is required")
    args.cxd = os.path.abspath(args.cxd)
    args.workdir = os.path.abspath(args.workdir)
    os.makedirs(args.workdir, exist_ok=True)

    receiver = Receiver(args.workdir)
    try:
        capacity = receiver_capacity(receiver)
        say("receiver: %.0f requests/s alone (pipelined keep-alive client, 4 connections)" % capacity)
        emit("delivery.receiver_capacity", 40000, capacity, "1/s")

        cxd = run_cxd(args, receiver)
        n = args.count
        s = cxd["stats"]
        say("cxd: %d requests (%d distinct ids, %d signed, %d bad signatures); delivery %.2f s, "
            "end to end %.2f s, %.2f s CPU; the receiver %.2f s CPU (%.0f%% of one core over the delivery)"
            % (s["count"], s["distinct"], s["signed"], s["bad_signatures"], cxd["delivery_s"], cxd["end_to_end_s"],
               cxd["cpu_s"], cxd["receiver_cpu_s"], 100 * cxd["receiver_cpu_s"] / cxd["delivery_s"]))
        if s["bad_signatures"] or s["distinct"] != n or s["count"] != n:
            say("cxd: WARNING: expected %d signed requests with distinct ids" % n)

        binary = None if args.skip_alertmanager else find_alertmanager()
        am = None
        if binary is None:
            say("alertmanager: skipped (%s)" % ("--skip-alertmanager" if args.skip_alertmanager else
                "not installed: apt-get install prometheus-alertmanager"))
        else:
            am = run_alertmanager(args, receiver, binary)
            s = am["stats"]
            say("alertmanager: %d requests (%d distinct alerts); delivery %.2f s, end to end %.2f s, "
                "%.2f s CPU (%.2f s after ready); the receiver %.2f s CPU (%.0f%% of one core over the delivery)"
                % (s["count"], s["distinct"], am["delivery_s"], am["end_to_end_s"], am["cpu_s"], am["delivery_cpu_s"],
                   am["receiver_cpu_s"], 100 * am["receiver_cpu_s"] / am["delivery_s"]))

        def figure(name, cxd_value, am_value, unit, higher_is_better=True):
            extra = {}
            if am_value is not None:
                extra = {"peer": "alertmanager", "peer_value": round(am_value, 3)}
                if am_value and cxd_value:
                    extra["ratio"] = round(cxd_value / am_value if higher_is_better else am_value / cxd_value, 3)
            emit(name, n, cxd_value, unit, **extra)

        figure("delivery.webhooks_per_s", n / cxd["delivery_s"], am and n / am["delivery_s"], "1/s")
        figure("delivery.end_to_end_per_s", n / cxd["end_to_end_s"], am and n / am["end_to_end_s"], "1/s")
        figure("delivery.end_to_end_s", cxd["end_to_end_s"], am and am["end_to_end_s"], "s", False)
        figure("delivery.cpu_s", cxd["cpu_s"], am and am["cpu_s"], "s", False)
        figure("delivery.cpu_us_per_message", 1e6 * cxd["cpu_s"] / n, am and 1e6 * am["cpu_s"] / n, "us", False)
        figure("delivery.receiver_cpu_s", cxd["receiver_cpu_s"], am and am["receiver_cpu_s"], "s", False)
    finally:
        receiver.close()


if __name__ == "__main__":
    main()
