#!/usr/bin/python3
"""lexwatch beside the tools people use today, same machine, same run.

Run through bench/compare.sh, which builds the binaries and checks that the
Debian packages are installed. Two comparisons:

(a) parsing: python3-feedparser and lexwatch's parser (bench_tool parse) on
    the same 5 MB EUR-Lex-shape RSS file;
(b) one cycle: rss2email (r2e run) and `lexwatch run --once` over the same
    20 feeds of 100 acts each, served by python3 -m http.server on
    127.0.0.1, mailing one message per act to the same aiosmtpd sink on
    127.0.0.1.

Each process is measured with GNU time (/usr/bin/time): user+sys CPU (its
threads and any children it waited for), wall time, and peak RSS. Exits 0 when every
target holds, 1 when one fails, 2 when a run fails or the tools disagree.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

PYTHON = "/usr/bin/python3"
FEEDS = 20
ITEMS_PER_FEED = 100
BIG_FEED_BYTES = 5 << 20
RECIPIENT = "bench@example.org"

TARGET_PARSE = 100.0  # feedparser CPU per parse / lexwatch's.
TARGET_CYCLE_CPU = 20.0  # rss2email cycle CPU / lexwatch's.
TARGET_CYCLE_RSS = 5.0  # rss2email peak RSS / lexwatch's.

FEEDPARSER_SCRIPT = textwrap.dedent("""\
    import json, sys, time
    import feedparser
    data = open(sys.argv[1], "rb").read()
    cpu, wall, entries = [], [], 0
    for _ in range(int(sys.argv[2])):
        c0, w0 = time.process_time(), time.perf_counter()
        parsed = feedparser.parse(data)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        entries = len(parsed.entries)
        if parsed.bozo:
            sys.exit("feedparser: " + str(parsed.bozo_exception))
    print(json.dumps({"items": entries, "bytes": len(data),
                      "cpu_s": cpu, "wall_s": wall}))
""")

# An aiosmtpd sink that appends one line per message (recipients, size) to
# a file, so the harness can count what each tool delivered.
SINK_SCRIPT = textwrap.dedent("""\
    import asyncio, sys
    from aiosmtpd.controller import Controller

    class Counter:
        def __init__(self, path):
            self.log = open(path, "a", buffering=1)
        async def handle_DATA(self, server, session, envelope):
            self.log.write(",".join(envelope.rcpt_tos) + " " +
                           str(len(envelope.content)) + "\\n")
            return "250 OK"

    controller = Controller(Counter(sys.argv[1]), hostname="127.0.0.1",
                            port=int(sys.argv[2]))
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()
""")


class Measured:
    """One process's resource use, from GNU time."""

    def __init__(self, cmd, user, sys_, wall, rss_kib, rc, stdout, stderr):
        self.cmd, self.user, self.sys, self.wall = cmd, user, sys_, wall
        self.cpu = user + sys_
        self.rss_mib = rss_kib / 1024.0
        self.rc, self.stdout, self.stderr = rc, stdout, stderr


