"""Parses the .eml files an smtp_server.py folder holds and prints them as a JSON list."""
import email
import email.policy
import email.utils
import glob
import json
import os
import sys


def describe(path):
    with open(path, "rb") as handle:
        raw = handle.read()
    with open(path, "rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    from_name, from_address = email.utils.parseaddr(str(message["From"]))
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    with open(path[:-4] + ".json") as handle:
        envelope = json.load(handle)
    return {
        "subject": str(message["Subject"]),
        "from_name": from_name,
        "from_address": from_address,
        "to": [address for _, address in email.utils.getaddresses([str(value) for value in message.get_all("To", [])])],
        "cc": [address for _, address in email.utils.getaddresses([str(value) for value in message.get_all("Cc", [])])],
        "reply_to": str(message["Reply-To"] or ""),
        "message_id": str(message["Message-ID"]),
        "date": str(message["Date"]),
        "date_valid": message["Date"] is not None and message["Date"].datetime is not None,
        "content_type": message.get_content_type(),
        "part_types": [part.get_content_type() for part in message.iter_parts()] if message.is_multipart() else [],
        "text": text.get_content() if text is not None else None,
        "html": html.get_content() if html is not None else None,
        "longest_line": max(len(line) for line in raw.split(b"\r\n")),
        "defects": len(message.defects),
        "envelope": envelope,
    }


def main():
    paths = sorted(glob.glob(os.path.join(sys.argv[1], "*.eml")))
    print(json.dumps([describe(path) for path in paths], ensure_ascii=False))


if __name__ == "__main__":
    main()
