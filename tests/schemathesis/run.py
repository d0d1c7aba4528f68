#!/usr/bin/env python3
"""Fuzzes a real Xerrada server with schemathesis, from its own OpenAPI document.

Starts the server binary (SQLite, in a temporary data dir, rate limits off so that the
fuzzer measures behaviour, not its budget), makes the objects that the routes' paths name
(a channel, a message, a webhook, a bot, a ticket, ...), then runs `schemathesis run --checks
all` in both modes, once as a plain member and once as an admin. Routes that destroy what
later routes need get objects of their own. Exits non-zero when schemathesis finds anything.

    python3 tests/schemathesis/run.py --bin target/debug/xerrada --schemathesis .venv/bin/schemathesis
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ADMIN_PASSWORD = "fuzz-admin-password"
METRICS_TOKEN = "fuzz-metrics-token"
MEMBER_PASSWORD = "fuzz-member-password"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, token=None, body=None, headers=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text.startswith(("{", "[")) else text)
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{method} {path}: {error.code} {error.read().decode()}") from None

    def login(self, username, password):
        _, answer = self.call("POST", "/api/v1/auth/login", body={"username": username, "password": password})
        return answer["access_token"]


def make_fixtures(api):
    """Everything the paths name, made as the admin and a member (`marta`)."""
    admin = api.login("admin", ADMIN_PASSWORD)
    call = api.call
    _, department = call("POST", "/api/v1/departments", admin, {"slug": "tic", "name": "TIC"})
    _, marta = call("POST", "/api/v1/users", admin,
                    {"username": "marta", "display_name": "Marta", "password": MEMBER_PASSWORD,
                     "department_ids": [department["id"]]})
    _, target = call("POST", "/api/v1/users", admin,
                     {"username": "jordi", "display_name": "Jordi", "password": MEMBER_PASSWORD})
    member = api.login("marta", MEMBER_PASSWORD)

    def channel(name, owner=admin):
        _, made = call("POST", "/api/v1/channels", owner, {"name": name, "kind": "public"})
        if owner is admin:
            call("POST", f"/api/v1/channels/{made['id']}/join", member)
        return made["id"]

    main, to_leave, to_archive = channel("fuzz"), channel("fuzz-leave"), channel("fuzz-archive")

    def message(body):
        _, sent = call("POST", f"/api/v1/channels/{main}/messages", member, {"body": body})
        return sent

    root = message("el fil de proves")
    to_delete = message("un missatge per esborrar")
    call("POST", f"/api/v1/channels/{main}/messages", member, {"body": "resposta", "thread_root": root["seq"]})

    boundary = "xerradafuzz"
    upload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"nota.txt\"\r\n"
              f"Content-Type: text/plain\r\n\r\nuna nota\r\n--{boundary}--\r\n").encode()
    _, file = call("POST", "/api/v1/files", member, raw=upload,
                   headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    call("POST", f"/api/v1/channels/{main}/messages", member, {"body": "adjunt", "file_ids": [file["id"]]})

    def webhook(name):
        _, made = call("POST", f"/api/v1/channels/{main}/webhooks", member, {"name": name})
        return made

    hook, hook_to_delete, hook_to_regenerate = webhook("avisos"), webhook("esborrable"), webhook("renovable")
    _, bot = call("POST", "/api/v1/bots", admin, {"username": "fuzzbot", "display_name": "Fuzz"})
    _, spare_token = call("POST", f"/api/v1/bots/{bot['bot']['id']}/tokens", admin, {"label": "spare"})
    _, command = call("POST", "/api/v1/commands", admin,
                      {"name": "proves", "url": "http://127.0.0.1:9/command"})
    _, ticket = call("POST", "/api/v1/tickets", member, {"description": "la impressora no imprimeix"})
    for topic in ("wifi", "esborrable"):
        call("PUT", f"/api/v1/info/{topic}", admin, {"title": topic, "body": "com connectar-s'hi"})

    return {
        "channel": main, "channel_to_leave": to_leave, "channel_to_archive": to_archive,
        "message": root["id"], "root_seq": str(root["seq"]), "message_to_delete": to_delete["id"],
        "file": file["id"], "user": target["id"], "department": department["id"],
        "webhook": hook["id"], "webhook_secret": hook["url"].rsplit("/", 1)[-1],
        "webhook_to_delete": hook_to_delete["id"], "webhook_to_regenerate": hook_to_regenerate["id"],
        "bot": bot["bot"]["id"], "bot_token": spare_token["id"], "command": command["id"],
        "ticket": str(ticket["number"]), "member": marta["user"]["id"] if "user" in marta else marta["id"],
    }


def operations(f):
    """`(path regex, method or None, parameters)`: the objects each route's path names."""
    c = r"^/api/v1/channels/\{id\}"
    return [
        (c + r"/leave$", None, {"path.id": f["channel_to_leave"]}),
        (c + r"/(archive|unarchive)$", None, {"path.id": f["channel_to_archive"]}),
        (c + r"/messages/\{message_id\}$", "DELETE",
         {"path.id": f["channel"], "path.message_id": f["message_to_delete"]}),
        (c + r"/messages/\{message_id\}$", "PATCH", {"path.id": f["channel"], "path.message_id": f["message"]}),
        (c + r"/messages/\{message_id\}/reactions/\{emoji\}$", None,
         {"path.id": f["channel"], "path.message_id": f["message"], "path.emoji": ":thumbsup:"}),
        (c + r"/messages/\{message_id\}/actions$", None, {"path.id": f["channel"], "path.message_id": f["message"]}),
        (c + r"/pins/\{message_id\}$", None, {"path.id": f["channel"], "path.message_id": f["message"]}),
        (c + r"/threads/\{root_seq\}(/.*)?$", None, {"path.id": f["channel"], "path.root_seq": f["root_seq"]}),
        (c + r"/members/\{user_id\}$", None, {"path.id": f["channel"], "path.user_id": f["user"]}),
        (c + r"(/(messages|events|unread|members|mute|join|webhooks|commands|pins))?$", None,
         {"path.id": f["channel"]}),
        (r"^/api/v1/saved/\{message_id\}$", None, {"path.message_id": f["message"]}),
        (r"^/api/v1/files/\{id\}(/thumbnail)?$", None, {"path.id": f["file"]}),
        (r"^/api/v1/users/\{id\}(/.*)?$", None, {"path.id": f["user"]}),
        (r"^/api/v1/departments/\{id\}/members/\{user_id\}$", None,
         {"path.id": f["department"], "path.user_id": f["user"]}),
        (r"^/api/v1/departments/\{id\}(/members)?$", None, {"path.id": f["department"]}),
        (r"^/api/v1/webhooks/\{id\}$", "DELETE", {"path.id": f["webhook_to_delete"]}),
        (r"^/api/v1/webhooks/\{id\}/regenerate$", None, {"path.id": f["webhook_to_regenerate"]}),
        (r"^/api/v1/webhooks/\{id\}$", "PATCH", {"path.id": f["webhook"]}),
        (r"^/api/v1/webhooks/\{id\}/take-over$", None, {"path.id": f["webhook"]}),
        (r"^/hooks/\{secret\}$", None, {"path.secret": f["webhook_secret"]}),
        (r"^/api/v1/bots/\{id\}/tokens/\{token_id\}$", None, {"path.id": f["bot"], "path.token_id": f["bot_token"]}),
        (r"^/api/v1/bots/\{id\}(/.*)?$", None, {"path.id": f["bot"]}),
        (r"^/api/v1/commands/\{id\}$", None, {"path.id": f["command"]}),
        (r"^/api/v1/tickets/\{number\}$", None, {"path.number": f["ticket"]}),
        (r"^/api/v1/info/\{topic\}$", "DELETE", {"path.topic": "esborrable"}),
        (r"^/api/v1/info/\{topic\}$", "PUT", {"path.topic": "wifi"}),
    ]