def measure(cmd, cwd=None, env=None):
    """Runs `cmd` under GNU time. Not os.wait4 on our own child: a child
    forked from this Python process starts with its memory, and the
    kernel's peak RSS would count that too."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r") as usage:
        start = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o",
                            usage.name, *cmd], stdout=out, stderr=err,
                           cwd=cwd, env=env)
        wall = time.perf_counter() - start
        _, user, sys_, rss_kib = usage.read().split("\n")[-2].split()
        out.seek(0)
        err.seek(0)
        return Measured(cmd, float(user), float(sys_), wall, int(rss_kib),
                        p.returncode, out.read().decode(errors="replace"),
                        err.read().decode(errors="replace"))


def check(m, what):
    if m.rc != 0:
        sys.exit(f"{what} exited {m.rc}: {' '.join(m.cmd)}\n"
                 f"{m.stderr[-3000:]}")
    return m


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, what, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what} did not listen on 127.0.0.1:{port}")


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {model}"


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# ----- (a) parsing --------------------------------------------------------

def compare_parse(args, work):
    feed = os.path.join(work, "eurlex-5mb.rss")
    check(measure([args.bench_tool, "write", feed, "--bytes",
                   str(BIG_FEED_BYTES)]), "bench_tool write")
    script = os.path.join(work, "feedparser_parse.py")
    with open(script, "w") as f:
        f.write(FEEDPARSER_SCRIPT)

    rows = {}
    for name, cmd, repeat in (
            ("lexwatch", [args.bench_tool, "parse", feed, "--repeat"],
             args.parse_repeat_lexwatch),
            ("feedparser", [PYTHON, script, feed], args.parse_repeat_python)):
        # One parse per process for the whole-process figures; then
        # several in one process for the parse alone (median).
        single = check(measure(cmd + ["1"]), name)
        many = check(measure(cmd + [str(repeat)]), name)
        report = json.loads(many.stdout)
        rows[name] = {
            "items": report["items"], "bytes": report["bytes"],
            "parse_cpu": statistics.median(report["cpu_s"]),
            "parse_wall": statistics.median(report["wall_s"]),
            "repeat": repeat, "proc": single,
        }
    return rows


def print_parse(rows):
    lw, fp = rows["lexwatch"], rows["feedparser"]
    print(f"(a) Parsing one {lw['bytes'] / 1e6:.2f} MB EUR-Lex-shape RSS feed "
          f"({lw['items']} items)")
    print(f"{'':<12} {'items':>6} {'parse CPU':>10} {'parse wall':>10} "
          f"{'MB/s':>8} {'process CPU':>12} {'process wall':>12} "
          f"{'peak RSS':>9}")
    for name in ("lexwatch", "feedparser"):
        r = rows[name]
        p = r["proc"]
        print(f"{name:<12} {r['items']:>6} {r['parse_cpu'] * 1e3:>8.1f}ms "
              f"{r['parse_wall'] * 1e3:>8.1f}ms "
              f"{r['bytes'] / r['parse_cpu'] / 1e6:>8.1f} "
              f"{p.cpu:>11.3f}s {p.wall:>11.3f}s {p.rss_mib:>7.1f}MB")
    print(f"  parse CPU: median of {lw['repeat']} (lexwatch) and "
          f"{fp['repeat']} (feedparser) parses in one process, file already "
          f"read; process columns: one parse, start to exit")
    if lw["items"] != fp["items"]:
        sys.exit(f"item counts differ: lexwatch {lw['items']}, "
                 f"feedparser {fp['items']}")
    return [("parse CPU, feedparser / lexwatch",
             fp["parse_cpu"] / lw["parse_cpu"], TARGET_PARSE),
            ("process CPU, feedparser / lexwatch",
             fp["proc"].cpu / lw["proc"].cpu, None),
            ("peak RSS, feedparser / lexwatch",
             fp["proc"].rss_mib / lw["proc"].rss_mib, None)]


# ----- (b) one cycle ------------------------------------------------------

LEXWATCH_RULE = textwrap.dedent("""\
    # Matches every act: the comparison is about the cycle, not the rules.
    [[rule]]
    id = "everything"
    topic = "planning"
    agencies = ["bench"]
    description = "Every act (benchmark)"
    query = 'celex:3*'
