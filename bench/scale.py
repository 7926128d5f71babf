#!/usr/bin/python3
"""How one lexwatch cycle grows with the archive, the rules and the agencies.

Run through bench/scale.sh. Each configuration is a real `lexwatch run
--once`: a state directory whose database already holds ITEMS archived acts,
RULES generated rules (bench/rule_gen.h) naming AGENCIES agencies, and five
file: sources of 100 new acts each (500 new acts per cycle, the same in
every configuration), delivering into Maildirs. Measured with GNU time:
user+sys CPU, wall time, peak RSS; then how each grows when one of items,
rules and agencies grows tenfold from the base, and all three together.
`lexwatch check` on the same config (config and rules loaded and compiled,
nothing polled) is shown as the fixed start-up part.
"""

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

sys.dont_write_bytecode = True  # No __pycache__ in bench/.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import check, load, machine, measure  # noqa: E402

CYCLE_SOURCES = 5
CYCLE_ITEMS = 100  # Per source: what one EUR-Lex poll returns.
SEED_FEED_ITEMS = 10000  # Per source when filling the archive.
SEED_FIRST_SERIAL = 1000000  # Archive acts never collide with new ones.

CONFIGS = [  # name, items in the archive, rules, agencies
    ("base", 10000, 1000, 500),
    ("items x10", 100000, 1000, 500),
    ("rules x10", 10000, 10000, 500),
    ("agencies x10", 10000, 1000, 5000),
    ("all x10", 100000, 10000, 5000),
]

NO_MATCH_RULE = textwrap.dedent("""\
    [[rule]]
    id = "nothing"
    topic = "planning"
    agencies = ["a0000"]
    query = 'celex:9*'
""")