# Rules of a route that a JSON Schema cannot say: the fuzzer's valid data may break them, and
# the server then answers 400 with what to change. Each is checked by the e2e tests.
CROSS_FIELD_RULES = [
    # `around` goes alone, without `before` or `after`.
    (r"^/api/v1/channels/\{id\}/messages$", "GET"),
    # A cursor is one the server gave; a period's `from` comes before its `to`.
    (r"^/api/v1/search$", "GET"),
    (r"^/api/v1/audit$", "GET"),
    (r"^/api/v1/tickets/stats$", "GET"),
    (r"^/api/v1/threads$", "GET"),
    # A PATCH names at least one thing to change; a category is one the desk has.
    (r"^/api/v1/channels/\{id\}$", "PATCH"),
    (r"^/api/v1/tickets/\{number\}$", "PATCH"),
    (r"^/api/v1/tickets$", "POST"),
    # A webhook's payload has text, attachments or blocks to show.
    (r"^/hooks/\{secret\}$", "POST"),
    # An edit changes the body, the extras or both; a reply's root is a message of its
    # channel; a department, or a command's URL (http or https), is one that exists.
    (r"^/api/v1/channels/\{id\}/messages/\{message_id\}$", "PATCH"),
    (r"^/api/v1/channels/\{id\}/messages$", "POST"),
    (r"^/api/v1/channels$", "POST"),
    (r"^/api/v1/users$", "POST"),
    (r"^/api/v1/commands$", "POST"),
    # An emoji is one the server knows (a Unicode emoji or a :shortcode:); a support
    # department is one that exists.
    (r"^/api/v1/channels/\{id\}/messages/\{message_id\}/reactions/\{emoji\}$", "PUT"),
    (r"^/api/v1/channels/\{id\}/messages/\{message_id\}/reactions/\{emoji\}$", "DELETE"),
    (r"^/api/v1/admin/support$", "PUT"),
]


