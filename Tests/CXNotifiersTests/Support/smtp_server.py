"""A throw-away SMTP server (aiosmtpd) for the email notifier tests.

Listens on 127.0.0.1 on a free port, prints the port as the first line of stdout once it
accepts connections, and writes every message it accepts into --out as NNN.eml plus NNN.json
(envelope, session number, whether the session was encrypted). `sessions.txt` holds the
number of connections so far. Stops when stdin closes or after --lifetime seconds.
"""
import argparse
import asyncio
import json
import os
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult


def parse_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["plain", "starttls", "implicit"], default="plain")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--out", required=True)
    parser.add_argument("--user", help="require AUTH with this user; the password is in $SMTP_TEST_PASSWORD")
    parser.add_argument("--exclude-auth", action="append", default=[], help="do not offer this AUTH mechanism")
    parser.add_argument("--reject", action="append", default=[], help="CODE:address, e.g. 451:later@example.com")
    parser.add_argument("--lifetime", type=float, default=60)
    return parser.parse_args()


class Recorder:
    def __init__(self, out, rejections):
        self.out = out
        self.rejections = rejections
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.rejections.get(address.lower())
        if code == 451:
            return "451 4.3.0 mailbox busy, try again later"
        if code is not None:
            return f"{code} 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.out, f"{self.count:03d}")
        with open(base + ".eml", "wb") as handle:
            handle.write(envelope.original_content)
        with open(base + ".json", "w") as handle:
            json.dump({
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "session": getattr(session, "number", 0),
                "tls": session.encrypted,
                "authenticated": bool(session.authenticated),
            }, handle)
        return "250 OK queued"


def main():
    arguments = parse_arguments()
    os.makedirs(arguments.out, exist_ok=True)
    rejections = {}
    for item in arguments.reject:
        code, _, address = item.partition(":")
        rejections[address.lower()] = int(code)
    recorder = Recorder(arguments.out, rejections)
    context = None
    if arguments.mode in ("starttls", "implicit"):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(arguments.cert, arguments.key)

    password = os.environ.get("SMTP_TEST_PASSWORD", "")

    def authenticate(server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode() if isinstance(auth_data.login, bytes) else auth_data.login
        secret = auth_data.password.decode() if isinstance(auth_data.password, bytes) else auth_data.password
        # handled=False: aiosmtpd then answers 535 itself (the default handled=True leaves the client waiting).
        return AuthResult(success=login == arguments.user and secret == password, handled=False)

    sessions = {"count": 0}

    class CountingSMTP(SMTP):
        def connection_made(self, transport):
            first = self.transport is None
            super().connection_made(transport)
            if first:  # not the STARTTLS upgrade of a connection already counted
                sessions["count"] += 1
                self.number = sessions["count"]
                with open(os.path.join(arguments.out, "sessions.txt"), "w") as handle:
                    handle.write(str(sessions["count"]))
            self.session.number = self.number
            self.session.encrypted = transport.get_extra_info("ssl_object") is not None

    def factory():
        options = dict(hostname="test.invalid", decode_data=False)
        if arguments.mode == "starttls":
            options.update(tls_context=context, require_starttls=True)
        if arguments.user:
            options.update(
                authenticator=authenticate, auth_required=True,
                auth_require_tls=arguments.mode == "starttls",
                auth_exclude_mechanism=arguments.exclude_auth)
        return CountingSMTP(recorder, **options)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        factory, host="127.0.0.1", port=0, ssl=context if arguments.mode == "implicit" else None))
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)

    def watch_stdin():
        sys.stdin.buffer.read()
        loop.call_soon_threadsafe(loop.stop)

    threading.Thread(target=watch_stdin, daemon=True).start()
    loop.call_later(arguments.lifetime, loop.stop)
    loop.run_forever()
    os._exit(0)


if __name__ == "__main__":
    main()
