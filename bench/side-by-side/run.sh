#!/usr/bin/env bash
# Side by side: the same group-chat workload against ejabberd 23.01 (MUC, every message
# archived by mod_mam in SQLite, driven over XMPP by tsung 1.7.0) and against Xerrada (driven
# by xerrada-bench), on this machine, one after the other. See README.md beside this file.
#
#   bench/side-by-side/run.sh                       # 500 and 1000 msg/s, 30 s each
#   RATES="20" DURATION=5 bench/side-by-side/run.sh # a quick try
#   bench/side-by-side/run.sh table /tmp/side-by-side.*/result-*.json  # print a table again
#
# Environment (all optional):
#   XERRADA_BIN, XERRADA_BENCH  release binaries (default target/release/xerrada{,-bench})
#   RATES="500 1000"            total messages per second over all rooms
#   DURATION=30                 seconds of sending
#   SYSTEMS="ejabberd xerrada"  which halves to run
#   USERS=200 ROOMS=10          USERS/ROOMS members per room (each user in one room)
#   OBSERVERS_PER_ROOM=1        ejabberd: members of each room that are passive observers
#   DRAIN=20                    seconds the tsung users stay in their rooms after their last send
#   XMPP_PORT=5222 HTTP_PORT=5280  ejabberd's listeners (127.0.0.1 only)
#   LOCK=/tmp/bench.lock        every measured run holds this lock (flock)
#   EJABBERD_ARCHIVE=sql        `none`: rooms without mod_mam archiving (to see what it costs)
#   WORK=...                    work dir (default: a new /tmp/side-by-side.XXXXXX, kept)
#   SKIP_INSTALL=1              do not apt-get anything
#
# Needs root (apt-get, and to run ejabberd as its own unprivileged user `ejabberd`).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XERRADA_BIN=${XERRADA_BIN:-$ROOT/target/release/xerrada}
XERRADA_BENCH=${XERRADA_BENCH:-$ROOT/target/release/xerrada-bench}
RATES=${RATES:-"500 1000"}
DURATION=${DURATION:-30}
SYSTEMS=${SYSTEMS:-"ejabberd xerrada"}
USERS=${USERS:-200}
ROOMS=${ROOMS:-10}
OBSERVERS_PER_ROOM=${OBSERVERS_PER_ROOM:-1}
DRAIN=${DRAIN:-20}
XMPP_PORT=${XMPP_PORT:-5222}
HTTP_PORT=${HTTP_PORT:-5280}
EJABBERD_ARCHIVE=${EJABBERD_ARCHIVE:-sql}
LOCK=${LOCK:-/tmp/bench.lock}
DOMAIN=localhost
MUC=conference.localhost
EJABBERD_NODE=sbs-ejabberd@localhost

log() { printf '[side-by-side %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Set-up: packages, work dir
# ---------------------------------------------------------------------------------------------

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install_packages() {
    local missing=()
    for p in ejabberd tsung erlang-p1-sqlite3 python3 curl iproute2; do
        installed "$p" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        [[ ${SKIP_INSTALL:-} == 1 ]] && die "missing packages: ${missing[*]} (SKIP_INSTALL=1)"
        log "apt-get install ${missing[*]}"
        # Keep the package's own ejabberd service from starting (it would take port 5222):
        # the standard policy-rc.d refusal, only while installing and only if there is none.
        local policy=/usr/sbin/policy-rc.d own_policy=0
        if [[ ! -e $policy ]]; then
            printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
        fi
        local ok=1
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}" >/dev/null || ok=0
        ((own_policy)) && rm -f "$policy"
        ((ok)) || die "apt-get install ${missing[*]} failed"
    fi
    local ev tv
    ev=$(dpkg-query -W -f='${Version}' ejabberd)
    tv=$(dpkg-query -W -f='${Version}' tsung)
    [[ $ev == 23.01* ]] || log "WARNING: ejabberd $ev, not 23.01 (figures may differ)"
    [[ $tv == 1.7.0* ]] || log "WARNING: tsung $tv, not 1.7.0"
    # A system ejabberd (started by the package on a machine with systemd) is stopped: this
    # script runs its own, from its own config, as the unprivileged user `ejabberd`.
    if command -v systemctl >/dev/null && systemctl is-active --quiet ejabberd 2>/dev/null; then
        log "stopping the system ejabberd service"
        systemctl stop ejabberd
    elif [[ -x /etc/init.d/ejabberd ]] && /etc/init.d/ejabberd status >/dev/null 2>&1; then
        log "stopping the system ejabberd service"
        /etc/init.d/ejabberd stop >/dev/null 2>&1 || true
    fi
}

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }

