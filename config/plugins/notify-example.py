#!/usr/bin/env python3
"""Example cxd exec plugin: appends one readable line per notification to a log file.

cxd runs this program directly (no shell), writes the notification JSON on its standard
input (the same document the file notifier writes; see docs/notification.schema.json), and
reads the outcome from the exit status:

    0   delivered
    75  temporary failure (EX_TEMPFAIL): cxd retries later with backoff
    any other status: permanent failure; the end of stderr is kept in the outbox

Configure it in cxd.yaml:

    notifiers:
      example-plugin:
        type: exec
        path: plugins/notify-example.py
        timeout: 1m
        env:
          CXD_EXAMPLE_LOG: /var/log/cxd-plugin.log
"""
import json
import os
import sys

EX_TEMPFAIL = 75
EX_DATAERR = 65


def main() -> int:
    try:
        notification = json.load(sys.stdin)
    except json.JSONDecodeError as error:
        print(f"not a notification: {error}", file=sys.stderr)
        return EX_DATAERR
    recipient = notification.get("recipient", {})
    line = "{created} {kind} to {name} <{email}>: {subject}\n".format(
        created=notification.get("created_at", "?"),
        kind=notification.get("kind", "?"),
        name=recipient.get("name", "?"),
        email=recipient.get("email") or "no email",
        subject=notification.get("subject", ""),
    )
    path = os.environ.get("CXD_EXAMPLE_LOG", "cxd-plugin.log")
    try:
        with open(path, "a", encoding="utf-8") as log:
            log.write(line)
    except OSError as error:
        # The disk may be full or the folder not mounted yet: worth another try.
        print(f"cannot write {path}: {error}", file=sys.stderr)
        return EX_TEMPFAIL
    return 0


if __name__ == "__main__":
    sys.exit(main())
