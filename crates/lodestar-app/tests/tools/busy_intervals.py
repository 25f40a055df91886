"""The busy intervals of an .ics file as Python's icalendar and recurring-ical-events read
them, to check Lodestar's own reading against: events between FROM and TO (epoch ms), less
transparent and cancelled ones, floating times and dates in ZONE, overlaps merged. Prints
a JSON list of [start, end] in epoch ms.

    python3 busy_intervals.py FILE ZONE FROM_MS TO_MS
"""

import datetime
import json
import sys
import zoneinfo

import icalendar
import recurring_ical_events

path, zone, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
tz = zoneinfo.ZoneInfo(zone)
utc = datetime.timezone.utc
with open(path, "rb") as f:
    calendar = icalendar.Calendar.from_ical(f.read())


def ms(value):
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return int(value.timestamp() * 1000)


start = datetime.datetime.fromtimestamp(lo / 1000, utc)
end = datetime.datetime.fromtimestamp(hi / 1000, utc)
found = []
for event in recurring_ical_events.of(calendar).between(start, end):
    if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
        continue
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        continue
    begins = event["DTSTART"].dt
    if "DTEND" in event:
        ends = event["DTEND"].dt
    elif "DURATION" in event:
        ends = begins + event["DURATION"].dt
    else:
        ends = begins + datetime.timedelta(days=1)
    found.append((ms(begins), ms(ends)))
merged = []
for b, e in sorted(found):
    if merged and b <= merged[-1][1]:
        merged[-1][1] = max(merged[-1][1], e)
    else:
        merged.append([b, e])
print(json.dumps([m for m in merged if m[1] > lo and m[0] < hi]))
