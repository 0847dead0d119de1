#!/usr/bin/env python3
"""Parses iCalendar feeds with the `icalendar` package, independently of the server.

usage: check_calendar.py FEED.ics ...

Prints, per file, {"problems": [...], "events": [{"uid", "dtstart" (ISO 8601, UTC), "summary"}]}
as a JSON list. A problem is a structural fault: not a VCALENDAR, no VERSION 2.0 or PRODID, an
event without UID, DTSTAMP or DTSTART, a DTSTART without a time zone, two events with one UID.
"""
import datetime
import json
import sys

import icalendar


def check(path):
    problems, events = [], []
    with open(path, "rb") as f:
        data = f.read()
    if not data.endswith(b"\r\n"):
        problems.append("lines do not end in CRLF")
    for number, line in enumerate(data.split(b"\r\n"), 1):
        if len(line) > 75:
            problems.append(f"line {number} is longer than 75 octets (not folded)")
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as error:
        return {"problems": problems + [f"not iCalendar: {error}"], "events": events}
    if calendar.name != "VCALENDAR":
        problems.append(f"the top component is {calendar.name}, not VCALENDAR")
    if str(calendar.get("VERSION")) != "2.0":
        problems.append("VERSION is not 2.0")
    if not calendar.get("PRODID"):
        problems.append("no PRODID")
    seen = set()
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART"):
            if event.get(required) is None:
                problems.append(f"an event without {required}")
        uid = str(event.get("UID"))
        if uid in seen:
            problems.append(f"two events with UID {uid}")
        seen.add(uid)
        start = event.decoded("DTSTART")
        if not isinstance(start, datetime.datetime) or start.tzinfo is None:
            problems.append(f"event {uid}: DTSTART {start!r} is not a time with a time zone")
            continue
        events.append({
            "uid": uid,
            "dtstart": start.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "summary": str(event.get("SUMMARY")),
        })
    return {"problems": problems, "events": events}


if __name__ == "__main__":
    json.dump([check(path) for path in sys.argv[1:]], sys.stdout, indent=2, ensure_ascii=False)