def config_text(run_dir, sources, agencies):
    parts = [textwrap.dedent(f"""\
        state_dir = "{run_dir}/state"
        rules_dir = "{run_dir}/rules"
        contact = "lexwatch-bench@example.org"

        [fetch]
        allow_insecure = true
        first_run = "alert"      # the cycle's sources are new: alert anyway
        flood_limit = 1000000    # no hold: every match is mailed

        [mail]
        transport = "maildir"
        maildir = "{run_dir}/maildir"
        from = "lexwatch bench <lexwatch@example.org>"
        """)]
    for name, path in sources:
        parts.append(f'\n[[source]]\nname = "{name}"\nkind = "rss"\n'
                     f'url = "file:{path}"\n')
    for i in range(agencies):
        parts.append(f'\n[[agency]]\nid = "a{i:04d}"\nname = "Etat {i}"\n'
                     f'addresses = ["a{i:04d}@example.org"]\n')
    return "".join(parts)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def fill_archive(args, items, shm, work):
    """A state directory holding `items` archived acts, made on tmpfs (the
    archive's one fsync per act would make this the slowest part) and copied
    to `work`."""
    run_dir = os.path.join(shm, f"fill-{items}")
    os.makedirs(os.path.join(run_dir, "rules"))
    write(os.path.join(run_dir, "rules", "nothing.toml"), NO_MATCH_RULE)
    sources = []
    for i in range(items // SEED_FEED_ITEMS):
        path = os.path.join(run_dir, f"seed-{i:02d}.rss")
        check(measure([args.bench_tool, "write", path, "--items",
                       str(SEED_FEED_ITEMS), "--first",
                       str(SEED_FIRST_SERIAL + i * SEED_FEED_ITEMS)]),
              "bench_tool write")
        sources.append((f"seed-{i:02d}", path))
    config = os.path.join(run_dir, "lexwatch.toml")
    write(config, config_text(run_dir, sources, 1))
    check(measure([args.lexwatch, "run", "--once", "--config", config]),
          "lexwatch run --once (filling the archive)")
    with sqlite3.connect(os.path.join(run_dir, "state", "lexwatch.db")) as db:
        count = db.execute("SELECT count(*) FROM items").fetchone()[0]
    if count != items:
        sys.exit(f"archive holds {count} acts, expected {items}")
    kept = os.path.join(work, f"archive-{items}")
    shutil.copytree(os.path.join(run_dir, "state"), kept)
    shutil.rmtree(run_dir)
    return kept


def count_mails(maildir):
    total = 0
    if not os.path.isdir(maildir):
        return 0
    for box in os.listdir(maildir):
        new = os.path.join(maildir, box, "new")
        if os.path.isdir(new):
            total += len(os.listdir(new))
    return total


def run_config(args, work, archive, cycle_sources, name, rules, agencies,
               run):
    run_dir = os.path.join(work, f"{name.replace(' ', '-')}-{run}")
    os.makedirs(os.path.join(run_dir, "rules"))
    check(measure([args.bench_tool, "rules",
                   os.path.join(run_dir, "rules", "generated.toml"),
                   "--rules", str(rules), "--agencies", str(agencies)]),
          "bench_tool rules")
    shutil.copytree(archive, os.path.join(run_dir, "state"))
    config = os.path.join(run_dir, "lexwatch.toml")
    write(config, config_text(run_dir, cycle_sources, agencies))
    env = dict(os.environ, LC_ALL="C.UTF-8")
    startup = check(measure([args.lexwatch, "check", "--config", config],
                            env=env), "lexwatch check")
    cycle = check(measure([args.lexwatch, "run", "--once", "--config",
                           config], env=env), "lexwatch run --once")
    cycle.mails = count_mails(os.path.join(run_dir, "maildir"))
    with sqlite3.connect(os.path.join(run_dir, "state", "lexwatch.db")) as db:
        cycle.items_after = db.execute(
            "SELECT count(*) FROM items").fetchone()[0]
        cycle.queued = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
    shutil.rmtree(run_dir)
    return startup, cycle


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexwatch", required=True)
    parser.add_argument("--bench-tool", required=True)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    load_before = load()
    results = []
    with tempfile.TemporaryDirectory(prefix="lexwatch-scale-") as work, \
            tempfile.TemporaryDirectory(prefix="lexwatch-scale-",
                                        dir="/dev/shm") as shm:
        archives = {}
        for items in sorted({c[1] for c in CONFIGS}):
            started = time.perf_counter()
            archives[items] = fill_archive(args, items, shm, work)
            print(f"archive of {items} acts filled in "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
        cycle_sources = []
        for i in range(CYCLE_SOURCES):
            path = os.path.join(work, f"feed-{i:02d}.rss")
            check(measure([args.bench_tool, "write", path, "--items",
                           str(CYCLE_ITEMS), "--first",
                           str(i * CYCLE_ITEMS)]), "bench_tool write")
            cycle_sources.append((f"feed-{i:02d}", path))
        for name, items, rules, agencies in CONFIGS:
            runs = [run_config(args, work, archives[items], cycle_sources,
                               name, rules, agencies, r)
                    for r in range(args.runs)]
            results.append((name, items, rules, agencies, runs))
            print(f"{name}: done", file=sys.stderr)

    new_items = CYCLE_SOURCES * CYCLE_ITEMS
    print(f"Machine: {machine()}")
    print(f"Load:    {load_before} before, {load()} after")
    print(f"Date:    {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"Cycle:   lexwatch run --once, {CYCLE_SOURCES} file: sources x "
          f"{CYCLE_ITEMS} new acts, Maildir delivery; median of {args.runs} "
          f"run(s)")
    print()
    print(f"{'config':<13} {'items':>7} {'rules':>6} {'agencies':>8} "
          f"{'queued':>6} {'sent':>5} {'CPU':>8} {'wall':>8} {'peak RSS':>9} "
          f"{'check CPU':>9} {'check RSS':>9} {'CPU x':>6} {'RSS x':>6}")
    base = None
    for name, items, rules, agencies, runs in results:
        cpu = statistics.median(c.cpu for _, c in runs)
        wall = statistics.median(c.wall for _, c in runs)
        rss = statistics.median(c.rss_mib for _, c in runs)
        check_cpu = statistics.median(s.cpu for s, _ in runs)
        check_rss = statistics.median(s.rss_mib for s, _ in runs)
        mails = runs[0][1].mails
        queued = runs[0][1].queued
        for _, c in runs:
            if c.items_after != items + new_items:
                sys.exit(f"{name}: archive holds {c.items_after} acts after "
                         f"the cycle, expected {items + new_items}")
        if base is None:
            base = (cpu, rss)
        print(f"{name:<13} {items:>7} {rules:>6} {agencies:>8} {queued:>6} "
              f"{mails:>5} "
              f"{cpu:>7.2f}s {wall:>7.2f}s {rss:>7.1f}MB {check_cpu:>8.2f}s "
              f"{check_rss:>7.1f}MB {cpu / base[0]:>5.2f}x "
              f"{rss / base[1]:>5.2f}x")
    print()
    print("queued: alerts written to the outbox (one per matched agency "
          "and address); sent: mails delivered by the cycle (one run sends "
          "at most one dispatch batch of 500, the rest go in the next). CPU "
          "x, RSS x: the cycle's CPU time and peak memory relative to base. "
          "check: the start-up part alone (config read, rules compiled).")


if __name__ == "__main__":
    main()
