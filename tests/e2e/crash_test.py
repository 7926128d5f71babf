#!/usr/bin/python3
"""Crash test: kill -9 the real lexwatch daemon at random moments across many
restarts while it ingests a feed of ~30 matching acts and mails them to a
slow SMTP server (aiosmtpd on 127.0.0.1), then let it finish, and check that
every (item, recipient) was delivered and that any duplicate carries the
same Message-ID.

    crash_test.py --binary build/lexwatch [--restarts 50] [--seed N] [--keep]

Exit 0 when every check passes; prints the counts either way. e2e_test.py
runs it as the CTest case e2e.KillNineAcrossRestartsDeliversEveryAlert.
"""

import argparse
import email
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
import peers  # noqa: E402
from scenario import RULES, config_toml, smtp_mail  # noqa: E402

# Titles routed by scenario.RULES: water -> vav, procurement -> uke (two
# addresses), greenhouse gases -> kli.
TOPICS = [
    ("drinking water", ["vav@example.org"]),
    ("public procurement", ["uke@example.org", "innkjop@example.org"]),
    ("greenhouse gas emissions", ["kli@example.org"]),
]
ITEMS = 30


def crash_feed():
    """An RSS feed of ITEMS acts and the expected {(recipient, celex)}."""
    items, expected = [], set()
    for i in range(ITEMS):
        topic, recipients = TOPICS[i % len(TOPICS)]
        celex = f"32026R{i + 1:04d}"
        title = (f"Commission Regulation (EU) 2026/{i + 1} on {topic} "
                 f"in the Union, part {i + 1}")
        expected |= {(r, celex) for r in recipients}
        items.append(f"""  <item>
    <title>CELEX:{celex}: {title}</title>
    <link>https://eur-lex.europa.eu/./legal-content/AUTO/?uri=CELEX:{celex}</link>
    <guid>https://eur-lex.europa.eu/./legal-content/AUTO/?uri=CELLAR:crash-{i:04d}</guid>
    <pubDate>Fri, 05 Jun 2026 00:00:00 +0200</pubDate>
  </item>
""")
    rss = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">'
           "<channel><title>OJ L</title><link>https://eur-lex.europa.eu/"
           "</link><description>d</description>\n" + "".join(items) +
           "</channel></rss>\n")
    return rss, expected


def delivered(server):
    """[(recipient, celex, message-id)] of every stored message."""
    out = []
    for m in server.messages():
        text = str(m.get("Subject", "")) + "\n" + peers.text_body(m)
        celexes = {f"32026R{i + 1:04d}" for i in range(ITEMS)
                   if f"32026R{i + 1:04d}" in text}
        if len(celexes) != 1:
            raise AssertionError(f"message {m['Message-ID']} names "
                                 f"{sorted(celexes)}")
        out.append((str(m["X-RcptTo"]), celexes.pop(), str(m["Message-ID"])))
    return out


def outbox_states(db_path):
    db = sqlite3.connect(db_path, timeout=10)
    try:
        return dict(db.execute(
            "SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
    finally:
        db.close()


def run(binary, workdir, restarts, seed, log=print):
    """Runs the crash test in `workdir`; returns the counts (a dict).
    Raises AssertionError when a check fails."""
    rng = random.Random(seed)
    docroot = os.path.join(workdir, "www")
    rules_dir = os.path.join(workdir, "rules")
    os.makedirs(docroot)
    os.makedirs(rules_dir)
    for name, text in RULES.items():
        with open(os.path.join(rules_dir, name), "w") as f:
            f.write(text)
    rss, expected = crash_feed()
    with open(os.path.join(docroot, "oj.rss"), "w") as f:
        f.write(rss)
    os.makedirs(os.path.join(workdir, "nginx"))
    nginx = peers.Nginx(os.path.join(workdir, "nginx"), docroot).start()
    smtp = peers.SmtpServer(os.path.join(workdir, "smtp"), slow="0.1").start()
    config = os.path.join(workdir, "lexwatch.toml")
    with open(config, "w") as f:
        f.write(config_toml([("eurlex-oj-l", nginx.url("oj.rss"))],
                            smtp_mail(smtp.port), rules_dir))
    db_path = os.path.join(workdir, "state", "lexwatch.db")
    daemon_log = open(os.path.join(workdir, "daemon.log"), "w")
    kills = 0
    try:
        for _ in range(restarts):
            p = subprocess.Popen([binary, "run", "--config", config],
                                 stdout=subprocess.DEVNULL, stderr=daemon_log)
            time.sleep(rng.uniform(0.02, 0.5))
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                kills += 1
            p.wait(timeout=10)
        # Let it finish: --once polls, queues and delivers what is due.
        deadline = time.monotonic() + 60
        while True:
            rc = subprocess.run([binary, "run", "--once", "--config", config],
                                stdout=subprocess.DEVNULL, stderr=daemon_log,
                                timeout=60).returncode
            states = outbox_states(db_path)
            if rc == 0 and set(states) == {"sent"}:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"outbox never drained: {states}")
        got = delivered(smtp)
    finally:
        daemon_log.close()
        smtp.stop()
        nginx.stop()

    pairs = {(rcpt, celex) for rcpt, celex, _ in got}
    ids = {}
    for rcpt, celex, message_id in got:
        ids.setdefault((rcpt, celex), set()).add(message_id)
    counts = {
        "seed": seed,
        "restarts": restarts,
        "killed": kills,
        "expected": len(expected),
        "deliveries": len(got),
        "distinct": len(pairs),
        "duplicates": len(got) - len(pairs),
        "outbox": outbox_states(db_path),
    }
    log("crash test: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    missing = expected - pairs
    extra = pairs - expected
    assert not missing, f"never delivered: {sorted(missing)}"
    assert not extra, f"delivered but not expected: {sorted(extra)}"
    for key, found in ids.items():
        assert len(found) == 1, f"copies to {key} differ in Message-ID: {found}"
    assert kills >= 1, "the daemon was never killed"
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--restarts", type=int, default=50)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="lexwatch-crash-")
    try:
        run(os.path.abspath(args.binary), workdir, args.restarts, args.seed)
    except AssertionError as e:
        print(f"FAIL: {e}\n(kept {workdir})", file=sys.stderr)
        return 1
    if args.keep:
        print(f"kept {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
