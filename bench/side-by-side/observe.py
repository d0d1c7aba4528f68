#!/usr/bin/env python3
"""Passive MUC observers for the side-by-side benchmark (Python standard library only).

Each observer is an ordinary XMPP account that joins one room as a member and never sends.
It reads every groupchat message of its room and takes, from the body, the send time that
tsung wrote there (`stamped="true"`: "@@@<node hash>,<Mega>;<Secs>;<Micro>@@@" followed by
padding, from erlang:timestamp() on tsung's VM; this machine's wall clock, as time.time()
here). The time of arrival is taken when the bytes come off the socket, before parsing.

While the observers listen, a thread samples the server's /proc/PID/stat and status every
250 ms (CPU time and RSS), as xerrada-bench does for Xerrada.

They stop when, at least --min-secs after the first delivery, nothing has arrived for
--quiet-secs (the server has delivered all it will), or --max-secs after the first delivery.
The result is one JSON object on --out.

Written against the raw protocol with expat rather than with slixmpp: no package to install,
and a C parser costs the shared 2 cores less than a full client library would.
"""

import argparse
import base64
import json
import os
import re
import socket
import sys
import threading
import time
import xml.parsers.expat

STAMP = re.compile(r"@@@[^,@]+,(\d+);(\d+);(\d+)@@@")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Stream:
    """One XML stream, parsed incrementally: complete top-level stanzas as small trees."""

    def __init__(self):
        self.parser = xml.parsers.expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.depth = 0
        self.stack = []
        self.stanzas = []
        self.closed = False

    def _start(self, name, attrs):
        self.depth += 1
        if self.depth == 1:
            return
        node = {"name": name, "attrs": attrs, "children": [], "text": []}
        if self.stack:
            self.stack[-1]["children"].append(node)
        self.stack.append(node)

    def _end(self, _name):
        if self.depth == 1:
            self.closed = True
        elif self.depth >= 2:
            node = self.stack.pop()
            if self.depth == 2:
                self.stanzas.append(node)
        self.depth -= 1

    def _text(self, data):
        if self.stack:
            self.stack[-1]["text"].append(data)

    def feed(self, data):
        self.parser.Parse(data, False)
        out, self.stanzas = self.stanzas, []
        return out


def child(node, name):
    for c in node["children"]:
        if c["name"] == name or c["name"].endswith(":" + name):
            return c
    return None


def text(node):
    return "".join(node["text"]) if node else ""