# ---------------------------------------------------------------------------------------------
# ejabberd: config, start, stop
# ---------------------------------------------------------------------------------------------

write_ejabberd_config() {
    local dir=$1
    mkdir -p "$dir/log" "$dir/spool"
    cat >"$dir/ejabberd.yml" <<EOF
# Written by bench/side-by-side/run.sh. Plain TCP on loopback (Xerrada's side is plain
# WebSocket on loopback too), no traffic shapers, everything else left at its default.
loglevel: ${EJABBERD_LOGLEVEL:-warning}
log_rotate_count: 0
hosts:
  - $DOMAIN
auth_method: internal
auth_password_format: plain
# Accounts, rosters and rooms in Mnesia (ejabberd's default); the message archive in SQLite.
default_db: mnesia
sql_type: sqlite
sql_database: "$dir/ejabberd.db"
sql_pool_size: 1
listen:
  -
    port: $XMPP_PORT
    ip: "127.0.0.1"
    module: ejabberd_c2s
    backlog: 1024
    max_stanza_size: 262144
    shaper: none
    access: c2s
    starttls: false
  -
    port: $HTTP_PORT
    ip: "127.0.0.1"
    module: ejabberd_http
    request_handlers:
      /api: mod_http_api
acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  c2s:
    allow: all
  muc_create:
    allow: local
api_permissions:
  "set-up from loopback":
    who:
      ip: 127.0.0.0/8
    what:
      - "*"
shaper_rules:
  max_user_sessions: 10
modules:
  mod_disco: {}
  mod_http_api: {}
  mod_roster: {}
  mod_mam:
    db_type: sql
    # No personal archives (there are no one-to-one messages here); rooms archive below.
    default: never
  mod_muc:
    access:
      - allow
    access_create: muc_create
    access_persistent: muc_create
    access_mam:
      - allow
    default_room_options:
      mam: $([[ $EJABBERD_ARCHIVE == sql ]] && echo true || echo false)
      persistent: true
  mod_muc_admin: {}
EOF
    cat >"$dir/ejabberdctl.cfg" <<EOF
ERLANG_NODE=$EJABBERD_NODE
POLL=true
ERL_MAX_PORTS=32000
ERL_PROCESSES=250000
EJABBERD_PID_PATH=$dir/ejabberd.pid
ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"
EJABBERD_BYPASS_WARNINGS=true
EOF
    cp /etc/ejabberd/inetrc "$dir/inetrc"
    chown -R ejabberd:ejabberd "$dir"
}

EJABBERD_PID=""

start_ejabberd() {
    local dir=$1
    port_free "$XMPP_PORT" || die "port $XMPP_PORT is taken"
    port_free "$HTTP_PORT" || die "port $HTTP_PORT is taken"
    write_ejabberd_config "$dir"
    # The package's launcher, as the package's unprivileged user, in the foreground (no
    # -detached), with every path in the work dir; HOME there too for the Erlang cookie.
    (cd "$dir" && exec runuser -u ejabberd -- env HOME="$dir" /usr/sbin/ejabberdctl \
        --config-dir "$dir" --config "$dir/ejabberd.yml" --ctl-config "$dir/ejabberdctl.cfg" \
        --logs "$dir/log" --spool "$dir/spool" foreground \
        >"$dir/log/console.log" 2>&1 </dev/null) &
    local i
    for ((i = 0; i < 120; i++)); do
        if [[ -s $dir/ejabberd.pid ]] && curl -sf -o /dev/null -X POST \
            "http://127.0.0.1:$HTTP_PORT/api/status" -d '{}'; then
            EJABBERD_PID=$(cat "$dir/ejabberd.pid")
            log "ejabberd $(dpkg-query -W -f='${Version}' ejabberd) up, pid $EJABBERD_PID"
            return 0
        fi
        sleep 0.5
    done
    tail -20 "$dir/log/console.log" "$dir/log/ejabberd.log" >&2 || true
    die "ejabberd did not start"
}

