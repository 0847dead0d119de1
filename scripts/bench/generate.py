#!/usr/bin/env python3
"""Generate a cxd project of N initiatives for the whole-process benchmarks.

The project looks like the embedded example (config/cxd.yaml, config/people.yaml,
workflows/cx-eight-step.yaml, config/initiatives/*.yaml), only bigger:

- ``config/cxd.yaml``: the database in ``state/``, Asia/Ho_Chi_Minh, working hours
  08:30-17:30 Mon-Fri, a few holidays, a ``file`` notifier and ``routes: default: [log]``;
- ``config/people.yaml``: 50 people in three time zones (Asia/Ho_Chi_Minh, Europe/London,
  America/New_York); three directors without a manager, everyone else reports to someone,
  so that ``escalate: to: manager`` always has somebody to reach;
- ``workflows/cx-eight-step.yaml``: copied from the repository;
- ``config/initiatives/init-NNNNNN.yaml``: N initiatives modelled on the examples (goal,
  scope, journey with lanes, personas, touchpoints with owners, often a survey section),
  0.6-3 KB each, with roles bound to people and start dates spread from 12 months before
  to 2 months after the reference instant, so that initiatives are at every point of step 1
  (not started yet, running, due soon, overdue, escalated, exhausted).

Every initiative satisfies the ``requires:`` of step 1 (goal and scope), so ``cxd complete``
works on any of them.

``--overdue`` instead makes all N start on the same working day with a sponsor (the owner of
step 1) in Asia/Ho_Chi_Minh, so step 1 of all N falls due at the same instant (the end of the
fifth working day, 17:30 local) and the level-1 "overdue" reminders of all N come due at the
same instant (the start of the next working day, 08:30 local: reminders go out inside the
recipient's working hours).

The generator writes ``bench.json`` at the root of the project with the instants the
benchmark uses (all ISO 8601, UTC):

- ``register_at``: the first ``cxd run --once`` (registers every initiative);
- ``idle_at``: a little later, when nothing is due (a no-op evaluation);
- ``target``: an initiative that is overdue with reminders sent at ``register_at`` (for
  ``status ID``, ``complete``, ``ack``, ``snooze``);
- with ``--overdue``: ``deadline`` (step 1's due instant), ``overdue_at`` (the instant the
  overdue reminders come due; the benchmark runs at ``overdue_run_at``, one minute later, well
  inside ``downtime_grace`` so that they are queued one by one and not folded into a digest).
- ``prepare_at``: the instants at which to run ``cxd run --once`` before measuring: in the
  normal set two waves (four weeks before the reference, then the reference), so that
  initiatives sit at different points of step 1; with ``--overdue`` the registration before
  the start day's working hours (every step starts then), then one minute after each due-soon reminder, so
  that the only thing due at ``overdue_run_at`` is the overdue reminder of every initiative.

With ``--cxd BIN`` the generator checks its own arithmetic with ``cxd plan --initiative X
--json`` on one initiative (see ``verify_overdue``) and fails if cxd disagrees.

Python 3 standard library only; output is deterministic for a given ``--seed``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / "workflows" / "cx-eight-step.yaml"

HOME_ZONE = "Asia/Ho_Chi_Minh"
ZONES = [HOME_ZONE, "Europe/London", "America/New_York"]
WORK_START = dt.time(8, 30)
WORK_END = dt.time(17, 30)

# Vietnamese public holidays 2026-2027 and a few UK/US ones (cxd has one calendar).
HOLIDAYS = [
    "2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
    "2026-04-27", "2026-04-30", "2026-05-01", "2026-09-02", "2026-12-25",
    "2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11",
    "2027-04-16", "2027-04-30", "2027-05-01", "2027-09-02", "2027-12-25",
]

# The reference instant of the normal data set: Wednesday 10 March 2027, 10:07 in Ho Chi Minh
# City (03:07 UTC). Fixed, so that figures do not depend on the day the benchmark runs.
REFERENCE = dt.datetime(2027, 3, 10, 3, 7, tzinfo=dt.timezone.utc)

VI_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
VI_MIDDLE = ["Thị", "Văn", "Minh", "Quang", "Thu", "Ngọc", "Đức", "Hải"]
VI_GIVEN = ["Lan", "Hùng", "Mai", "Minh", "Thảo", "Tuấn", "Hương", "Nam", "Linh", "Phúc", "Trang", "Dũng",
            "Hà", "Khoa", "Vy", "Long", "An", "Bảo"]
EN_GIVEN = ["Sarah", "David", "Grace", "Priya", "Oliver", "Amelia", "James", "Chloe", "Noah", "Emma",
            "Liam", "Ava", "Ethan", "Mia", "Lucas", "Isla", "Ryan", "Zoe"]
EN_FAMILY = ["Collins", "Okafor", "Lee", "Raman", "Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans",
             "Patel", "Garcia", "Martin", "Clarke", "Walker", "Hughes"]

METRICS = [("NPS", (5, 30), (30, 55)), ("CSAT", (60, 78), (80, 92)), ("CES", (3.2, 4.5), (5.0, 6.2))]
AREAS = ["checkout", "onboarding", "support", "delivery", "returns", "billing", "loyalty", "store visit",
         "mobile app", "website search", "after-sales care", "booking"]
BRANCHES = ["Hà Nội", "Hồ Chí Minh", "Đà Nẵng", "Cần Thơ", "Hải Phòng", "London", "Manchester", "New York",
            "Boston", "Online"]
LABELS = ["retail", "salon", "saas", "support", "onboarding", "diem-ban", "ecommerce", "b2b", "mobile", "pilot"]
STAGE_SETS = [
    ["Awareness", "Research", "Store visit", "Purchase", "Aftercare", "Rebuy"],
    ["Problem", "Search help", "Contact", "Resolution", "Follow-up"],
    ["Sign-up", "First use", "Activation", "Adoption", "Renewal"],
    ["Nhận biết", "Tìm hiểu", "Trải nghiệm tại cửa hàng", "Mua hàng", "Chăm sóc sau bán", "Mua lại/Giới thiệu"],
]
CHANNELS = ["store", "website", "sms", "phone", "email", "chat", "social", "ads", "events", "helpdesk"]
EMOTIONS = ["positive", "neutral", "negative"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("directory", type=Path, help="project folder to create (must not exist, or be empty)")
    p.add_argument("--count", "-n", type=int, required=True, help="number of initiatives")
    p.add_argument("--overdue", action="store_true",
                   help="all initiatives start on the same working day, so step 1 falls overdue for "
                        "all at the same instant")
    p.add_argument("--seed", type=int, default=9, help="random seed (default: 9)")
    p.add_argument("--cxd", type=Path, help="a cxd binary: check the computed instants with `cxd plan`")
    p.add_argument("--force", action="store_true", help="delete DIRECTORY first if it exists")
    p.add_argument("--answers", type=int, default=0,
                   help="also write a surveyed initiative (survey-bench) and a CSV of this many answers for it "
                        "(answers.csv, and answers-refused.csv with a bad last row)")
    return p.parse_args(argv)


# --------------------------------------------------------------------------- calendar


def is_working_day(day: dt.date) -> bool:
    """Mon-Fri and not a holiday (cxd's rule for the generated cxd.yaml)."""
    return day.weekday() < 5 and day.isoformat() not in HOLIDAYS


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (``5bd`` from a start day)."""
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the next one."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def at_local(day: dt.date, time: dt.time, zone: str = HOME_ZONE) -> dt.datetime:
    """That wall-clock time in that zone, as an aware UTC datetime."""
    return dt.datetime.combine(day, time, tzinfo=ZoneInfo(zone)).astimezone(dt.timezone.utc)


def iso(t: dt.datetime) -> str:
    """ISO 8601 in UTC with a Z, seconds precision (what cxd's --now accepts)."""
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- people


def make_people(rng: random.Random) -> list[dict]:
    """50 people: 3 directors (one per zone, no manager), 9 leads, 38 staff.

    Staff report to a lead of their zone, leads to their zone's director. Vietnamese names and
    locale ``vi`` in Ho Chi Minh City, English elsewhere.
    """
    people: list[dict] = []
    used: set[str] = set()

    def person(zone: str, manager: str | None) -> dict:
        while True:
            if zone == HOME_ZONE:
                name = f"{rng.choice(VI_FAMILY)} {rng.choice(VI_MIDDLE)} {rng.choice(VI_GIVEN)}"
                ident_base = name.split()[-1]
                locale = "vi"
            else:
                name = f"{rng.choice(EN_GIVEN)} {rng.choice(EN_FAMILY)}"
                ident_base = name.split()[0]
                locale = "en"
            ident = ascii_id(ident_base) + "-" + ascii_id(name.split()[0 if zone == HOME_ZONE else -1])
            if ident not in used:
                break
        used.add(ident)
        domain = "toc-xinh.example" if zone == HOME_ZONE else "example.com"
        p = {"id": ident, "name": name, "email": f"{ident}@{domain}", "time_zone": zone, "locale": locale}
        if manager:
            p["manager"] = manager
        people.append(p)
        return p

    # 24 in Ho Chi Minh City, 14 in London, 12 in New York.
    sizes = {HOME_ZONE: 24, "Europe/London": 14, "America/New_York": 12}
    for zone in ZONES:
        director = person(zone, None)
        leads = [person(zone, director["id"]) for _ in range(3)]
        for i in range(sizes[zone] - 4):
            person(zone, leads[i % 3]["id"])
    return people


def ascii_id(text: str) -> str:
    """A person-id fragment: lower-case ASCII letters only (Vietnamese diacritics dropped)."""
    import unicodedata
    plain = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in plain.lower() if "a" <= c <= "z")


# --------------------------------------------------------------------------- YAML writing


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def people_yaml(people: list[dict]) -> str:
    lines = ["# Generated by scripts/bench/generate.py: 50 people in three time zones.", "people:"]
    for p in people:
        lines.append(f"  - id: {p['id']}")
        lines.append(f"    name: {q(p['name'])}")
        lines.append(f"    email: {p['email']}")
        lines.append(f"    time_zone: {p['time_zone']}")
        lines.append(f"    locale: {p['locale']}")
        if "manager" in p:
            lines.append(f"    manager: {p['manager']}")
        lines.append("")
    return "\n".join(lines)


def config_yaml() -> str:
    holidays = "\n".join(f"  - {d}" for d in HOLIDAYS)
    return f"""# Generated by scripts/bench/generate.py (modelled on the repository's config/cxd.yaml).
database: ../state/cxd.sqlite
time_zone: {HOME_ZONE}

working_hours:
  days: [mon, tue, wed, thu, fri]
  start: "{WORK_START:%H:%M}"
  end: "{WORK_END:%H:%M}"

holidays:
{holidays}

downtime_grace: 15m

workflows: ../workflows
people: people.yaml
initiatives: initiatives

notifiers:
  log:
    type: file
    path: ../state/notifications.jsonl

routes:
  default: [log]
"""


def initiative_yaml(rng: random.Random, index: int, start: dt.date, roles: dict[str, str],
                    people: list[dict]) -> tuple[str, str]:
    """One initiative file (id, text), between ~0.6 and ~3 KB like the three examples."""
    ident = f"init-{index:06d}"
    metric, base_range, target_range = rng.choice(METRICS)
    area = rng.choice(AREAS)
    branch = rng.choice(BRANCHES)
    rounding = 1 if metric == "CES" else 0
    baseline = round(rng.uniform(*base_range), rounding)
    target = round(rng.uniform(*target_range), rounding)
    if rounding == 0:
        baseline, target = int(baseline), int(target)
    by = start + dt.timedelta(days=rng.randrange(180, 400))
    labels = rng.sample(LABELS, rng.randrange(1, 3))
    out = [
        f"# Generated benchmark initiative {index}: {area} at {branch}.",
        f"id: {ident}",
        f"title: {q(f'Improve {area} at {branch} ({index})')}",
        "workflow: cx-eight-step",
        f"start: {start.isoformat()}",
        f"labels: [{', '.join(labels)}]",
        "",
        "roles:",
    ]
    out += [f"  {role}: {person}" for role, person in roles.items()]
    out += [
        "",
        "goal:",
        f"  statement: {q(f'Raise {metric} of customers at {branch} for {area}')}",
        f"  metric: {metric}",
        f"  baseline: {baseline}",
        f"  target: {target}",
        f"  by: {by.isoformat()}",
        "",
        f"scope: {q(f'{area.capitalize()} at {branch}: staff, service quality, tools and waiting times.')}",
    ]
    richness = rng.random()
    if richness > 0.25:  # three quarters have a journey, personas and touchpoints
        stages = rng.choice(STAGE_SETS)
        out += ["", "journey:", f"  stages: [{', '.join(q(s) for s in stages)}]"]
        if richness > 0.6:  # the lanes of the experience map, like pos-checkout.yaml
            out.append("  actions:")
            out += [f"    {q(s)}: {q(f'Customer does {s.lower()} for {area}')}" for s in stages]
            out.append("  emotions:")
            out += [f"    {q(s)}: {rng.choice(EMOTIONS)}" for s in stages]
            pain = rng.sample(stages, 2)
            out.append("  pain_points:")
            out += [f"    {q(s)}: [{q('Waiting too long')}, {q('Unclear prices')}]" for s in pain]
            out.append("  solutions:")
            out += [f"    {q(pain[0])}: [{q('Mobile terminals')}, {q('Clear price list')}]"]
        out += ["", "personas:"]
        for k in range(rng.randrange(1, 4)):
            out += [f"  - name: {q(f'Persona {k + 1}, {rng.randrange(22, 66)} years old')}",
                    f"    description: {q('Busy, prefers quick answers, compares prices online before buying.')}"]
        out += ["", "touchpoints:"]
        tp_ids = []
        for k in range(rng.randrange(2, 6)):
            tp = f"tp-{k + 1}"
            tp_ids.append(tp)
            out += [f"  - id: {tp}",
                    f"    name: {q(f'Touchpoint {k + 1} ({area})')}",
                    f"    stage: {q(rng.choice(stages))}",
                    f"    channel: {rng.choice(CHANNELS)}",
                    f"    controlled: {'true' if rng.random() < 0.8 else 'false'}"]
            if rng.random() < 0.5:
                out.append(f"    owner: {rng.choice(people)['id']}")
        if richness > 0.5:  # a survey section, like pos-checkout.yaml
            chosen = tp_ids[: max(1, len(tp_ids) - 1)]
            out += ["", "survey:",
                    f"  metric: {metric}",
                    f"  touchpoints: [{', '.join(chosen)}]",
                    "  questions:",
                    f"    - {q(f'How satisfied were you with {area}?')}",
                    f"    - {q('What should we improve?')}",
                    f"  min_sample: {rng.choice([20, 30, 50])}",
                    "  window: 2w",
                    f"  quota: {rng.choice([100, 150, 300])}",
                    "  cadence: 2w",
                    "  min_gap: 7d",
                    "  respondent_cap: {max: 2, per: 90d}",
                    "  followup: {due: 48h, owner: researcher}"]
    out.append("")
    return ident, "\n".join(out)


# --------------------------------------------------------------------------- the project


def generate(directory: Path, count: int, overdue: bool, seed: int) -> dict:
    """Write the project; return the manifest also written to ``bench.json``."""
    rng = random.Random(seed)
    people = make_people(rng)
    # Owners of steps need a manager (the workflow escalates `to: manager`).
    staff = [p for p in people if "manager" in p]
    home_staff = [p for p in staff if p["time_zone"] == HOME_ZONE]

    (directory / "config" / "initiatives").mkdir(parents=True)
    (directory / "workflows").mkdir()
    (directory / "state").mkdir()
    (directory / "config" / "cxd.yaml").write_text(config_yaml(), encoding="utf-8")
    (directory / "config" / "people.yaml").write_text(people_yaml(people), encoding="utf-8")
    shutil.copyfile(WORKFLOW, directory / "workflows" / WORKFLOW.name)

    manifest: dict = {"count": count, "seed": seed, "overdue": overdue,
                      "config": str(directory / "config" / "cxd.yaml"),
                      "database": str(directory / "state" / "cxd.sqlite")}
    if overdue:
        # Everyone starts on the first working day from Monday 15 March 2027 (a few days after
        # the reference). Step 1 (`scope`, 5bd) falls due at 17:30 local on the fifth working
        # day after; the due-soon reminders (`before: [2d, 4h]`) go out at the next working
        # start for "2d" (17:30 two days before is outside working hours) and at 13:30 on the
        # deadline day; the first overdue reminder at 08:30 on the next working day.
        start = next_working_day(dt.date(2027, 3, 15))
        deadline_day = add_working_days(start, 5)
        deadline = at_local(deadline_day, WORK_END)
        overdue_at = at_local(next_working_day(deadline_day + dt.timedelta(days=1)), WORK_START)
        soon_2d = deadline - dt.timedelta(days=2)
        soon_2d_local = soon_2d.astimezone(ZoneInfo(HOME_ZONE))
        if not (is_working_day(soon_2d_local.date()) and WORK_START <= soon_2d_local.time() < WORK_END):
            day = soon_2d_local.date() + dt.timedelta(days=0 if soon_2d_local.time() < WORK_START else 1)
            soon_2d = at_local(next_working_day(day), WORK_START)
        minute = dt.timedelta(minutes=1)
        # Registered one minute into the start day's working hours: every step starts then.
        register = at_local(start, WORK_START) + minute
        events = [register, soon_2d, deadline - dt.timedelta(hours=4)]
        manifest.update({
            "start": start.isoformat(),
            "deadline": iso(deadline),
            "overdue_at": iso(overdue_at),
            # One minute after: well inside downtime_grace (15m), so every reminder is queued
            # on its own instead of being folded into a "while cxd was down" digest.
            "overdue_run_at": iso(overdue_at + minute),
            # Register (every step starts), then evaluate one minute after each due-soon
            # reminder, so that at overdue_run_at only the overdue reminders are due.
            "prepare_at": [iso(register)] + [iso(t + minute) for t in sorted(set(events[1:]))],
            "planned_before_overdue": [iso(t) for t in sorted(set(events))],
        })
        manifest["register_at"] = manifest["prepare_at"][0]
        manifest["idle_at"] = iso(register + minute)
    else:
        # Two waves, so that initiatives are at different points of step 1 at the reference:
        # cxd starts a step whose start date passed while cxd was not running at the next
        # evaluation, so everything started before wave 1 starts then (four weeks before the
        # reference: overdue, escalated, some ladders exhausted), everything with a start date
        # between the waves starts at the reference (due in a week), and the rest is pending.
        wave1 = at_local(next_working_day(REFERENCE.date() - dt.timedelta(days=28)), dt.time(10, 7))
        manifest["prepare_at"] = [iso(wave1), iso(REFERENCE)]
        manifest["register_at"] = iso(wave1)
        manifest["idle_at"] = iso(REFERENCE + dt.timedelta(minutes=1))

    target_index = 1
    for i in range(1, count + 1):
        if overdue:
            start_day = dt.date.fromisoformat(manifest["start"])
            sponsor = rng.choice(home_staff)["id"]
        elif i == target_index:
            # The benchmark's target: started four weeks before the reference, so it is
            # overdue, escalated, and has reminders to acknowledge.
            start_day = next_working_day(REFERENCE.date() - dt.timedelta(days=28))
            sponsor = rng.choice(home_staff)["id"]
        else:
            start_day = REFERENCE.date() + dt.timedelta(days=rng.randrange(-365, 61))
            sponsor = rng.choice(staff)["id"]
        researcher, analyst, designer = (rng.choice(staff)["id"] for _ in range(3))
        if rng.random() < 0.3:
            analyst = researcher  # as in the examples, one person often holds two roles
        roles = {"sponsor": sponsor, "researcher": researcher, "analyst": analyst, "designer": designer}
        ident, text = initiative_yaml(rng, i, start_day, roles, staff)
        (directory / "config" / "initiatives" / f"{ident}.yaml").write_text(text, encoding="utf-8")
        if i == target_index:
            manifest["target"] = ident

    (directory / "bench.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


SURVEY_INITIATIVE = "survey-bench"
SURVEY_TOUCHPOINTS = ["tp-1", "tp-2", "tp-3", "tp-4"]
# CSAT 1-5: 12 % detractors (1-2), as in a middling round; 1 % left the score blank.
SURVEY_SCORES = [("", 1), ("1", 5), ("2", 7), ("3", 17), ("4", 35), ("5", 35)]


def survey_answers(directory: Path, manifest: dict, count: int, seed: int) -> None:
    """A surveyed initiative (CSAT, four touchpoints with owners, pending at the reference so
    that answers go to an ad-hoc round) and ``count`` answers for it: ~43 bytes a row,
    respondent, timestamp, score, touchpoint (blank on a quarter of the rows). With a
    touchpoint, a detractor opens a follow-up: ~9 % of the rows."""
    rng = random.Random(seed + 1)
    people = yaml_people_ids(directory)
    start = REFERENCE.date() + dt.timedelta(days=30)
    lines = [
        f"# Benchmark initiative for `cxd survey import` ({count} answers in answers.csv).",
        f"id: {SURVEY_INITIATIVE}",
        "title: Survey import benchmark",
        "workflow: cx-eight-step",
        f"start: {start.isoformat()}",
        "",
        "roles:",
    ]
    lines += [f"  {role}: {people[i]}" for i, role in enumerate(["sponsor", "researcher", "analyst", "designer"])]
    lines += ["", "goal:", "  statement: Raise CSAT", "  metric: CSAT", "  baseline: 70", "  target: 85",
              f"  by: {(start + dt.timedelta(days=300)).isoformat()}", "", "scope: Every branch.", "",
              "journey:", "  stages: [Visit, Purchase]", "", "touchpoints:"]
    for k, tp in enumerate(SURVEY_TOUCHPOINTS):
        lines += [f"  - id: {tp}", f"    name: Touchpoint {k + 1}", f"    stage: {'Visit' if k < 2 else 'Purchase'}",
                  "    channel: store", "    controlled: true", f"    owner: {people[k % len(people)]}"]
    lines += ["", "survey:", "  metric: CSAT", "  min_sample: 30", ""]
    (directory / "config" / "initiatives" / f"{SURVEY_INITIATIVE}.yaml").write_text("\n".join(lines), encoding="utf-8")
    scores = [s for s, w in SURVEY_SCORES for _ in range(w)]
    touchpoints = SURVEY_TOUCHPOINTS * 3 + [""] * 4
    answers = directory / "answers.csv"
    with answers.open("w", encoding="utf-8") as out:
        out.write("respondent,timestamp,score,touchpoint\n")
        for i in range(count):
            day, minute = 1 + rng.randrange(28), rng.randrange(600)
            out.write(f"c{i:07d},2027-02-{day:02d}T{8 + minute // 60:02d}:{minute % 60:02d}:00+07:00,"
                      f"{rng.choice(scores)},{rng.choice(touchpoints)}\n")
    refused = directory / "answers-refused.csv"
    shutil.copyfile(answers, refused)
    with refused.open("a", encoding="utf-8") as out:
        out.write(f"c{count:07d},not-a-time,5,tp-1\n")
    manifest["survey"] = {"initiative": SURVEY_INITIATIVE, "answers": str(answers), "refused": str(refused),
                          "count": count, "bytes": answers.stat().st_size, "import_at": manifest["idle_at"]}


def yaml_people_ids(directory: Path) -> list[str]:
    """Ids of the people with a manager in the generated people.yaml, in file order."""
    ids, current = [], None
    for line in (directory / "config" / "people.yaml").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("- id:") or stripped.startswith("id:"):
            current = stripped.split(":", 1)[1].strip().strip("'\"")
        elif stripped.startswith("manager:") and current:
            ids.append(current)
    return ids or [current]


def verify_overdue(cxd: Path, manifest: dict) -> None:
    """Check with ``cxd plan --initiative X --json`` that cxd agrees with the generator.

    Plans the target initiative from ``register_at`` (before it starts, nothing stored yet)
    and checks that the events before the first overdue reminder are exactly
    ``planned_before_overdue`` (step started, two due-soon reminders), that the deadline is
    ``deadline`` and the first overdue reminder ``overdue_at``. Exits with a message if not.
    """
    cmd = [str(cxd), "plan", "-c", manifest["config"], "--now", manifest["register_at"], "--days", "21",
           "--initiative", manifest["target"], "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=quiet_env())
    if proc.returncode != 0:
        raise SystemExit(f"generate.py: {' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()}")
    entries = json.loads(proc.stdout)
    overdue = [e for e in entries if e.get("kind") == "step.overdue"]
    deadline = [e for e in entries if e.get("kind") == "step.deadline"]
    problems = []
    if not overdue or overdue[0]["at"] != manifest["overdue_at"]:
        problems.append(f"first overdue reminder at {overdue[0]['at'] if overdue else None}, "
                        f"expected {manifest['overdue_at']}")
    if not deadline or deadline[0]["at"] != manifest["deadline"]:
        problems.append(f"deadline at {deadline[0]['at'] if deadline else None}, expected {manifest['deadline']}")
    before = sorted({e["at"] for e in entries
                     if e["at"] < manifest["overdue_at"] and e.get("kind") != "step.deadline"})
    if before != manifest["planned_before_overdue"]:
        problems.append(f"events before the overdue reminder at {before}, "
                        f"expected {manifest['planned_before_overdue']}")
    if problems:
        raise SystemExit("generate.py: cxd plan disagrees with the generator: " + "; ".join(problems))
    manifest["verified_with"] = " ".join(cmd[1:])


def quiet_env() -> dict:
    env = dict(os.environ)
    env.setdefault("CXD_ACTOR", "bench")
    env["NO_COLOR"] = "1"
    return env


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.count < 1:
        raise SystemExit("generate.py: --count must be at least 1")
    if args.directory.exists():
        if args.force:
            shutil.rmtree(args.directory)
        elif any(args.directory.iterdir()):
            raise SystemExit(f"generate.py: {args.directory} exists and is not empty (use --force)")
    args.directory.mkdir(parents=True, exist_ok=True)
    manifest = generate(args.directory.resolve(), args.count, args.overdue, args.seed)
    if args.answers:
        survey_answers(args.directory.resolve(), manifest, args.answers, args.seed)
        (args.directory / "bench.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    if args.cxd and args.overdue:
        verify_overdue(args.cxd, manifest)
        (args.directory / "bench.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    json.dump(manifest, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
