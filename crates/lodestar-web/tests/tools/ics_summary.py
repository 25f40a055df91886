#!/usr/bin/env python3
"""Reads one iCalendar object on stdin with Python's `icalendar` (an independent parser of
what Lodestar writes) and prints what the tests check, as JSON:

{"method": "REQUEST" | null, "events": [{"uid", "sequence", "organizer", "organizer_cn",
 "attendees": [{"email", "cn", "role", "partstat", "rsvp"}], "dtstart", "dtend", "status",
 "summary", "description", "location", "url"}]}

Times are ISO 8601 in UTC. Exits non-zero if the text does not parse.
"""
import json
import sys

import icalendar


def text(value):
    return None if value is None else str(value)


def mail(value):
    value = text(value)
    if value and value.lower().startswith("mailto:"):
        return value[len("mailto:"):]
    return value


def when(value):
    if value is None:
        return None
    dt = value.dt
    return dt.isoformat()


def main():
    cal = icalendar.Calendar.from_ical(sys.stdin.read())
    events = []
    for ev in cal.walk("VEVENT"):
        attendees = ev.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        organizer = ev.get("ORGANIZER")
        events.append({
            "uid": text(ev.get("UID")),
            "sequence": int(ev.get("SEQUENCE", 0)),
            "organizer": mail(organizer),
            "organizer_cn": text(organizer.params.get("CN")) if organizer is not None else None,
            "attendees": [{
                "email": mail(a),
                "cn": text(a.params.get("CN")),
                "role": text(a.params.get("ROLE")),
                "partstat": text(a.params.get("PARTSTAT")),
                "rsvp": text(a.params.get("RSVP")),
            } for a in attendees],
            "dtstart": when(ev.get("DTSTART")),
            "dtend": when(ev.get("DTEND")),
            "status": text(ev.get("STATUS")),
            "summary": text(ev.get("SUMMARY")),
            "description": text(ev.get("DESCRIPTION")),
            "location": text(ev.get("LOCATION")),
            "url": text(ev.get("URL")),
        })
    print(json.dumps({"method": text(cal.get("METHOD")), "events": events}))


if __name__ == "__main__":
    main()
