#!/usr/bin/env python3
"""Several `cxd run` nodes on one PostgreSQL database: bursts, failover, outage, copy.

Each scenario starts a throwaway PostgreSQL 15 cluster of its own (initdb into the work folder,
a free loopback port, trust authentication; as root it runs as the `postgres` user), writes a
project whose initiatives all open their first step now (working hours round the clock), routes
every notification to five webhook notifiers pointing at one loopback receiver, starts the
nodes, and watches what the receiver gets. The receiver (this file, `--serve`) records every
request's webhook id with the monotonic times it arrived and was answered.

Scenarios (each prints one JSON object on stdout; progress on stderr):
  burst     N nodes deliver M messages: every key delivered, none twice; throughput.
  failover  3 nodes; the leader is killed (SIGKILL) while the burst is being evaluated and
            delivered: the time until another node leads, nothing lost, duplicates only as
            redeliveries of the same key that never overlap, and the audit log has each
            initiative's registration and first step once.
  outage    2 nodes; the database stops for --outage seconds mid-burst and comes back: the nodes
            keep running, retry with backoff, and everything is delivered once.
  drain     N nodes deliver M messages already waiting in the outbox (copies of one
            initiative's notification): the dispatchers alone, without the leader's evaluation.
  copy      a SQLite installation (one evaluation) copied with `cxd db copy` to PostgreSQL, then
            a node on PostgreSQL carries on: it sends the reminders that fall due.

Usage: cluster.py --cxd .build/debug/cxd --workdir /tmp/cxd-cluster burst --nodes 3 --messages 5000
Python 3 standard library only.
"""

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

PG_BIN = "/usr/lib/postgresql/15/bin"
NOTIFIERS = 5


def say(text):
    print(text, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# The receiver: a process of its own (asyncio, HTTP/1.1 keep-alive), answering 200 after --hold.


class ReceiverProtocol(asyncio.Protocol):
    def __init__(self, state):
        self.state = state
        self.buffer = b""
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length:]
            self.handle(head[0].split(" "), headers)

    def handle(self, request_line, headers):
        path = request_line[1] if len(request_line) > 1 else "/"
        state = self.state
        if path == "/_stats":
            ids = state["ids"]
            data = json.dumps({"requests": state["requests"], "distinct": len(ids)}).encode()
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(data), data))
            return
        arrived = time.monotonic()
        ident = headers.get("webhook-id", "")
        state["requests"] += 1
        state["ids"].add(ident)

        def answer():
            answered = time.monotonic()
            state["log"].write(json.dumps({"id": ident, "path": path, "arrived": arrived, "answered": answered}) + "\n")
            state["log"].flush()
            if not self.transport.is_closing():
                self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

        if state["hold"] > 0:
            asyncio.get_running_loop().call_later(state["hold"], answer)
        else:
            answer()


def serve(port_file, log_path, hold):
    state = {"requests": 0, "ids": set(), "hold": hold, "log": open(log_path, "a", encoding="utf-8")}

    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: ReceiverProtocol(state), "127.0.0.1", 0, backlog=1024)
        with open(port_file + ".tmp", "w") as f:
            f.write(str(server.sockets[0].getsockname()[1]))
        os.rename(port_file + ".tmp", port_file)
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        # Never outlives the scenario by much.
        loop.call_later(3600, stop.set)
        await stop.wait()
        server.close()

    asyncio.run(main())


