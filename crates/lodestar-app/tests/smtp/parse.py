"""Reads the .eml files of a folder with Python's own e-mail parser and prints, as JSON, what
each holds: headers, parts, and the calendar object parsed by the icalendar package.

    python3 parse.py DIR
"""

import email
import email.policy
import json
import os
import sys

import icalendar


def calendar(text):
    cal = icalendar.Calendar.from_ical(text)
    events = []
    for event in cal.walk("VEVENT"):
        events.append({
            "uid": str(event.get("UID")),
            "summary": str(event.get("SUMMARY", "")),
            "sequence": int(event.get("SEQUENCE", 0)),
            "organizer": str(event.get("ORGANIZER", "")),
            "attendees": [str(a) for a in (event.get("ATTENDEE") if isinstance(event.get("ATTENDEE"), list) else [event.get("ATTENDEE")] if event.get("ATTENDEE") else [])],
            "start": event.decoded("DTSTART").isoformat(),
        })
    return {"method": str(cal.get("METHOD", "")), "events": events}


def describe(path):
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    parts = []
    for part in message.walk():
        if part.is_multipart():
            parts.append({"content_type": part.get_content_type()})
            continue
        entry = {
            "content_type": part.get_content_type(),
            "method": part.get_param("method"),
            "charset": part.get_content_charset(),
            "filename": part.get_filename(),
            "text": part.get_content() if part.get_content_maintype() == "text" else part.get_payload(decode=True).decode("utf-8"),
        }
        if part.get_content_type() in ("text/calendar", "application/ics"):
            entry["calendar"] = calendar(entry["text"])
        parts.append(entry)
    return {
        "file": os.path.basename(path),
        "subject": str(message["Subject"]),
        "from": str(message["From"]),
        "to": str(message["To"]),
        "message_id": str(message["Message-ID"]),
        "date": str(message["Date"]),
        "content_type": message.get_content_type(),
        "parts": parts,
    }


def main():
    folder = sys.argv[1]
    names = sorted(n for n in os.listdir(folder) if n.endswith(".eml"))
    json.dump([describe(os.path.join(folder, n)) for n in names], sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
