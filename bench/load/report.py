"""The table of a load test run (tools/loadtest.sh): locust's statistics per action, the business-rule
refusals, what the database served; printed and written into bench/README.md between markers.

    report.py OUT_DIR --mode quick|full --workers N --users A-B --seconds S --readme bench/README.md
"""
import argparse
import csv
import json
import os
import platform
import re
import time


def read_stats(out, label):
    path = os.path.join(out, f"{label}_stats.csv")
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        rows = list(csv.DictReader(handle))
    refusals = {}
    refusal_path = os.path.join(out, f"{label}-refusals.json")
    if os.path.exists(refusal_path):
        with open(refusal_path) as handle:
            for item in json.load(handle):
                refusals[item["action"]] = refusals.get(item["action"], 0) + item["count"]
    # An exception in the driver's own code (an unexpected answer it could not follow) fails the run too
    exceptions = []
    exceptions_path = os.path.join(out, f"{label}_exceptions.csv")
    if os.path.exists(exceptions_path):
        with open(exceptions_path) as handle:
            exceptions = [(int(r["Count"]), r["Message"]) for r in csv.DictReader(handle)]
    db = {}
    db_path = os.path.join(out, f"{label}-db.json")
    if os.path.exists(db_path):
        with open(db_path) as handle:
            db = json.load(handle)
    return {"rows": rows, "refusals": refusals, "db": db, "exceptions": exceptions}


def counters(text):
    return [int(x) for x in text.split("|")] if text else [0, 0, 0]


def table(stats):
    header = ["action", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "failed", "refused (business rule)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _h in header) + "|"]
    rows = [r for r in stats["rows"] if r["Name"] != "Aggregated"]
    rows.sort(key=lambda r: (r["Name"].startswith("core:"), r["Name"]))
    total = [r for r in stats["rows"] if r["Name"] == "Aggregated"]
    for r in rows + total:
        name = r["Name"] if r["Name"] != "Aggregated" else "**all requests**"
        if r["Name"].startswith("core:"):
            name = f"{name} *(core anchor)*"
        refused = stats["refusals"].get(r["Name"], 0) if r["Name"] != "Aggregated" else sum(
            stats["refusals"].values())
        lines.append("| " + " | ".join([
            name, r["Request Count"], f"{float(r['Requests/s']):.2f}", r["50%"], r["95%"], r["99%"],
            r["Failure Count"], str(refused),
        ]) + " |")
    return lines, total[0] if total else None


def summary(label, stats):
    total = stats["rows"][-1] if stats["rows"] else None
    total = next((r for r in stats["rows"] if r["Name"] == "Aggregated"), total)
    requests = int(total["Request Count"]) if total else 0
    failures = int(total["Failure Count"]) if total else 0
    refused = sum(stats["refusals"].values())
    db = stats["db"]
    after, before = counters(db.get("primary_after")), counters(db.get("primary_before"))
    primary = [a - b for a, b in zip(after, before, strict=True)]
    text = [
        f"- {label}: {requests} requests, {float(total['Requests/s']):.1f} req/s, p50 {total['50%']} ms, "
        f"p95 {total['95%']} ms, p99 {total['99%']} ms; error rate {100.0 * failures / max(requests, 1):.2f} % "
        f"({failures} failed), {refused} refused by a business rule "
        f"({100.0 * refused / max(requests, 1):.1f} %); {db.get('retries', 0)} concurrent updates retried by Odoo "
        f"(SerializationFailure), all succeeded unless counted as failed",
        f"  - primary database: {primary[0]} transactions, {primary[1]} rows read",
    ]
    if db.get("standby_after"):
        standby = [a - b for a, b in zip(counters(db["standby_after"]), counters(db["standby_before"]), strict=True)]
        share = 100.0 * standby[0] / max(standby[0] + primary[0], 1)
        text.append(f"  - standby (read replica): {standby[0]} transactions ({share:.0f} % of all), {standby[1]} "
                    f"rows read; replay lag at the end {db.get('replay_lag')}")
    for count, message in stats["exceptions"]:
        text.append(f"  - FAILED in the driver ({count} times): {message[:200]}")
        failures += count
    return text, failures


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            kb = int(next(line.split()[1] for line in handle if line.startswith("MemTotal")))
            memory = f"{kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()
    return (f"{os.cpu_count()} CPUs ({cpu}), {memory}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; load average at the end "
            f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--mode", default="quick")
    parser.add_argument("--workers", default="?")
    parser.add_argument("--users", default="?")
    parser.add_argument("--seconds", default="?")
    parser.add_argument("--readme")
    args = parser.parse_args()
    lines = [
        f"Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"`make loadtest{' QUICK=1' if args.mode == 'quick' else ''}`: "
        f"Odoo 18.0 with {args.workers} HTTP workers and 1 cron worker, users ramped {args.users} over "
        f"{args.seconds} s. Machine: {machine()}.",
        "",
    ]
    failed = 0
    for label, title in (("single", "One database"), ("replica", "With a read replica (streaming standby)")):
        stats = read_stats(args.out, label)
        if not stats:
            continue
        rows, _total = table(stats)
        text, failures = summary(title, stats)
        failed += failures
        lines += [f"**{title}**", "", *text, "", *rows, ""]
    single, replica = read_stats(args.out, "single"), read_stats(args.out, "replica")
    if single and replica:
        lines += ["**p95 (ms) side by side**", "", "| action | one database | with replica |", "|---|---|---|"]
        by_name = {r["Name"]: r for r in replica["rows"]}
        for r in single["rows"]:
            other = by_name.get(r["Name"])
            lines.append(f"| {r['Name'] if r['Name'] != 'Aggregated' else '**all requests**'} | {r['95%']} | "
                         f"{other['95%'] if other else '-'} |")
        lines.append("")
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(args.out, "table.md"), "w") as handle:
        handle.write(text + "\n")
    if args.readme and os.path.exists(args.readme):
        marker = f"loadtest:{args.mode}"
        with open(args.readme) as handle:
            readme = handle.read()
        block = f"<!-- {marker} -->\n{text}\n<!-- /{marker} -->"
        pattern = re.compile(rf"<!-- {marker} -->.*?<!-- /{marker} -->", re.S)
        if pattern.search(readme):
            readme = pattern.sub(lambda _m: block, readme)
        else:
            readme = readme.rstrip("\n") + f"\n\n{block}\n"
        with open(args.readme, "w") as handle:
            handle.write(readme)
        print(f"\nwritten into {args.readme} ({marker})")
    print(f"\nloadtest: {'FAILED' if failed else 'PASSED'}: {failed} requests failed other than by a business rule")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
