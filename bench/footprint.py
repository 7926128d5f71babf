#!/usr/bin/python3
"""Footprint of the lexwatch daemon: memory over a simulated day of polling,
CPU and wakeups while idle. Compared, in the same run, with the daemon
watching one source and with `sleep` (a process that never wakes).

    footprint.py --binary build/lexwatch [--sources 20] [--hours 24]
                 [--speed 600] [--idle 30] [--json FILE]

Day phase: the daemon polls N feeds (nginx on 127.0.0.1) every 10 minutes,
with its clocks running `speed` times faster (bench/fastclock.c, an
LD_PRELOAD shim compiled here), for `hours` simulated hours (24: about 144
polls per source, in 144 s of real time at the default speed). Each feed is
rewritten every third interval (new items, half of them matching the
default rules, mailed into a Maildir); polls in between get 304. VmRSS is
sampled every real second.

Idle phase: a fresh daemon in real time, sources polled once at start
(interval 1 h) and a systemd watchdog configured as in the unit
(WATCHDOG_USEC=60 s, with a notify socket here). After the start-up cycle
settles, CPU time (utime+stime of all threads) and context switches (all
threads) are counted over `idle` seconds, then `strace -c -f` counts the
system calls over another `idle` seconds.
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))
import peers  # noqa: E402  (nginx on a free loopback port)
TICK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
AGENCIES = ["bym", "kli", "pbe", "uke", "vav"]
POLL_INTERVAL = 600  # Seconds, simulated.


# ----- feeds that change over time ----------------------------------------

class Feeds:
    """Feed i in nginx's docroot: rewritten every third poll interval (real
    time: 3 * 600 / speed s), each version adding one act that matches the
    default rules (drinking water) and one that matches nothing. nginx
    answers the polls in between with 304 (its ETag is mtime and size)."""

    def __init__(self, docroot, count, period):
        self.docroot = docroot
        self.count = count
        self.period = period
        self.version = 0
        self.stopped = threading.Event()
        self.write_all()
        threading.Thread(target=self.rotate, daemon=True).start()

    def write_all(self):
        for i in range(self.count):
            path = os.path.join(self.docroot, f"feed-{i}.rss")
            with open(path + ".tmp", "w") as f:
                f.write(self.rss(i, self.version))
            os.replace(path + ".tmp", path)

    def rotate(self):
        while not self.stopped.wait(self.period):
            self.version += 1
            self.write_all()

    @staticmethod
    def rss(i, version):
        items = []
        for k in range(max(0, version - 15), version + 1):
            number = i * 100 + k % 100  # Type letters keep L and R apart.
            for celex, title in [
                    (f"32026L{number:04d}",
                     f"Directive (EU) 2026/{number} of the European Parliament"
                     f" and of the Council on the quality of water intended "
                     f"for human consumption (feed {i}, version {k})"),
                    (f"32026R{number:04d}",
                     f"Commission Implementing Regulation (EU) 2026/"
                     f"{number} imposing a definitive anti-dumping duty "
                     f"on imports of steel fasteners (feed {i}, version {k})"),
            ]:
                items.append(
                    f"<item><title>CELEX:{celex}: {title}</title>"
                    f"<link>https://eur-lex.europa.eu/legal-content/AUTO/"
                    f"?uri=CELEX:{celex}</link>"
                    f"<guid>https://eur-lex.europa.eu/x?uri=CELLAR:{celex}"
                    f"</guid><pubDate>Tue, 30 Jun 2026 00:00:00 +0200"
                    f"</pubDate></item>")
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0">'
                f"<channel><title>feed {i}</title>" + "".join(items) +
                "</channel></rss>")


def polls_per_feed(nginx, sources):
    """Requests nginx logged per feed (200 and 304)."""
    counts = {i: 0 for i in range(sources)}
    for r in nginx.requests():
        m = re.fullmatch(r"/feed-(\d+)\.rss", r["path"])
        if m and int(m.group(1)) in counts:
            counts[int(m.group(1))] += 1
    return counts


# ----- the daemon ----------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_shim(workdir):
    so = os.path.join(workdir, "fastclock.so")
    subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", so,
                    os.path.join(REPO, "bench", "fastclock.c"), "-ldl"],
                   check=True)
    return so


def write_config(workdir, feed_base, sources, interval, metrics_port):
    lines = [
        'state_dir = "state"',
        f'rules_dir = "{REPO}/rules"',
        'contact = "bench@example.org"',
        # Timeouts run on the faked clock too: keep them long.
        "[fetch]", "allow_insecure = true", 'timeout = "2h"',
        "[mail]", 'transport = "maildir"', 'maildir = "maildir"',
        'from = "lexwatch <lexwatch@example.org>"',
        "[metrics]", f'listen = "127.0.0.1:{metrics_port}"',
    ]
    for i in range(sources):
        lines += ["[[source]]", f'name = "feed-{i:02d}"',
                  f'url = "{feed_base}/feed-{i}.rss"',
                  f'poll_interval = "{interval}"']
    for a in AGENCIES:
        lines += ["[[agency]]", f'id = "{a}"', f'name = "Etat {a}"',
                  f'addresses = ["{a}@example.org"]']
    path = os.path.join(workdir, "lexwatch.toml")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def threads_of(pid):
    try:
        return os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return []


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_ticks(pid):
    """utime + stime of the whole process (all threads), in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def ctx_switches(pid):
    """Voluntary and involuntary context switches summed over threads."""
    total = 0
    for tid in threads_of(pid):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if "ctxt_switches" in line:
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def scrape(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics",
                                timeout=10) as r:
        text = r.read().decode()
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