stop_ejabberd() {
    [[ -n $EJABBERD_PID ]] || return 0
    # SIGTERM makes the Erlang VM stop gracefully (init:stop/0).
    kill -TERM "$EJABBERD_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 60; i++)); do
        kill -0 "$EJABBERD_PID" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$EJABBERD_PID" 2>/dev/null; then
        kill -KILL "$EJABBERD_PID" 2>/dev/null || true
    fi
    EJABBERD_PID=""
}

api() { # api COMMAND JSON
    curl -sf -X POST "http://127.0.0.1:$HTTP_PORT/api/$1" -H 'Content-Type: application/json' \
        -d "$2"
}

# ---------------------------------------------------------------------------------------------
# One ejabberd run at one rate (called under the lock: run.sh __ejabberd RATE RESULT_JSON)
# ---------------------------------------------------------------------------------------------

ejabberd_run() {
    local rate=$1 result=$2
    local run
    run=$(mktemp -d "$WORK/ejabberd-$rate.XXXX")
    chmod 755 "$run"
    local size=$((USERS / ROOMS))
    local senders_per_room=$((size - OBSERVERS_PER_ROOM))
    local senders=$((senders_per_room * ROOMS))
    ((senders_per_room >= 1)) || die "OBSERVERS_PER_ROOM must be below the room size"

    trap 'stop_ejabberd; [[ -n ${OBS_PID:-} ]] && kill "$OBS_PID" 2>/dev/null; true' EXIT
    start_ejabberd "$run/ejabberd"

    # Accounts u0000.. (all USERS), rooms room01..; user k is in room (k mod ROOMS) + 1, so
    # each room gets USERS/ROOMS members; in each room the first OBSERVERS_PER_ROOM of them
    # are observers, the others are tsung's senders.
    local k room csv="$run/tsung-users.csv" observers=()
    for ((k = 1; k <= ROOMS; k++)); do
        api create_room "{\"name\":\"$(printf room%02d "$k")\",\"service\":\"$MUC\",\"host\":\"$DOMAIN\"}" \
            >/dev/null || die "create_room failed"
    done
    if [[ $EJABBERD_ARCHIVE == sql ]]; then
        api get_room_options "{\"name\":\"room01\",\"service\":\"$MUC\"}" |
            grep -q '"mam":"true"' || die "rooms are not archived (mam option)"
    fi
    # ejabberd opens its SQL connection on the first query; two rooms archiving their first
    # message at once then race, and one message is not archived. A query first avoids that.
    api delete_old_mam_messages '{"type":"all","days":3650}' >/dev/null ||
        die "the SQLite archive does not answer"
    : >"$csv"
    local -A in_room=()
    local sender_index=0 period loops
    # Each sender sends every `period` seconds, `loops` times; senders start evenly spread over
    # one period (the offset column), so that the total is a steady RATE msg/s.
    period=$(awk -v s="$senders" -v r="$rate" 'BEGIN { printf "%.4f", s / r }')
    loops=$(awk -v d="$DURATION" -v p="$period" 'BEGIN { n = int(d / p + 0.5); print (n < 1 ? 1 : n) }')
    for ((k = 0; k < USERS; k++)); do
        local user pass
        user=$(printf u%04d "$k")
        pass="pw-$user"
        room=$(printf room%02d $((k % ROOMS + 1)))
        api register "{\"user\":\"$user\",\"host\":\"$DOMAIN\",\"password\":\"$pass\"}" >/dev/null ||
            die "register $user failed"
        local n=${in_room[$room]:-0}
        in_room[$room]=$((n + 1))
        if ((n < OBSERVERS_PER_ROOM)); then
            observers+=(--observer "$user:$pass:$room:$user")
        else
            local offset
            offset=$(awk -v i="$sender_index" -v s="$senders" -v p="$period" \
                'BEGIN { printf "%.4f", p * i / s }')
            echo "$user;$pass;$room;$offset" >>"$csv"
            sender_index=$((sender_index + 1))
        fi
    done
    log "ejabberd @ $rate msg/s: $USERS users, $ROOMS rooms of $size ($senders tsung senders," \
        "$((ROOMS * OBSERVERS_PER_ROOM)) observers), each sender every ${period}s × $loops"

    # Observers first (they must be in the rooms before the first message).
    python3 "$HERE/observe.py" --port "$XMPP_PORT" --domain "$DOMAIN" --muc "$MUC" \
        "${observers[@]}" --server-pid "$EJABBERD_PID" --ready-file "$run/observers.ready" \
        --out "$run/observers.json" --min-secs "$DURATION" \
        --max-secs $((DURATION + DRAIN)) --quiet-secs 5 2>"$run/observers.log" &
    OBS_PID=$!
    local i
    for ((i = 0; i < 400; i++)); do
        [[ -e $run/observers.ready ]] && break
        kill -0 "$OBS_PID" 2>/dev/null || { cat "$run/observers.log" >&2; die "observers failed"; }
        sleep 0.2
    done
    [[ -e $run/observers.ready ]] || die "observers did not join"

    write_tsung_config "$run" "$senders" "$period" "$loops"
    log "tsung: $senders users, then $((senders * loops)) messages"
    # Tsung keeps its state in $HOME/.tsung: point HOME at the run dir.
    # `times` afterwards: the CPU time tsung's VM used (its children's line).
    (cd "$run" && HOME="$run" tsung -n -f "$run/tsung.xml" -l "$run/tsung-log" start \
        >"$run/tsung.out" 2>&1 && times >"$run/tsung.times") ||
        { tail -20 "$run/tsung.out" >&2; die "tsung failed"; }
    wait "$OBS_PID" || die "observers failed (see $run/observers.log)"
    OBS_PID=""
    stop_ejabberd
    trap - EXIT

    local tsung_log
    tsung_log=$(find "$run/tsung-log" -name tsung.log | head -1)
    python3 - "$rate" "$run" "$tsung_log" "$senders" "$loops" "$size" "$OBSERVERS_PER_ROOM" \
        "$ROOMS" "$result" <<'EOF'
import json, os, sqlite3, sys
rate, run, tsung_log, senders, loops, size, per_room, rooms, out = sys.argv[1:]
senders, loops, size, per_room, rooms = map(int, (senders, loops, size, per_room, rooms))
obs = json.load(open(run + "/observers.json"))

# tsung.log, at each dump (every 10 s and at the end), per name: for samples
# "stats: NAME count mean stddev max min mean_before count_before" (this interval, then all
# intervals before it); for counters "stats: NAME this_interval total". The last line wins.
last = {}
for line in open(tsung_log):
    if line.startswith("stats: "):
        f = line.split()
        last[f[1]] = [float(x) for x in f[2:]]
def sample(name):
    """(count, mean, max) over the whole run."""
    v = last.get(name)
    if not v or len(v) < 7:
        return 0, None, None
    count = v[0] + v[6]
    mean = (v[0] * v[1] + v[6] * v[5]) / count if count else None
    return int(count), mean, v[3]

sent = sample("tr_chat")[0]
tsung_rcv, tsung_mean, tsung_max = sample("xmpp_msg_latency")
errors = {k: int(v[-1]) for k, v in last.items() if k.startswith("error")}
# A session whose socket was closed reconnects for its next request (unauthenticated, so what
# it sends then is lost): more connects than senders means some sender left its room.
connects = sample("connect")[0]
def cpu_seconds(path):
    try:
        user, system = open(path).read().splitlines()[1].split()
        secs = lambda t: int(t.split("m")[0]) * 60 + float(t.split("m")[1].rstrip("s"))
        return round(secs(user) + secs(system), 1)
    except (OSError, IndexError, ValueError):
        return None
reads = int(last.get("async_unknown_data_rcv", [0, 0])[-1])

# Every archived message is a row of `archive` (the room's bare JID as username).
try:
    db = sqlite3.connect("file:%s/ejabberd/ejabberd.db?mode=ro" % run, uri=True)
    archived = db.execute("select count(*) from archive").fetchone()[0]
except sqlite3.Error:
    archived = None
archive = os.environ.get("EJABBERD_ARCHIVE", "sql")

expected_obs = sent * per_room             # each message reaches every observer of its room
received = obs["received"]
completeness = received / expected_obs if expected_obs else 0.0
# The send window: every session starts sending within one period after the barrier (its
# offset), and sends `loops` times one period apart; so from the first send to one period
# after the last is the longest session's sending (tr_sending's max, in ms), which is
# loops x period when tsung keeps pace.
tr_sending = sample("tr_sending")
send_window = tr_sending[2] / 1000 if tr_sending[2] else None
# Deliveries go on after the last send when the server is behind: the delivery rate is taken
# from the first send to the last delivery the observers saw (or the send window if longer).
first_send, last_delivery = obs.get("first_send_stamp"), obs.get("last_delivery")
busy = max(send_window or 0, (last_delivery - first_send) if first_send and last_delivery else 0)
# Deliveries to every member (the sender gets its own message back: 20 per message), as
# measured on the observers' seats: what the observers got, times members / observers.
deliveries = received * size / per_room
result = {
    "system": "ejabberd" if archive == "sql" else "ejabberd, no archive", "rate": int(rate),
    "loops": loops, "users": senders + rooms * per_room,
    "rooms": rooms, "members": size, "senders": senders,
    "sent": sent, "archived": archived,
    "send_window_s": round(send_window, 2) if send_window else None,
    "accepted_msgs_per_s": round(sent / send_window) if send_window else None,
    "deliveries": round(deliveries),
    "delivery_window_s": round(busy, 2),
    "deliveries_per_s": round(deliveries / busy) if busy else None,
    "expected_deliveries": sent * size,
    "completeness": completeness,
    "observed": {"received": received, "expected": expected_obs,
                 "observers": obs["observers"], "errors": obs["errors"]},
    "delivery_latency": obs["delivery_latency"],
    # tsung's own view from its seats: one latency sample per socket read that holds a
    # stamped message (several messages in one read count once): a lower bound.
    "tsung_seats": {"received_lower_bound": tsung_rcv,
                    "expected": sent * (size - per_room),
                    "socket_reads": reads,
                    "latency_mean_ms": tsung_mean, "latency_max_ms": tsung_max},
    "tsung_errors": errors,
    "tsung_connects": connects,
    "senders_seen_per_room": [o["senders"] for o in obs["observers"]],
    "client_cpu_s": {"tsung": cpu_seconds(run + "/tsung.times"),
                     "observers": obs.get("observer_cpu_s")},
    "machine_cpu_pct": obs.get("machine_cpu_pct"),
    "server_cpu_pct": obs.get("server_cpu_pct"),
    "rss_before_mib": obs.get("rss_before_mib"),
    "rss_peak_mib": obs.get("rss_peak_mib"),
}
warnings = []
if connects > senders:
    warnings.append("%d tsung reconnects (a sender's socket was closed)" % (connects - senders))
expected_seen = size - per_room
short = sum(expected_seen - n for n in result["senders_seen_per_room"] if n < expected_seen)
if short:
    warnings.append("%d senders never heard in their room" % short)
if errors:
    warnings.append("tsung errors: %s" % errors)
if obs["errors"]:
    warnings.append("observer errors: %s" % obs["errors"])
result["warnings"] = warnings
json.dump(result, open(out, "w"), indent=2)
for w in warnings:
    print("WARNING: " + w, file=sys.stderr)
EOF
    log "ejabberd @ $rate msg/s: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("sent", r["sent"], "archived", r["archived"], "deliveries/s", r["deliveries_per_s"], "completeness %.4f" % r["completeness"], "p50", r["delivery_latency"]["p50_ms"], "ms")' "$result")"
}