class Observer(threading.Thread):
    def __init__(self, spec, args, shared):
        super().__init__(daemon=True)
        self.user, self.password, self.room, self.nick = spec.split(":")
        self.args = args
        self.shared = shared
        self.sock = None
        self.stream = None
        self.pending = []
        self.joined = threading.Event()
        self.error = None
        self.count = 0
        self.latencies = []
        self.first_stamp = None
        self.last_stamp = None
        self.other = 0
        self.senders = {}

    # -- the connection --------------------------------------------------------------------
    def _open_stream(self):
        self.stream = Stream()
        self.sock.sendall(
            (
                "<?xml version='1.0'?><stream:stream to='%s' xmlns='jabber:client' "
                "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
                % self.args.domain
            ).encode()
        )

    def _next(self, deadline):
        """The next stanza (or None at the deadline)."""
        while not self.pending:
            if time.time() > deadline:
                return None
            self.sock.settimeout(max(0.05, deadline - time.time()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise ConnectionError("closed by the server")
            self.pending.extend(self.stream.feed(data))
        return self.pending.pop(0)

    def _wait_for(self, wanted, deadline, what):
        while True:
            stanza = self._next(deadline)
            if stanza is None:
                raise TimeoutError("no %s" % what)
            if wanted(stanza):
                return stanza
            if stanza["name"] in ("failure", "stream:error"):
                raise ConnectionError("%s: %s" % (what, stanza))

    def _login_and_join(self):
        deadline = time.time() + 60
        self.sock = socket.create_connection((self.args.host, self.args.port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._open_stream()
        self._wait_for(lambda s: s["name"] == "stream:features", deadline, "stream features")
        token = base64.b64encode(("\0%s\0%s" % (self.user, self.password)).encode()).decode()
        self.sock.sendall(
            (
                "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>%s</auth>"
                % token
            ).encode()
        )
        self._wait_for(lambda s: s["name"] == "success", deadline, "SASL success")
        self._open_stream()
        self._wait_for(lambda s: s["name"] == "stream:features", deadline, "features after SASL")
        self.sock.sendall(
            b"<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
            b"<resource>observer</resource></bind></iq>"
        )
        self._wait_for(
            lambda s: s["name"] == "iq" and s["attrs"].get("id") == "bind1", deadline, "bind"
        )
        occupant = "%s@%s/%s" % (self.room, self.args.muc, self.nick)
        # No history: the room is empty before the run anyway.
        self.sock.sendall(
            (
                "<presence to='%s'><x xmlns='http://jabber.org/protocol/muc'>"
                "<history maxstanzas='0'/></x></presence>" % occupant
            ).encode()
        )

        def self_presence(s):
            if s["name"] != "presence" or s["attrs"].get("from") != occupant:
                return False
            if s["attrs"].get("type") == "error":
                raise ConnectionError("join refused: %s" % s)
            return True

        self._wait_for(self_presence, deadline, "the room's self-presence")

    # -- the run -----------------------------------------------------------------------------
    def _take(self, stanza, now):
        if stanza["name"] != "message" or stanza["attrs"].get("type") != "groupchat":
            self.other += 1
            return
        match = STAMP.search(text(child(stanza, "body")))
        if not match:
            self.other += 1
            return
        mega, secs, micro = (int(g) for g in match.groups())
        sent_at = mega * 1_000_000 + secs + micro / 1_000_000
        self.count += 1
        sender = stanza["attrs"].get("from", "").rpartition("/")[2]
        self.senders[sender] = self.senders.get(sender, 0) + 1
        self.latencies.append(now - sent_at)
        if self.first_stamp is None or sent_at < self.first_stamp:
            self.first_stamp = sent_at
        if self.last_stamp is None or sent_at > self.last_stamp:
            self.last_stamp = sent_at
        self.shared.delivered(now)

    def run(self):
        try:
            self._login_and_join()
        except Exception as e:  # reported by the main thread
            self.error = "%s: %s" % (self.nick, e)
            self.joined.set()
            return
        self.joined.set()
        # From here on, whatever was parsed with the join already is taken as it came.
        now = time.time()
        for stanza in self.pending:
            self._take(stanza, now)
        self.pending = []
        self.sock.settimeout(0.25)
        while not self.shared.stop.is_set():
            try:
                data = self.sock.recv(262144)
            except socket.timeout:
                continue
            except OSError as e:
                self.error = "%s: %s" % (self.nick, e)
                return
            now = time.time()
            if not data:
                self.error = "%s: the server closed the connection" % self.nick
                return
            for stanza in self.stream.feed(data):
                self._take(stanza, now)
        try:
            self.sock.sendall(b"</stream:stream>")
            self.sock.close()
        except OSError:
            pass


class Shared:
    def __init__(self):
        self.lock = threading.Lock()
        self.first = None
        self.last = None
        self.stop = threading.Event()

    def delivered(self, now):
        with self.lock:
            if self.first is None:
                self.first = now
            self.last = now


def proc_sample(pid):
    """(wall time, CPU seconds, RSS bytes) of a process, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        rss = 0
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
        return (time.time(), cpu, rss)
    except (OSError, ValueError, IndexError):
        return None


def machine_busy():
    """(wall time, busy CPU seconds of the whole machine, all cores) from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (time.time(), (sum(fields[:8]) - idle) / CLOCK_TICKS)


def sampler(pid, samples, machine, stop):
    while not stop.is_set():
        s = proc_sample(pid)
        if s:
            samples.append(s)
        machine.append(machine_busy())
        stop.wait(0.25)


def percentile(sorted_values, q):
    """Nearest rank, as HDR histograms report it."""
    if not sorted_values:
        return None
    rank = max(1, int(-(-q * len(sorted_values) // 1)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=5222)
    ap.add_argument("--domain", default="localhost")
    ap.add_argument("--muc", default="conference.localhost")
    ap.add_argument(
        "--observer", action="append", required=True, help="user:password:room:nick (repeat)"
    )
    ap.add_argument("--server-pid", type=int)
    ap.add_argument("--ready-file", required=True, help="created once every observer has joined")
    ap.add_argument("--out", required=True)
    ap.add_argument("--min-secs", type=float, default=30, help="after the first delivery")
    ap.add_argument("--max-secs", type=float, default=90, help="after the first delivery")
    ap.add_argument("--quiet-secs", type=float, default=5)
    ap.add_argument("--start-timeout", type=float, default=600)
    args = ap.parse_args()

    shared = Shared()
    observers = [Observer(spec, args, shared) for spec in args.observer]
    for o in observers:
        o.start()
    for o in observers:
        o.joined.wait(70)
    errors = [o.error for o in observers if o.error] + [
        "%s: not joined in time" % o.nick for o in observers if not o.joined.is_set()
    ]
    if errors:
        print("observers could not join: %s" % "; ".join(errors), file=sys.stderr)
        return 2

    samples, machine = [], []
    sampler_stop = threading.Event()
    threading.Thread(
        target=sampler, args=(args.server_pid or 0, samples, machine, sampler_stop), daemon=True
    ).start()
    with open(args.ready_file, "w") as f:
        f.write("ready\n")
    print("%d observers joined" % len(observers), file=sys.stderr)

    started = time.time()
    while True:
        time.sleep(0.2)
        now = time.time()
        with shared.lock:
            first, last = shared.first, shared.last
        if first is None:
            if now - started > args.start_timeout:
                break
            continue
        if now - first >= args.max_secs:
            break
        if now - first >= args.min_secs and now - last >= args.quiet_secs:
            break
    shared.stop.set()
    sampler_stop.set()
    for o in observers:
        o.join(2)

    latencies = sorted(l for o in observers for l in o.latencies)
    ms = lambda v: None if v is None else round(v * 1000, 3)
    stamps = [o.first_stamp for o in observers if o.first_stamp] + [
        o.last_stamp for o in observers if o.last_stamp
    ]
    result = {
        "observers": [
            {"nick": o.nick, "room": o.room, "received": o.count, "other_stanzas": o.other,
             "senders": len(o.senders), "per_sender": o.senders, "error": o.error}
            for o in observers
        ],
        "received": sum(o.count for o in observers),
        "first_delivery": shared.first,
        "last_delivery": shared.last,
        "first_send_stamp": min(stamps) if stamps else None,
        "last_send_stamp": max(stamps) if stamps else None,
        "delivery_latency": {
            "count": len(latencies),
            "p50_ms": ms(percentile(latencies, 0.50)),
            "p95_ms": ms(percentile(latencies, 0.95)),
            "p99_ms": ms(percentile(latencies, 0.99)),
            "max_ms": ms(latencies[-1] if latencies else None),
            "mean_ms": ms(sum(latencies) / len(latencies) if latencies else None),
        },
        "errors": [o.error for o in observers if o.error],
    }
    # The server's CPU over the same phase as xerrada-bench: from the first send to the last
    # delivery plus 2 s; its peak RSS over the whole observation.
    def busy_pct(series, start, end):
        inside = [s for s in series if start - 0.3 <= s[0] <= end + 0.3]
        if len(inside) < 2:
            return None
        a, b = inside[0], inside[-1]
        return round(100 * (b[1] - a[1]) / (b[0] - a[0]))

    if result["first_send_stamp"]:
        start = result["first_send_stamp"]
        end = (shared.last or start) + 2
        # 100 = one core; the machine's figure is over all its cores (200 = both of 2 busy).
        result["server_cpu_pct"] = busy_pct(samples, start, end)
        result["machine_cpu_pct"] = busy_pct(machine, start, end)
    result["observer_cpu_s"] = round(time.process_time(), 2)
    if samples:
        result["rss_before_mib"] = round(samples[0][2] / 1048576, 1)
        result["rss_peak_mib"] = round(max(s[2] for s in samples) / 1048576, 1)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