class Receiver:
    def __init__(self, workdir, hold):
        self.log = os.path.join(workdir, "received.jsonl")
        port_file = os.path.join(workdir, "receiver.port")
        for path in (port_file, self.log):
            if os.path.exists(path):
                os.remove(path)
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--serve", port_file, "--log", self.log, "--hold", str(hold)])
        deadline = time.monotonic() + 10
        while not os.path.exists(port_file):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit("the receiver did not start")
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read())

    def stats(self):
        with urllib.request.urlopen("http://127.0.0.1:%d/_stats" % self.port, timeout=5) as answer:
            return json.load(answer)

    def records(self):
        with open(self.log, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def close(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# ---------------------------------------------------------------------------------------------
# PostgreSQL: a throwaway cluster of the scenario's own.


class Postgres:
    def __init__(self, workdir):
        self.folder = os.path.join(workdir, "pg")
        self.data = os.path.join(self.folder, "data")
        self.root = os.geteuid() == 0
        os.makedirs(self.folder, exist_ok=True)
        if self.root:
            shutil.chown(self.folder, "postgres", "postgres")
        self.port = free_port()
        self.owner([PG_BIN + "/initdb", "-D", self.data, "-U", "cxd", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        self.start()
        watchdog(self)
        self.psql("CREATE DATABASE cxd")

    def owner(self, command, check=True):
        if self.root:
            command = ["runuser", "-u", "postgres", "--"] + command
        return subprocess.run(command, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def start(self):
        self.owner([PG_BIN + "/pg_ctl", "-D", self.data, "-l", os.path.join(self.folder, "server.log"), "-w", "-o",
                    "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                    "-c full_page_writes=off -c max_connections=300" % (self.port, self.folder), "start"])

    def stop(self, mode="fast"):
        self.owner([PG_BIN + "/pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"], check=False)

    def psql(self, sql, database="postgres"):
        result = self.owner([PG_BIN + "/psql", "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", str(self.port), "-U", "cxd",
                             "-d", database, "-c", sql])
        return result

    def query(self, sql):
        command = [PG_BIN + "/psql", "-X", "-q", "-A", "-t", "-F", "\t", "-h", "127.0.0.1", "-p", str(self.port), "-U", "cxd",
                   "-d", "cxd", "-c", sql]
        if self.root:
            command = ["runuser", "-u", "postgres", "--"] + command
        result = subprocess.run(command, check=True, capture_output=True, text=True)
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    @property
    def url(self):
        return "postgres://cxd@127.0.0.1:%d/cxd?sslmode=disable" % self.port

    def close(self):
        self.stop("immediate")


def watchdog(pg):
    """Stops everything the scenario started if this script dies without cleaning up (killed
    by a test's timeout, say): its process group (nodes, receiver) and the database server."""
    stop_server = (["runuser", "-u", "postgres", "--"] if pg.root else []) + [PG_BIN + "/pg_ctl", "-D", pg.data, "-m", "immediate", "stop"]
    code = (
        "import os, signal, subprocess, sys, time\n"
        "parent, group, command = %d, %d, %r\n"
        "while os.path.exists('/proc/%%d' %% parent):\n"
        "    time.sleep(1)\n"
        "try:\n"
        "    os.killpg(group, signal.SIGKILL)\n"
        "except OSError:\n"
        "    pass\n"
        "subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    ) % (os.getpid(), os.getpgrp(), stop_server)
    subprocess.Popen([sys.executable, "-c", code], start_new_session=True,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ---------------------------------------------------------------------------------------------
# The project: initiatives whose first step opens now, five webhook notifiers.


def write_project(root, initiatives, receiver, database, lease="10s", heartbeat="1s"):
    for folder in ("workflows", "initiatives", "state"):
        os.makedirs(os.path.join(root, folder), exist_ok=True)
    today = dt.datetime.now(dt.timezone.utc).date()
    hooks = "".join(
        f"""  hook{n}:
    type: webhook
    url: http://127.0.0.1:{receiver.port}/hook{n}
    sign: false
    timeout: 10s
""" for n in range(1, NOTIFIERS + 1))
    with open(os.path.join(root, "cxd.yaml"), "w") as f:
        f.write(f"""database: {database}
time_zone: UTC
working_hours:
  days: [mon, tue, wed, thu, fri, sat, sun]
  start: "00:00"
  end: "23:59"
workflows: workflows
people: people.yaml
initiatives: initiatives
notifiers:
{hooks}routes:
  default: [{", ".join("hook%d" % n for n in range(1, NOTIFIERS + 1))}]
delivery:
  concurrency: 4
  batch_size: 20
cluster:
  heartbeat: {heartbeat}
  claim_lease: {lease}
""")
    people = ["p%02d" % i for i in range(20)]
    with open(os.path.join(root, "people.yaml"), "w") as f:
        f.write("people:\n")
        for person in people:
            f.write(f"  - id: {person}\n    name: Person {person}\n    email: {person}@example.com\n")
    with open(os.path.join(root, "workflows", "two-steps.yaml"), "w") as f:
        f.write("""id: two-steps
title: {en: Two steps, vi: Hai bước}
steps:
  - id: work
    title: {en: Do the work, vi: Làm việc}
    owner: owner
    duration: 1w
    next: check
  - id: check
    title: {en: Check it, vi: Kiểm tra}
    owner: owner
    duration: 1w
    next: end
""")
    for i in range(initiatives):
        with open(os.path.join(root, "initiatives", "i%05d.yaml" % i), "w") as f:
            f.write(f"""id: i{i:05d}
title: Initiative {i}
workflow: two-steps
start: {today.isoformat()}
roles:
  owner: {people[i % len(people)]}
""")
    return os.path.join(root, "cxd.yaml")


class Node:
    def __init__(self, cxd, config, name, workdir):
        self.name = name
        self.log_path = os.path.join(workdir, "node-%s.log" % name)
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([cxd, "run", "-c", config, "--node", name, "--log-level", "notice"],
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def alive(self):
        return self.process.poll() is None

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def output(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()


def leader(pg):
    rows = pg.query("SELECT id FROM node WHERE role = 'leader' AND heartbeatAt > now() - interval '3 seconds'")
    return rows[0][0] if rows else None


def wait_until(condition, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def check_deliveries(records, expected):
    """Every expected key delivered; duplicates counted, and whether any two of one key overlap."""
    by_id = {}
    for record in records:
        by_id.setdefault(record["id"], []).append(record)
    missing = expected - set(by_id)
    duplicates = {key: len(found) for key, found in by_id.items() if len(found) > 1}
    overlapping = []
    for key, found in by_id.items():
        spans = sorted((r["arrived"], r["answered"]) for r in found)
        for (a_start, a_end), (b_start, _) in zip(spans, spans[1:]):
            if b_start < a_end:
                overlapping.append(key)
                break
    unexpected = set(by_id) - expected
    return {"missing": len(missing), "duplicates": len(duplicates), "overlapping": len(overlapping),
            "unexpected": len(unexpected), "examples_missing": sorted(missing)[:5], "examples_overlapping": overlapping[:5]}


def expected_keys(pg):
    return {row[0] for row in pg.query("SELECT key FROM outbox WHERE kind = 'step.started'")}


def audit(pg, initiatives):
    """Each initiative registered once and its first step started once: no gap, no double."""
    rows = pg.query("SELECT initiative, kind, COUNT(*) FROM event GROUP BY initiative, kind")
    counts = {}
    for initiative, kind, count in rows:
        counts[(initiative, kind)] = int(count)
    bad = []
    for i in range(initiatives):
        ident = "i%05d" % i
        for kind in ("initiative.registered", "step.started"):
            if counts.get((ident, kind), 0) != 1:
                bad.append("%s %s x%d" % (ident, kind, counts.get((ident, kind), 0)))
    return bad


# ---------------------------------------------------------------------------------------------
# Scenarios


class Setup:
    """A fresh work folder with a database server and a receiver of its own, and the nodes
    started in it; everything is stopped on the way out, whatever happened."""

    def __init__(self, args, hold):
        self.workdir = args.workdir
        shutil.rmtree(self.workdir, ignore_errors=True)
        os.makedirs(self.workdir)
        if os.geteuid() == 0:
            os.chmod(self.workdir, 0o777)
        self.pg = Postgres(self.workdir)
        self.receiver = Receiver(self.workdir, hold)
        self.nodes = []

    def start_nodes(self, cxd, config, count):
        self.nodes = [Node(cxd, config, "n%d" % (n + 1), self.workdir) for n in range(count)]
        return self.nodes

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        for node in self.nodes:
            node.stop()
        self.receiver.close()
        self.pg.close()
        return False


def pace(records):
    """First arrival to last answer, and requests a second over it."""
    if not records:
        return {}
    seconds = round(max(r["answered"] for r in records) - min(r["arrived"] for r in records), 2)
    return {"delivery_seconds": seconds, "per_second": round(len(records) / max(seconds, 0.001), 1)}


def scenario(args, nodes, kill_leader=False, outage=0.0):
    initiatives = args.messages // NOTIFIERS
    result = {"nodes": nodes, "messages": initiatives * NOTIFIERS}
    with Setup(args, args.hold) as setup:
        workdir, pg, receiver = setup.workdir, setup.pg, setup.receiver
        config = write_project(
            os.path.join(workdir, "project"), initiatives, receiver, pg.url, lease=args.lease, heartbeat=args.heartbeat)
        # The schema first (every node would migrate it otherwise, taking turns on a lock).
        subprocess.run([args.cxd, "db", "migrate", "-c", config], check=True, capture_output=True)
        started = time.monotonic()
        running = setup.start_nodes(args.cxd, config, nodes)
        first_leader = wait_until(lambda: leader(pg), 60)
        if not first_leader:
            raise SystemExit("no node leads after 60 s:\n" + "\n".join(node.output() for node in running))
        result["first_leader"] = first_leader
        total = initiatives * NOTIFIERS
        if kill_leader:
            # Mid-burst: some delivered, most not yet.
            wait_until(lambda: receiver.stats()["distinct"] >= total // 5, args.timeout)
            victim = next(node for node in running if node.name == first_leader)
            killed_at = time.monotonic()
            victim.kill()
            say("killed the leader %s after %d deliveries" % (victim.name, receiver.stats()["distinct"]))
            successor = wait_until(lambda: (leader(pg) or first_leader) != first_leader and leader(pg), 60, step=0.02)
            result["failover_s"] = round(time.monotonic() - killed_at, 2) if successor else None
            result["new_leader"] = successor
        if outage:
            wait_until(lambda: receiver.stats()["distinct"] >= total // 5, args.timeout)
            say("stopping the database for %.0f s" % outage)
            pg.stop("fast")
            time.sleep(outage)
            result["alive_during_outage"] = sum(node.alive() for node in running)
            pg.start()
            say("database back")
        done = wait_until(lambda: receiver.stats()["distinct"] >= total and receiver.stats()["distinct"], args.timeout, step=0.1)
        finished = time.monotonic()
        # Anything still pending (a redelivery after a kill) goes out within a lease or two.
        if kill_leader:
            wait_until(lambda: not pg.query("SELECT 1 FROM outbox WHERE status = 'pending' LIMIT 1"), 60, step=0.2)
        stats = receiver.stats()
        result["delivered"] = stats["distinct"]
        result["requests"] = stats["requests"]
        result["seconds"] = round(finished - started, 2)
        records = receiver.records()
        result.update(pace(records))
        result["complete"] = bool(done)
        keys = expected_keys(pg)
        result["check"] = check_deliveries(records, keys)
        result["outbox"] = dict((status, int(n)) for status, n in pg.query("SELECT status, COUNT(*) FROM outbox GROUP BY status"))
        result["audit_problems"] = audit(pg, initiatives)[:10]
        result["nodes_alive"] = sum(node.alive() for node in running)
        result["roles"] = dict(pg.query("SELECT id, role FROM node ORDER BY id"))
        status = subprocess.run([args.cxd, "status", "-c", config], capture_output=True, text=True)
        result["status_leader_line"] = next((line for line in status.stdout.splitlines() if line.startswith("leader:")), None)
        result["status_nodes_listed"] = sum(
            1 for line in status.stdout.splitlines() if line.split(" ")[0] in {node.name for node in running})
        result["senders"] = {}
        for node, count in pg.query("SELECT claimedBy, COUNT(*) FROM outbox GROUP BY claimedBy"):
            result["senders"][node or "-"] = int(count)
    return result


def drain_scenario(args):
    result = {"nodes": args.nodes, "messages": args.messages}
    with Setup(args, args.hold) as setup:
        workdir, pg, receiver = setup.workdir, setup.pg, setup.receiver
        config = write_project(os.path.join(workdir, "project"), 1, receiver, pg.url, lease=args.lease)
        subprocess.run([args.cxd, "run", "--once", "-c", config], check=True, capture_output=True)
        pg.query(
            "INSERT INTO outbox (key, initiative, kind, notifier, recipient, payload, status, attempts, createdAt, nextAttemptAt) "
            "SELECT o.key || '/copy-' || g, o.initiative, o.kind, 'hook' || (1 + g %% %d), o.recipient, "
            "convert_to(jsonb_set(convert_from(o.payload, 'UTF8')::jsonb, '{id}', to_jsonb(o.key || '/copy-' || g))::text, 'UTF8'), "
            "'pending', 0, now(), now() FROM (SELECT * FROM outbox ORDER BY id LIMIT 1) AS o, generate_series(1, %d) AS g"
            % (NOTIFIERS, args.messages))
        expected = {row[0] for row in pg.query("SELECT key FROM outbox WHERE key LIKE '%/copy-%'")}
        before = receiver.stats()["distinct"]
        started = time.monotonic()
        setup.start_nodes(args.cxd, config, args.nodes)
        done = wait_until(lambda: receiver.stats()["distinct"] >= before + args.messages, args.timeout, step=0.05)
        result["complete"] = bool(done)
        result["seconds"] = round(time.monotonic() - started, 2)
        records = [r for r in receiver.records() if r["id"] in expected]
        result.update(pace(records))
        result["check"] = check_deliveries(records, expected)
        result["senders"] = dict((node or "-", int(n)) for node, n in pg.query(
            "SELECT claimedBy, COUNT(*) FROM outbox WHERE key LIKE '%/copy-%' GROUP BY claimedBy"))
    return result


def copy_scenario(args):
    result = {}
    with Setup(args, 0) as setup:
        workdir, pg, receiver = setup.workdir, setup.pg, setup.receiver
        root = os.path.join(workdir, "project")
        config = write_project(root, 40, receiver, "state/cxd.sqlite")
        # Day one on SQLite: every first step opens (and its notifications go out).
        first = subprocess.run([args.cxd, "run", "--once", "-c", config], capture_output=True, text=True)
        result["sqlite_run"] = first.returncode
        copy = subprocess.run([args.cxd, "db", "copy", "--from", "sqlite:" + os.path.join(root, "state/cxd.sqlite"),
                               "--to", pg.url], capture_output=True, text=True)
        result["copy_status"] = copy.returncode
        result["copy_output"] = copy.stdout + copy.stderr
        with open(config) as f:
            text = f.read()
        with open(config, "w") as f:
            f.write(text.replace("database: state/cxd.sqlite", "database: " + pg.url))
        before = receiver.stats()["distinct"]
        # A week later on PostgreSQL: the first steps are overdue; the node sends reminders.
        later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
        second = subprocess.run([args.cxd, "run", "--once", "--now", later, "-c", config], capture_output=True, text=True)
        result["postgres_run"] = second.returncode
        result["postgres_output"] = second.stdout + second.stderr
        result["delivered_before"] = before
        result["delivered_after"] = receiver.stats()["distinct"]
        result["events"] = int(pg.query("SELECT COUNT(*) FROM event")[0][0])
        result["kinds_after_copy"] = dict(
            (kind, int(n)) for kind, n in pg.query("SELECT kind, COUNT(*) FROM outbox WHERE kind <> 'step.started' GROUP BY kind"))
        result["pending"] = int(pg.query("SELECT COUNT(*) FROM outbox WHERE status <> 'delivered'")[0][0])
        result["registered_twice"] = int(pg.query(
            "SELECT COUNT(*) FROM (SELECT initiative FROM event WHERE kind = 'initiative.registered' "
            "GROUP BY initiative HAVING COUNT(*) > 1) AS twice")[0][0])
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--log", help=argparse.SUPPRESS)
    parser.add_argument("--hold", type=float, default=0.0, help="seconds the receiver takes per request (default 0)")
    parser.add_argument("--cxd", help="the cxd binary")
    parser.add_argument("--workdir", default="/tmp/cxd-cluster", help="scratch folder (emptied)")
    parser.add_argument("--messages", type=int, default=5000, help="messages in the burst (default 5000)")
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--lease", default="10s", help="cluster.claim_lease (default 10s)")
    parser.add_argument("--heartbeat", default="1s", help="cluster.heartbeat (default 1s; cxd's own default is 2s)")
    parser.add_argument("--outage", type=float, default=30.0, help="seconds the database is away (outage)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds the burst may take")
    parser.add_argument("--nice", type=int, default=0,
                        help="lower the priority of the scenario (nodes, database, receiver) by this much")
    parser.add_argument("scenario", nargs="?", choices=["burst", "drain", "failover", "outage", "copy"])
    args = parser.parse_args()
    # A test runner may start us with signals blocked; its children (the receiver, the nodes,
    # the database) must hear SIGTERM.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    if args.nice:
        os.nice(args.nice)
    if args.serve:
        serve(args.serve, args.log, args.hold)
        return
    if not args.cxd or not args.scenario:
        parser.error("--cxd and a scenario are required")
    # A process group of our own: the watchdog stops it whole, and nothing beyond it.
    if os.getpgrp() != os.getpid():
        os.setpgrp()
    args.cxd = os.path.abspath(args.cxd)
    if args.scenario == "burst":
        result = scenario(args, args.nodes)
    elif args.scenario == "drain":
        result = drain_scenario(args)
    elif args.scenario == "failover":
        result = scenario(args, 3, kill_leader=True)
    elif args.scenario == "outage":
        result = scenario(args, 2, outage=args.outage)
    else:
        result = copy_scenario(args)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