""")


def lexwatch_config(run_dir, http_port, smtp_port):
    sources = "".join(textwrap.dedent(f"""\

        [[source]]
        name = "feed-{i:02d}"
        kind = "rss"
        url = "http://127.0.0.1:{http_port}/feed-{i:02d}.rss"
        poll_interval = "1h"
        min_host_interval = "0s"
        """) for i in range(FEEDS))
    return textwrap.dedent(f"""\
        state_dir = "{run_dir}/state"
        rules_dir = "{run_dir}/rules"
        contact = "lexwatch-bench@example.org"

        [fetch]
        allow_insecure = true
        timeout = "60s"
        first_run = "alert"      # rss2email mails a new feed's items too
        flood_limit = 100000     # no hold: every act is mailed

        [mail]
        transport = "smtp"
        from = "lexwatch bench <lexwatch@example.org>"
        smtp_url = "smtp://127.0.0.1:{smtp_port}"
        starttls = false
        """) + sources + textwrap.dedent(f"""\

        [[agency]]
        id = "bench"
        name = "Benchmark agency"
        addresses = ["{RECIPIENT}"]
        """)


def run_lexwatch(args, work, run, http_port, smtp_port, sink_log):
    """`lexwatch run --once` until every act is mailed. One run sends the
    whole queue (the dispatcher takes batch after batch until none is due),
    so `runs` is 1; should a run ever stop short, the next polls again
    (conditional GET, nothing new) and sends the rest. CPU and wall are
    summed, peak RSS is the largest, and `runs` says how many it took."""
    run_dir = os.path.join(work, f"lexwatch-{run}")
    os.makedirs(os.path.join(run_dir, "rules"))
    with open(os.path.join(run_dir, "rules", "everything.toml"), "w") as f:
        f.write(LEXWATCH_RULE)
    config = os.path.join(run_dir, "lexwatch.toml")
    with open(config, "w") as f:
        f.write(lexwatch_config(run_dir, http_port, smtp_port))
    before = count_lines(sink_log)
    total = None
    for _ in range(10):
        m = check(measure([args.lexwatch, "run", "--once", "--config",
                           config], env=dict(os.environ, LC_ALL="C.UTF-8")),
                  "lexwatch run --once")
        if total is None:
            total, total.runs = m, 1
        else:
            total.cpu += m.cpu
            total.user += m.user
            total.sys += m.sys
            total.wall += m.wall
            total.rss_mib = max(total.rss_mib, m.rss_mib)
            total.stderr += m.stderr
            total.runs += 1
        time.sleep(0.2)  # Let the sink write its last line.
        if count_lines(sink_log) - before >= FEEDS * ITEMS_PER_FEED:
            break
    if args.log_dir:
        with open(os.path.join(args.log_dir, f"lexwatch-{run}.log"), "w") as f:
            f.write(total.stderr)
    return total


def r2e(run_dir, *argv):
    return ["/usr/bin/r2e", "-c", os.path.join(run_dir, "r2e.cfg"),
            "-d", os.path.join(run_dir, "r2e.json"), *argv]


def run_rss2email(args, work, run, http_port, smtp_port):
    run_dir = os.path.join(work, f"rss2email-{run}")
    os.makedirs(run_dir)
    check(measure(r2e(run_dir, "new", RECIPIENT)), "r2e new")
    cfg = os.path.join(run_dir, "r2e.cfg")
    with open(cfg) as f:
        text = f.read()
    # Same sender, SMTP to the sink, text and HTML parts as lexwatch sends.
    settings = {
        "from": "lexwatch@example.org", "email-protocol": "smtp",
        "smtp-server": f"127.0.0.1:{smtp_port}", "smtp-auth": "False",
        "smtp-ssl": "False", "html-mail": "True", "multipart-html": "True",
        "same-server-fetch-interval": "0",
    }
    lines = [ln for ln in text.splitlines()
             if ln.split("=")[0].strip() not in settings]
    at = lines.index("[DEFAULT]") + 1
    lines[at:at] = [f"{k} = {v}" for k, v in settings.items()]
    with open(cfg, "w") as f:
        f.write("\n".join(lines) + "\n")
    for i in range(FEEDS):
        check(measure(r2e(run_dir, "add", f"feed-{i:02d}",
                          f"http://127.0.0.1:{http_port}/feed-{i:02d}.rss")),
              "r2e add")
    m = check(measure(r2e(run_dir, "run")), "r2e run")
    m.runs = 1
    if args.log_dir:
        with open(os.path.join(args.log_dir, f"rss2email-{run}.log"), "w") as f:
            f.write(m.stderr)
    return m


def count_lines(path):
    with open(path) as f:
        return sum(1 for _ in f)


def compare_cycle(args, work):
    docroot = os.path.join(work, "feeds")
    os.makedirs(docroot)
    for i in range(FEEDS):
        check(measure([args.bench_tool, "write",
                       os.path.join(docroot, f"feed-{i:02d}.rss"), "--items",
                       str(ITEMS_PER_FEED), "--first",
                       str(i * ITEMS_PER_FEED)]), "bench_tool write")
    http_port, smtp_port = free_port(), free_port()
    sink_log = os.path.join(work, "sink.log")
    open(sink_log, "w").close()
    sink_py = os.path.join(work, "sink.py")
    with open(sink_py, "w") as f:
        f.write(SINK_SCRIPT)
    peers = [
        subprocess.Popen([PYTHON, "-m", "http.server", str(http_port),
                          "--bind", "127.0.0.1", "--directory", docroot],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen([PYTHON, sink_py, sink_log, str(smtp_port)],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL),
    ]
    rows = {"lexwatch": [], "rss2email": []}
    try:
        wait_for_port(http_port, "http.server")
        wait_for_port(smtp_port, "aiosmtpd")
        for run in range(args.cycle_runs):
            for name in ("lexwatch", "rss2email"):
                before = count_lines(sink_log)
                if name == "lexwatch":
                    m = run_lexwatch(args, work, run, http_port, smtp_port,
                                     sink_log)
                else:
                    m = run_rss2email(args, work, run, http_port, smtp_port)
                    time.sleep(0.2)  # Let the sink write its last line.
                m.mails = count_lines(sink_log) - before
                rows[name].append(m)
    finally:
        for p in peers:
            p.terminate()
            p.wait(timeout=10)
    with open(sink_log) as f:
        recipients = {line.split()[0] for line in f}
    return rows, recipients


def print_cycle(rows, recipients):
    expected = FEEDS * ITEMS_PER_FEED
    print(f"(b) One cycle: {FEEDS} feeds x {ITEMS_PER_FEED} acts over HTTP "
          f"on 127.0.0.1, one mail per act to aiosmtpd on 127.0.0.1")
    print(f"{'':<12} {'cycles':>6} {'runs':>4} {'mails':>6} {'CPU':>9} "
          f"{'user':>8} {'sys':>8} {'wall':>9} {'peak RSS':>9}   "
          f"(median of the cycles)")
    med = {}
    for name in ("lexwatch", "rss2email"):
        ms = rows[name]
        med[name] = {
            "cpu": statistics.median(m.cpu for m in ms),
            "user": statistics.median(m.user for m in ms),
            "sys": statistics.median(m.sys for m in ms),
            "wall": statistics.median(m.wall for m in ms),
            "rss": statistics.median(m.rss_mib for m in ms),
        }
        mails = sorted({m.mails for m in ms})
        print(f"{name:<12} {len(ms):>6} "
              f"{'/'.join(map(str, sorted({m.runs for m in ms}))):>4} "
              f"{'/'.join(map(str, mails)):>6} {med[name]['cpu']:>8.3f}s "
              f"{med[name]['user']:>7.3f}s {med[name]['sys']:>7.3f}s "
              f"{med[name]['wall']:>8.3f}s {med[name]['rss']:>7.1f}MB")
        for m in ms:
            if m.mails != expected:
                sys.exit(f"{name} delivered {m.mails} mails, expected "
                         f"{expected}\n{m.stderr[-3000:]}")
    if recipients != {RECIPIENT}:
        sys.exit(f"mail went to {sorted(recipients)}, expected {RECIPIENT}")
    lw, r2 = med["lexwatch"], med["rss2email"]
    return [("cycle CPU, rss2email / lexwatch", r2["cpu"] / lw["cpu"],
             TARGET_CYCLE_CPU),
            ("cycle wall, rss2email / lexwatch", r2["wall"] / lw["wall"],
             None),
            ("cycle peak RSS, rss2email / lexwatch", r2["rss"] / lw["rss"],
             TARGET_CYCLE_RSS)]


def verdicts(ratios):
    failed = False
    for name, value, target in ratios:
        if target is None:
            print(f"{name:<40} {value:8.1f}x  (for information)")
            continue
        ok = value >= target
        failed |= not ok
        print(f"{name:<40} {value:8.1f}x  {'PASS' if ok else 'FAIL'} "
              f"(target >= {target:g}x)")
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexwatch", required=True)
    parser.add_argument("--bench-tool", required=True)
    parser.add_argument("--cycle-runs", type=int, default=3)
    parser.add_argument("--parse-repeat-lexwatch", type=int, default=20)
    parser.add_argument("--parse-repeat-python", type=int, default=3)
    parser.add_argument("--only", choices=("parse", "cycle"))
    parser.add_argument("--log-dir", help="keep each tool's log here")
    args = parser.parse_args()

    load_before = load()
    with tempfile.TemporaryDirectory(prefix="lexwatch-compare-") as work:
        ratios = []
        sections = []
        if args.only != "cycle":
            sections.append(("parse", compare_parse(args, work)))
        if args.only != "parse":
            sections.append(("cycle", compare_cycle(args, work)))
    print(f"Machine: {machine()}")
    print(f"Load:    {load_before} before, {load()} after")
    print(f"Date:    {time.strftime('%Y-%m-%d %H:%M %Z')}")
    versions = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${Version}, ",
         "python3-feedparser", "rss2email", "python3-aiosmtpd"],
        capture_output=True, text=True).stdout.rstrip(", ")
    print(f"Tools:   {versions}")
    print()
    for kind, data in sections:
        if kind == "parse":
            ratios += print_parse(data)
        else:
            ratios += print_cycle(*data)
        print()
    sys.exit(1 if verdicts(ratios) else 0)


if __name__ == "__main__":
    main()
