#!/usr/bin/env python3
"""Writes the side-by-side report of one `bench/peers/run` from the fragments and JSON files its
scenarios left in the results folder: the goals with where each stands (computed from the
figures, never typed by hand), then each scenario's own tables. With --write FILE it replaces the
generated parts of docs/BENCHMARKS.md (between the <!-- peers:goals --> and <!-- peers:run -->
markers) and leaves everything else in the file alone; without it the report goes to stdout."""
import argparse, json, os, platform, re, subprocess, sys


def sh(command):
    try:
        return subprocess.run(command, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return ""


def load(results, name):
    path = os.path.join(results, name)
    return json.load(open(path)) if os.path.exists(path) else None


def fragment(results, name):
    path = os.path.join(results, name)
    return open(path).read().strip() if os.path.exists(path) else None


def machine():
    model = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip() or platform.processor()
    memory = sh("awk '/MemTotal/ {printf \"%.0f GiB\", $2/1048576}' /proc/meminfo")
    fs = sh("df -T /tmp | awk 'NR==2 {print $2}'")
    return f"{os.cpu_count()} cores ({model}), {memory}, {platform.system()} {platform.release()}, /tmp on {fs}"


def versions():
    parts = [f"Carteiro {sh('git rev-parse --short HEAD')}", f".NET SDK {sh('dotnet --version')}"]
    postfix = sh("/usr/sbin/postconf -h mail_version 2>/dev/null")
    dovecot = sh("dovecot --version 2>/dev/null || /usr/sbin/dovecot --version 2>/dev/null")
    ngircd = sh("(ngircd --version 2>/dev/null || /usr/sbin/ngircd --version 2>/dev/null) | head -1")
    if postfix:
        parts.append(f"Postfix {postfix}")
    if dovecot:
        parts.append(f"Dovecot {dovecot}")
    if ngircd:
        parts.append(ngircd)
    return ", ".join(parts)


def ratio_text(ours, theirs, higher_better):
    if not ours or not theirs:
        return ""
    r = ours / theirs if higher_better else theirs / ours
    return f"{r:.2f}×"


# Each goal: (the goal as the issue states it, a function from the results folder to (figures, met or None)).
def goal_deliveries(results):
    live = load(results, "live.json")
    fan = (live or {}).get("fanout") or {}
    c, n = fan.get("carteiro"), fan.get("ngircd")
    if not c or not n:
        return "not measured in this run", None
    met = c["DeliveriesPerSecond"] >= n["DeliveriesPerSecond"]
    return (f"fan-out to {c['Recipients']:,} online users: {c['DeliveriesPerSecond']:,.0f} deliveries/s against ngircd's "
            f"{n['DeliveriesPerSecond']:,.0f} ({ratio_text(c['DeliveriesPerSecond'], n['DeliveriesPerSecond'], True)})"), met


def goal_smtp(results):
    sends = load(results, "sends.json")
    if not sends:
        return "not measured in this run", None
    rows = [f"{f['size'] // 1024} KiB × {f['senders']}: {f['ratio_smtp']:.1f}×" for f in sends["figures"]]
    met = all(f["ratio_smtp"] >= 3 for f in sends["figures"])
    many = [f for f in sends["figures"] if f["senders"] > 1]
    if not met and many and all(f["ratio_smtp"] >= 3 for f in many):
        return "; ".join(rows) + " (met with concurrent senders; one sender waiting on each fsync is not)", False
    return "; ".join(rows), met


def goal_imap(results):
    imap = load(results, "imap.json")
    if not imap:
        return "not measured in this run", None
    c, d = imap["summary"]["carteiro"], imap["summary"]["dovecot"]
    pairs = [("FETCH 10k", c["fetch"]["median"], d["fetch"]["median"], False),
             ("SELECT", c["fetch"]["select"], d["fetch"]["select"], False),
             ("SEARCH TEXT 10k", c["search"]["median"], d["search"]["median"], False),
             ("sign-ins", c["login"]["per_s"], d["login"]["per_s"], True),
             ("IDLE wake", c["idle"]["Wake"]["P50"], d["idle"]["Wake"]["P50"], False)]
    if "search_big" in c and "search_big" in d:
        pairs.insert(3, (f"SEARCH TEXT {c['search_big'].get('messages', 100000) // 1000}k",
                         c["search_big"]["median"], d["search_big"]["median"], False))
    faster = [(name, (o < t) if not hb else (o > t)) for name, o, t, hb in pairs]
    text = "; ".join(f"{name} {ratio_text(o, t, hb)}" for name, o, t, hb in pairs)
    return text, all(ok for _, ok in faster)


def goal_memory(results):
    live = load(results, "live.json")
    m = (live or {}).get("memory") or {}
    c, n = m.get("carteiro-native"), m.get("ngircd")
    if not c or not n:
        return "not measured in this run", None
    def further(r):
        return r.get("PssPerFurtherConnection", r["PssPerConnection"])

    # Each further connection: what a connection costs, without what a server spends once on its
    # first clients (compiled code, grown pools and heaps), which the all-in figure spreads over N.
    text = (f"each further idle native connection {further(c) / 1024:.1f} KiB against ngircd's {further(n) / 1024:.1f} KiB "
            f"(all-in at {c['Open']:,}: {c['PssPerConnection'] / 1024:.1f} against {n['PssPerConnection'] / 1024:.1f} KiB)")
    if m.get("carteiro-imap"):
        text += f"; IMAP {further(m['carteiro-imap']) / 1024:.1f} KiB"
    if m.get("dovecot"):
        text += f"; Dovecot {further(m['dovecot']) / 1024:.0f} KiB (at {m['dovecot']['Open']:,})"
    return text, further(c) <= further(n)


def goal_push(results):
    live = load(results, "live.json")
    push = (live or {}).get("push") or {}
    c = push.get("carteiro")
    if not c:
        return "not measured in this run", None
    text = f"p50 {c['PushMicros']['P50'] / 1000:.2f} ms, p99 {c['PushMicros']['P99'] / 1000:.2f} ms at {c['Rate']:,.0f} msg/s"
    if push.get("ngircd"):
        n = push["ngircd"]["PushMicros"]
        text += f" (ngircd: p50 {n['P50'] / 1000:.2f} ms, p99 {n['P99'] / 1000:.2f} ms)"
    return text, c["PushMicros"]["P99"] < 5000


GOALS = [
    ("deliveries per second at least ngircd's (which keeps nothing on disk; we commit every message)", goal_deliveries),
    ("SMTP acceptance at least 3× Postfix → Maildir", goal_smtp),
    ("IMAP operations faster than Dovecot", goal_imap),
    ("memory per idle connection no more than ngircd's", goal_memory),
    ("p99 push latency under 5 ms at 1,000 messages per second", goal_push),
]


def goals_table(results):
    lines = ["| goal (issue: benchmarks side by side) | this run | status |", "| --- | --- | --- |"]
    for goal, measure in GOALS:
        try:
            text, met = measure(results)
        except (KeyError, TypeError, ZeroDivisionError) as error:
            text, met = f"figures missing ({error})", None
        status = "met" if met else ("**missed**" if met is False else "—")
        lines.append(f"| {goal} | {text} | {status} |")
    return "\n".join(lines)


SECTIONS = [("sends.md", "1:1 sends against Postfix → Maildir"),
            ("imap.md", "IMAP against Dovecot"),
            ("live.md", "Fan-out, push latency and idle connections against ngircd (and Dovecot)"),
            ("store.md", "A 1,000,000-message store")]


def run_section(results, command):
    started = open(os.path.join(results, "started")).read().strip() if os.path.exists(os.path.join(results, "started")) else "?"
    seconds = open(os.path.join(results, "seconds")).read().strip() if os.path.exists(os.path.join(results, "seconds")) else "?"
    load_before = sh(f"cat {results}/load-before 2>/dev/null").split("load average:")[-1].strip()
    load_after = sh(f"cat {results}/load-after 2>/dev/null").split("load average:")[-1].strip()
    out = [f"Made by `{command}` on {started} in {seconds} s.",
           "",
           f"- Machine: {machine()}; load average {load_before} before, {load_after} after. Client and servers share the cores.",
           f"- Versions: {versions()}.",
           "- Durability: Carteiro answers a send only after its SQLite transaction has committed (WAL, synchronous=FULL: an fsync per "
           "commit, shared by the sends that commit together); Postfix fsyncs its queue file before its 250; Dovecot writes Maildir "
           "(mail_fsync=optimized); ngircd keeps nothing on disk.",
           ""]
    for name, title in SECTIONS:
        text = fragment(results, name)
        out += [f"### {title}", "", text if text else "Not run this time.", ""]
    return "\n".join(out).rstrip() + "\n"


def replace_between(document, marker, body):
    pattern = re.compile(rf"(<!-- {marker}:begin[^>]*-->\n).*?(<!-- {marker}:end -->)", re.S)
    if not pattern.search(document):
        raise SystemExit(f"docs: no <!-- {marker}:begin --> … <!-- {marker}:end --> block to replace")
    return pattern.sub(lambda m: m.group(1) + body.rstrip() + "\n" + m.group(2), document)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--command", default="bench/peers/run")
    parser.add_argument("--write")
    args = parser.parse_args()
    goals = goals_table(args.results)
    section = run_section(args.results, args.command)
    if args.write:
        document = open(args.write).read()
        document = replace_between(document, "peers:goals", goals)
        document = replace_between(document, "peers:run", section)
        open(args.write, "w").write(document)
    else:
        sys.stdout.write(goals + "\n\n" + section)


if __name__ == "__main__":
    main()