def total(values, prefix):
    return int(sum(v for k, v in values.items() if k.startswith(prefix)))


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise SystemExit(f"footprint: timed out waiting for {what}")


def start_daemon(binary, config, workdir, prefix=(), env=None):
    log = open(os.path.join(workdir, "daemon.log"), "a")
    return subprocess.Popen([*prefix, binary, "run", "--config", config],
                            stdout=subprocess.DEVNULL, stderr=log,
                            env=dict(os.environ, **(env or {})))


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def slope_kb_per_hour(samples):
    """Least-squares slope of RSS (kB) against simulated hours."""
    if len(samples) < 3:
        return 0.0
    xs = [s[0] for s in samples]
    ys = [s[1] for s in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0


def start_nginx(workdir):
    docroot = os.path.join(workdir, "www")
    os.makedirs(os.path.join(workdir, "nginx"))
    os.makedirs(docroot)
    return peers.Nginx(os.path.join(workdir, "nginx"), docroot).start()


def day_phase(args, sources):
    workdir = tempfile.mkdtemp(prefix=f"lexwatch-footprint-{sources}-")
    nginx = start_nginx(workdir)
    feeds = Feeds(nginx.docroot, sources, 3 * POLL_INTERVAL / args.speed)
    mport = free_port()
    config = write_config(workdir, nginx.url("").rstrip("/"), sources, "10m",
                          mport)
    real_seconds = args.hours * 3600 / args.speed
    process = start_daemon(args.binary, config, workdir, env={
        "LD_PRELOAD": build_shim(workdir), "FASTCLOCK_SPEED": str(args.speed)})
    pid = process.pid
    samples = []  # (simulated hours, VmRSS kB)
    start = time.monotonic()
    try:
        # Started: database open, rules loaded, listener up.
        wait_until(lambda: _answers(mport), 60, "the daemon")
        anon_start = status_kb(pid, "RssAnon")
        while time.monotonic() - start < real_seconds:
            if process.poll() is not None:
                raise SystemExit(f"footprint: daemon exited "
                                 f"{process.returncode}; see {workdir}")
            hours = (time.monotonic() - start) * args.speed / 3600
            samples.append((hours, status_kb(pid, "VmRSS")))
            time.sleep(1)
        values = scrape(mport)
        hwm = status_kb(pid, "VmHWM")
        anon_end = status_kb(pid, "RssAnon")
        file_end = status_kb(pid, "RssFile")
        cpu = cpu_ticks(pid) / TICK
    finally:
        stop(process)
        feeds.stopped.set()
        polls = sorted(polls_per_feed(nginx, sources).values())
        nginx.stop()
    # Steady state: after the first simulated hour (start-up, first poll).
    steady = [s for s in samples if s[0] >= 1.0]
    result = {
        "sources": sources,
        "polls_per_source_min": polls[0] if polls else 0,
        "polls_per_source_max": polls[-1] if polls else 0,
        "simulated_hours": round(samples[-1][0], 1),
        "real_seconds": round(time.monotonic() - start),
        "items_fetched": total(values, "lexwatch_source_items_fetched_total"),
        "items_new": total(values, "lexwatch_source_items_new_total"),
        "items_matched": total(values, "lexwatch_source_items_matched_total"),
        "poll_failures": total(values, "lexwatch_source_poll_failures_total"),
        "mails_sent": int(values.get(
            'lexwatch_mail_deliveries_total{outcome="sent"}', 0)),
        "rss_start_kb": samples[0][1],
        "rss_after_1h_kb": steady[0][1] if steady else None,
        "rss_end_kb": samples[-1][1],
        "rss_max_kb": max(s[1] for s in samples),
        "hwm_kb": hwm,
        "rss_anon_start_kb": anon_start,
        "rss_anon_end_kb": anon_end,
        "rss_file_end_kb": file_end,
        "rss_slope_kb_per_simulated_hour": round(slope_kb_per_hour(steady), 1),
        "cpu_seconds": round(cpu, 2),
    }
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def strace_counts(pid, seconds, workdir):
    """System calls of every thread of `pid` over `seconds` (strace -c)."""
    if shutil.which("strace") is None:
        return None
    out = os.path.join(workdir, "strace.txt")
    tracer = subprocess.Popen(["strace", "-c", "-f", "-p", str(pid),
                               "-o", out], stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    tracer.send_signal(2)
    tracer.wait(timeout=30)
    counts = {}
    with open(out) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 5 and parts[0][0].isdigit() and \
                    parts[-1] != "total":
                counts[parts[-1]] = int(parts[3])
    return counts


def idle_measure(pid, seconds):
    t0, c0 = cpu_ticks(pid), ctx_switches(pid)
    time.sleep(seconds)
    return {"cpu_ms": round((cpu_ticks(pid) - t0) * 1000 / TICK, 1),
            "ctx_switches": ctx_switches(pid) - c0,
            "threads": len(threads_of(pid))}


def idle_phase(args, sources):
    workdir = tempfile.mkdtemp(prefix=f"lexwatch-idle-{sources}-")
    nginx = start_nginx(workdir)
    Feeds(nginx.docroot, sources, 1e9)
    mport = free_port()
    config = write_config(workdir, nginx.url("").rstrip("/"), sources, "1h",
                          mport)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(os.path.join(workdir, "notify.sock"))
    messages = []

    def drain():
        while True:
            try:
                messages.append(notify.recv(4096).decode())
            except OSError:
                return
    threading.Thread(target=drain, daemon=True).start()
    process = start_daemon(args.binary, config, workdir, env={
        "NOTIFY_SOCKET": os.path.join(workdir, "notify.sock"),
        "WATCHDOG_USEC": "60000000"})
    try:
        # Start-up: every source polled once and the mail delivered.
        wait_until(lambda: _polled(mport, sources), 120, "the first polls")
        time.sleep(5)
        result = idle_measure(process.pid, args.idle)
        result["syscalls"] = strace_counts(process.pid, args.idle, workdir)
        result["watchdog_pings"] = sum(m == "WATCHDOG=1" for m in messages)
    finally:
        stop(process)
        notify.close()
        nginx.stop()
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def _answers(port):
    try:
        scrape(port)
        return True
    except OSError:
        return False


def _polled(port, sources):
    try:
        values = scrape(port)
    except OSError:
        return False
    done = sum(1 for k, v in values.items() if k.startswith(
        "lexwatch_source_last_success_timestamp_seconds") and v > 0)
    return done == sources


def sleep_baseline(seconds):
    process = subprocess.Popen(["sleep", "100000"])
    time.sleep(0.5)
    try:
        return {**idle_measure(process.pid, seconds),
                "rss_kb": status_kb(process.pid, "VmRSS")}
    finally:
        process.kill()
        process.wait()


# ----- report --------------------------------------------------------------

def mb(kb):
    return f"{kb / 1024:.1f} MB" if kb is not None else "-"


def report(day, idle, base):
    many, one = day
    rows = [
        ("polls per source", f"{many['polls_per_source_min']}–"
         f"{many['polls_per_source_max']}",
         f"{one['polls_per_source_min']}–{one['polls_per_source_max']}", "-"),
        ("items fetched / new / matched",
         f"{many['items_fetched']} / {many['items_new']} / "
         f"{many['items_matched']}",
         f"{one['items_fetched']} / {one['items_new']} / "
         f"{one['items_matched']}", "-"),
        ("polls failed (curl's low-speed limit on the fast clock)",
         many["poll_failures"], one["poll_failures"], "-"),
        ("mails written", many["mails_sent"], one["mails_sent"], "-"),
        ("VmRSS at start", mb(many["rss_start_kb"]), mb(one["rss_start_kb"]),
         mb(base["rss_kb"])),
        ("VmRSS after 1 simulated hour", mb(many["rss_after_1h_kb"]),
         mb(one["rss_after_1h_kb"]), "-"),
        ("VmRSS at end", mb(many["rss_end_kb"]), mb(one["rss_end_kb"]), "-"),
        ("VmRSS max / VmHWM", f"{mb(many['rss_max_kb'])} / "
         f"{mb(many['hwm_kb'])}",
         f"{mb(one['rss_max_kb'])} / {mb(one['hwm_kb'])}", "-"),
        ("RssAnon (heap) start → end; RssFile (code, shared) end",
         f"{mb(many['rss_anon_start_kb'])} → {mb(many['rss_anon_end_kb'])};"
         f" {mb(many['rss_file_end_kb'])}",
         f"{mb(one['rss_anon_start_kb'])} → {mb(one['rss_anon_end_kb'])};"
         f" {mb(one['rss_file_end_kb'])}", "-"),
        ("RSS slope after hour 1 (kB per simulated hour)",
         many["rss_slope_kb_per_simulated_hour"],
         one["rss_slope_kb_per_simulated_hour"], "-"),
        ("CPU over the simulated day", f"{many['cpu_seconds']} s",
         f"{one['cpu_seconds']} s", "-"),
    ]
    many_i, one_i = idle
    rows += [
        (f"idle CPU over {ARGS.idle} s", f"{many_i['cpu_ms']} ms",
         f"{one_i['cpu_ms']} ms", f"{base['cpu_ms']} ms"),
        (f"idle context switches over {ARGS.idle} s (all threads)",
         many_i["ctx_switches"], one_i["ctx_switches"], base["ctx_switches"]),
        ("threads", many_i["threads"], one_i["threads"], base["threads"]),
        (f"watchdog pings in the idle phase", many_i["watchdog_pings"],
         one_i["watchdog_pings"], "-"),
    ]
    for label, data in [("20", many_i), ("1", one_i)]:
        sc = data.get("syscalls")
        if sc is not None:
            top = sorted(sc.items(), key=lambda kv: -kv[1])
            data["syscalls_text"] = ", ".join(f"{k} {v}" for k, v in top) \
                or "none"
    rows.append((f"system calls over the next {ARGS.idle} s (strace -c -f)",
                 many_i.get("syscalls_text", "n/a"),
                 one_i.get("syscalls_text", "n/a"), "-"))
    header = ("measure", f"{many['sources']} sources",
              f"{one['sources']} source", "sleep")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        print("| " + " | ".join(str(c) for c in r) + " |")
    end = many["rss_end_kb"]
    flat = abs(many["rss_slope_kb_per_simulated_hour"]) * 24 < 1024
    print(f"\ntarget RSS <= 20 MB: {'met' if many['rss_max_kb'] <= 20480 else 'MISSED'}"
          f" (max {mb(many['rss_max_kb'])}, end {mb(end)}); flat (< 1 MB per "
          f"simulated day after hour 1): {'yes' if flat else 'NO'}")


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--hours", type=float, default=24)
    parser.add_argument("--speed", type=int, default=600)
    parser.add_argument("--idle", type=int, default=30)
    parser.add_argument("--json")
    parser.add_argument("--keep", action="store_true")
    ARGS = args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    print(f"# {os.uname().sysname} {os.uname().release} "
          f"{os.uname().machine}, {cpu_model()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    day = [day_phase(args, n) for n in (args.sources, 1)]
    idle = [idle_phase(args, n) for n in (args.sources, 1)]
    base = sleep_baseline(args.idle)
    report(day, idle, base)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"day": day, "idle": idle, "sleep": base}, f, indent=1)


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown CPU"


if __name__ == "__main__":
    main()