def name_regex(method, path_regex):
    """A regex of an operation's name ("POST /api/v1/tickets"): one filter that needs both
    the method and the path (an entry's separate `include-*` keys match either)."""
    return "^" + (method or "[A-Z]+") + " " + path_regex.lstrip("^")


def toml_string(value):
    return json.dumps(value)


def config(f, token):
    """A schemathesis.toml: the caller's token, and each route's objects."""
    lines = [
        "[headers]",
        f"Authorization = {toml_string('Bearer ' + token)}",
        "",
    ]
    for regex, method, parameters in operations(f):
        lines.append("[[operations]]")
        lines.append(f"include-name-regex = {toml_string(name_regex(method, regex))}")
        lines.append("parameters = { " + ", ".join(
            f"{toml_string(k)} = {toml_string(v)}" for k, v in parameters.items()) + " }")
        lines.append("")
    lines += [
        "[[operations]]",
        'include-path = "/metrics"',
        f"headers = {{ Authorization = {toml_string('Bearer ' + METRICS_TOKEN)} }}",
        "",
    ]
    for regex, method in CROSS_FIELD_RULES:
        lines += [
            "[[operations]]",
            f"include-name-regex = {toml_string(name_regex(method, regex))}",
            'checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409"]',
            "",
        ]
    # The stateful phase follows links it infers from paths, and counts a 404 of a nested
    # path (a member not in the channel, a file with no preview, a deleted message's pin) as
    # the parent it created (the channel, the file) being missing. Nested routes answer 404
    # for the nested object by design, so that check is off; the others stay on.
    lines += [
        "[checks.ensure_resource_availability]",
        "enabled = false",
        "",
    ]
    # For some negative cases of the upload form (no `file`, another member), schemathesis
    # still sends one well-formed part named "file", which the server rightly stores.
    lines += [
        "[[operations]]",
        f"include-name-regex = {toml_string(name_regex('POST', '^/api/v1/files$'))}",
        "checks.negative_data_rejection.enabled = false",
        "",
    ]
    # Too large is refused with 413 (the v1 contract's `too_large`).
    lines += [
        "[checks.negative_data_rejection]",
        'expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]',
        "",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the xerrada server binary")
    parser.add_argument("--schemathesis", required=True, help="the schemathesis executable")
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--extra", action="append", default=[],
                        help="one more argument for schemathesis run (repeatable)")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="xerrada-fuzz-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(os.path.join(work, "xerrada.toml"), "w") as file:
        file.write(f"[rate_limits]\nenabled = false\n\n[metrics]\ntoken = \"{METRICS_TOKEN}\"\n")
    env = dict(os.environ, XERRADA_ADMIN_PASSWORD=ADMIN_PASSWORD, RUST_LOG="warn")
    log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen(
        [args.bin, "--config", os.path.join(work, "xerrada.toml"), "--data-dir", os.path.join(work, "data"),
         "--bind", f"127.0.0.1:{port}", "serve"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        api = Api(base)
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        fixtures = make_fixtures(api)
        failed = False
        for username, password in (("marta", MEMBER_PASSWORD), ("admin", ADMIN_PASSWORD)):
            token = api.login(username, password)
            config_path = os.path.join(work, f"schemathesis-{username}.toml")
            with open(config_path, "w") as file:
                file.write(config(fixtures, token))
            command = [
                args.schemathesis, "--config-file", config_path, "run", base + "/api/v1/openapi.json",
                "--checks", "all", "--mode", "all", "--max-examples", str(args.max_examples),
                # Logging out would end the session the rest of the run uses; the WebSocket
                # is not HTTP past its upgrade (the e2e suite covers it).
                "--exclude-path", "/api/v1/auth/logout",
                "--exclude-path", "/api/v1/ws",
                "--no-color", "--request-timeout", "20",
            ]
            command += args.extra
            if args.seed is not None:
                command += ["--seed", str(args.seed)]
            print(f"\n=== schemathesis as {username}", flush=True)
            code = subprocess.call(command, cwd=work)
            if code != 0:
                print(f"schemathesis as {username} exited with {code}", flush=True)
                failed = True
        if server.poll() is not None:
            print("the server stopped during the run", flush=True)
            failed = True
        return 1 if failed else 0
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
        print(f"server log: {os.path.join(work, 'server.log')}")


if __name__ == "__main__":
    sys.exit(main())