write_tsung_config() {
    local run=$1 senders=$2 period=$3 loops=$4
    cat >"$run/tsung.xml" <<EOF
<?xml version="1.0"?>
<!DOCTYPE tsung SYSTEM "/usr/share/tsung/tsung-1.0.dtd">
<!-- Written by bench/side-by-side/run.sh -->
<tsung loglevel="warning" version="1.0" dumptraffic="${TSUNG_DUMP:-false}">
  <clients>
    <client host="localhost" use_controller_vm="true" maxusers="$((senders + 10))"/>
  </clients>
  <servers>
    <server host="127.0.0.1" port="$XMPP_PORT" type="tcp"/>
  </servers>
  <load>
    <arrivalphase phase="1" duration="30" unit="second">
      <users maxnumber="$senders" arrivalrate="50" unit="second"/>
    </arrivalphase>
  </load>
  <options>
    <!-- wait_global below: every session waits there until all $senders have joined -->
    <option type="ts_jabber" name="global_number" value="$senders"/>
    <option type="ts_jabber" name="userid_max" value="$senders"/>
    <option type="ts_jabber" name="domain" value="$DOMAIN"/>
    <option type="ts_jabber" name="muc_service" value="$MUC"/>
    <option name="file_server" id="users" value="$run/tsung-users.csv"/>
  </options>
  <sessions>
    <session probability="100" name="muc-sender" type="ts_jabber" bidi="true">
      <setdynvars sourcetype="file" fileid="users" delimiter=";" order="iter">
        <var name="user"/>
        <var name="pass"/>
        <var name="room"/>
        <var name="offset"/>
      </setdynvars>
      <!-- Each step waits for its own answer (ack="parse" with a regexp). With ack="local"
           any bytes do: when ejabberd sends the stream header and the features in two
           segments, tsung sends its auth before the features, the login steps overtake
           each other, and a few sessions (1 in 200, or so) never bind nor join. -->
      <request subst="true">
        <jabber type="connect" ack="parse" regexp="&lt;/stream:features&gt;">
          <xmpp_authenticate username="%%_user%%" passwd="%%_pass%%"/>
        </jabber>
      </request>
      <request><jabber type="auth_sasl" ack="parse" regexp="&lt;success"/></request>
      <request><jabber type="connect" ack="parse" regexp="&lt;/stream:features&gt;"/></request>
      <request><jabber type="auth_sasl_bind" ack="parse" regexp="&lt;/jid&gt;"/></request>
      <request><jabber type="auth_sasl_session" ack="parse" regexp="type=.result."/></request>
      <request><jabber type="presence:initial" ack="no_ack"/></request>
      <request subst="true">
        <!-- joined: the room's presence for this user, with status 110 ("this is you") -->
        <jabber type="muc:join" ack="parse" regexp="code=.110." room="%%_room%%" nick="%%_user%%"/>
      </request>
      <thinktime value="wait_global"/>
      <thinktime value="%%_offset%%"/>
      <!-- tr_sending: how long each session's sending took (its last period included) -->
      <transaction name="sending">
        <for from="1" to="$loops" var="i">
          <transaction name="chat">
            <!-- the body: "@@@node,Mega;Secs;Micro@@@" (the send time), padded to 48 bytes -->
            <request subst="true">
              <jabber type="muc:chat" ack="no_ack" stamped="true" size="48" room="%%_room%%"/>
            </request>
          </transaction>
          <thinktime value="$period" random="false"/>
        </for>
      </transaction>
      <!-- stay in the room (and keep reading) while the last messages are delivered -->
      <thinktime value="$DRAIN" random="false"/>
      <request><jabber type="close" ack="no_ack"/></request>
    </session>
  </sessions>
</tsung>
EOF
}

