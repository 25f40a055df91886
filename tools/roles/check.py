#!/usr/bin/env python3
"""Check crates/lodestar-app/seed/roles.json against seed/skills.json.

Standard library only. Run from anywhere:

    python3 tools/roles/check.py [ROLES_JSON] [SKILLS_JSON]

Exits non-zero and lists every problem found; otherwise prints a summary.
"""

import collections
import json
import re
import sys
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "crates" / "lodestar-app" / "seed"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SOURCE_KEYS = {"name", "version", "licence", "attribution", "url"}
ROLE_KEYS = {"slug", "title", "esco_uri", "description", "skills"}
ATTRIBUTION = "This service uses the ESCO classification of the European Commission."


def main():
    roles_path = Path(sys.argv[1]) if len(sys.argv) > 1 else SEED / "roles.json"
    skills_path = Path(sys.argv[2]) if len(sys.argv) > 2 else SEED / "skills.json"
    raw = roles_path.read_text(encoding="utf-8")
    doc = json.loads(raw)
    skills = {s["slug"]: s for s in json.loads(skills_path.read_text(encoding="utf-8"))}
    errors = []

    def err(msg):
        errors.append(msg)

    if json.dumps(doc, indent=2, ensure_ascii=False) + "\n" != raw:
        err("file is not pretty-printed with 2-space indent and a trailing newline")

    src = doc.get("source", {})
    if set(src) != SOURCE_KEYS:
        err(f"source keys {sorted(src)} != {sorted(SOURCE_KEYS)}")
    if src.get("attribution") != ATTRIBUTION:
        err("source.attribution is not the ESCO attribution line")
    if src.get("licence") != "CC BY 4.0":
        err("source.licence is not CC BY 4.0")

    roles = doc.get("roles", [])
    if not 60 <= len(roles) <= 120:
        err(f"{len(roles)} roles; expected 60-120")
    slugs = [r.get("slug") for r in roles]
    if slugs != sorted(slugs):
        err("roles are not sorted by slug")
    for s, n in collections.Counter(slugs).items():
        if n > 1:
            err(f"duplicate role slug {s!r}")
    uris = collections.Counter(r.get("esco_uri") for r in roles)
    for u, n in uris.items():
        if n > 1:
            err(f"ESCO URI used by {n} roles: {u}")

    levels = collections.Counter()
    used = collections.Counter()
    for r in roles:
        name = r.get("slug", "?")
        if set(r) != ROLE_KEYS:
            err(f"{name}: keys {sorted(r)} != {sorted(ROLE_KEYS)}")
        if not SLUG.match(name):
            err(f"{name}: slug is not lowercase-hyphenated")
        title = r.get("title", "")
        if not title or title[0] != title[0].upper():
            err(f"{name}: title {title!r} is not in sentence case")
        if not str(r.get("esco_uri", "")).startswith("http://data.europa.eu/esco/occupation/"):
            err(f"{name}: esco_uri is not an ESCO occupation URI")
        desc = r.get("description", "")
        if not desc or len(desc) > 300:
            err(f"{name}: description is empty or longer than 300 characters ({len(desc)})")
        rs = r.get("skills", [])
        if not 5 <= len(rs) <= 14:
            err(f"{name}: {len(rs)} skills; expected 5-14")
        seen = set()
        for s in rs:
            slug, lv = s.get("skill"), s.get("level")
            if set(s) != {"skill", "level"}:
                err(f"{name}: skill entry keys {sorted(s)}")
            if slug not in skills:
                err(f"{name}: unknown skill {slug!r}")
            if slug in seen:
                err(f"{name}: duplicate skill {slug!r}")
            seen.add(slug)
            if not isinstance(lv, int) or isinstance(lv, bool) or not 1 <= lv <= 5:
                err(f"{name}: {slug} level {lv!r} not an integer 1-5")
            levels[lv] += 1
            used[slug] += 1

    if errors:
        print(f"{roles_path}: {len(errors)} problem(s)", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        sys.exit(1)

    links = sum(levels.values())
    print(f"{roles_path.name}: OK")
    print(f"  source: {src['name']} {src['version']} ({src['licence']})")
    print(f"  roles: {len(roles)}; skill links: {links}; "
          f"skills per role: {min(len(r['skills']) for r in roles)}-{max(len(r['skills']) for r in roles)}, "
          f"mean {links / len(roles):.1f}")
    print("  levels: " + ", ".join(f"{k}: {levels[k]}" for k in sorted(levels)))
    by_cat = collections.Counter()
    for slug, n in used.items():
        by_cat[skills[slug]["category"]] += n
    print("  links by skill category: " + ", ".join(f"{c} {n}" for c, n in by_cat.most_common()))
    unused = sorted(set(skills) - set(used))
    print(f"  catalogue skills used: {len(used)}/{len(skills)}; unused: {', '.join(unused) or 'none'}")


if __name__ == "__main__":
    main()