# ---------------------------------------------------------------------------------------------
# One Xerrada run at one rate (under the lock)
# ---------------------------------------------------------------------------------------------

xerrada_run() {
    local rate=$1 result=$2
    local size=$((USERS / ROOMS)) raw="$WORK/xerrada-$rate.json"
    log "xerrada @ $rate msg/s: $USERS users, $ROOMS channels of $size"
    # Exit status 1 means a correctness failure (kept in the JSON), not a failed run.
    "$XERRADA_BENCH" --spawn "$XERRADA_BIN" --json "$raw" fanout --users "$USERS" \
        --channels "$size:$ROOMS" --rate "$rate" --duration-secs "$DURATION" \
        >"$WORK/xerrada-$rate.out" 2>&1 || true
    [[ -s $raw ]] || { tail -20 "$WORK/xerrada-$rate.out" >&2; die "xerrada-bench failed"; }
    python3 - "$raw" "$rate" "$size" "$result" <<'EOF'
import json, sys
raw, rate, size, out = sys.argv[1:]
r = json.load(open(raw))
res, size = r["results"], int(size)
expected = res["acked"] * size   # every member, the sender included, gets each message
result = {
    "system": "xerrada", "rate": int(rate), "members": size,
    "sent": res["sent"], "archived": res["acked"],
    "accepted_msgs_per_s": res["accepted_msgs_per_s"],
    "deliveries": res["deliveries"], "deliveries_per_s": res["deliveries_per_s"],
    "expected_deliveries": expected,
    "completeness": res["deliveries"] / expected if expected else 0.0,
    "delivery_latency": res["delivery_latency"],
    "server_cpu_pct": res.get("server_cpu_pct"),
    "rss_before_mib": res.get("rss_before_mib"), "rss_peak_mib": res.get("rss_peak_mib"),
    "failures": r["failures"],
}
json.dump(result, open(out, "w"), indent=2)
EOF
}

# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------

print_table() {
    python3 - "$@" <<'EOF'
import json, sys
rows = [json.load(open(p)) for p in sys.argv[1:]]
def n(v, fmt="{:,.0f}"):
    return "–" if v is None else fmt.format(v)
def ms(v):
    if v is None: return "–"
    return "{:,.1f}".format(v) if v < 100 else "{:,.0f}".format(v)
print("| system | msg/s asked | msg/s sent | deliveries/s | completeness | p50 | p95 | p99 | max | server CPU | server RSS peak |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    lat = r["delivery_latency"]
    comp = r["completeness"]
    comp_s = "{:.2f} %".format(100 * comp) if comp < 0.99995 else "100 %"
    note = ""
    if r["system"].startswith("ejabberd"):
        note = " ¹"
    if r.get("warnings") or r.get("failures"):
        note += " ⚠"
    print("| {} | {} | {} | {} | {}{} | {} ms | {} ms | {} ms | {} ms | {} % | {} MiB |".format(
        r["system"], n(r["rate"]), n(r["accepted_msgs_per_s"]), n(r["deliveries_per_s"]),
        comp_s, note, ms(lat["p50_ms"]), ms(lat["p95_ms"]), ms(lat["p99_ms"]), ms(lat["max_ms"]),
        n(r.get("server_cpu_pct")), n(r.get("rss_peak_mib"), "{:,.1f}")))
EOF
}

# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

case ${1:-} in
__ejabberd) shift; ejabberd_run "$@"; exit 0 ;;
__xerrada) shift; xerrada_run "$@"; exit 0 ;;
table) shift; print_table "$@"; exit 0 ;; # run.sh table WORK/result-*.json: the table again
esac

[[ $(id -u) == 0 ]] || die "run as root (apt-get, and runuser to start ejabberd as its own user)"
WORK=${WORK:-$(mktemp -d /tmp/side-by-side.XXXXXX)}
mkdir -p "$WORK"
chmod 755 "$WORK"
export WORK XERRADA_BIN XERRADA_BENCH DURATION USERS ROOMS OBSERVERS_PER_ROOM DRAIN XMPP_PORT \
    HTTP_PORT LOCK EJABBERD_ARCHIVE
log "work dir $WORK"
((USERS % ROOMS == 0)) || die "USERS must be a multiple of ROOMS"

for s in $SYSTEMS; do
    case $s in
    ejabberd) install_packages ;;
    xerrada)
        command -v python3 >/dev/null || die "python3 is needed (apt-get install python3)"
        [[ -x $XERRADA_BIN ]] || die "no $XERRADA_BIN (cargo build --release -p xerrada-server)"
        [[ -x $XERRADA_BENCH ]] || die "no $XERRADA_BENCH (cargo build --release -p xerrada-bench)"
        ;;
    *) die "unknown system $s" ;;
    esac
done

results=()
for rate in $RATES; do
    for s in $SYSTEMS; do
        out="$WORK/result-$s-$rate.json"
        # Each measured run holds the machine's benchmark lock for its whole length.
        flock "$LOCK" bash "$HERE/run.sh" "__$s" "$rate" "$out"
        results+=("$out")
    done
done

table=$(print_table "${results[@]}")
{
    echo
    echo "$USERS users, $ROOMS rooms of $((USERS / ROOMS)), ${DURATION} s of sending; $(nproc) cores, $(date -u +%Y-%m-%d)"
    echo
    echo "$table"
    echo
    echo "¹ ejabberd: completeness and latency measured on the observers' seats" \
        "($OBSERVERS_PER_ROOM per room); deliveries = what they got × members / observers."
    if grep -q '⚠' <<<"$table"; then
        echo "⚠ not a clean run: see \"warnings\" (ejabberd) or \"failures\" (xerrada) in" \
            "$WORK/result-*.json"
    fi
} | tee "$WORK/table.md"
log "JSON results and logs in $WORK"
