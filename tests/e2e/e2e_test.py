#!/usr/bin/python3
"""End-to-end tests: the real lexwatch binary against nginx (feeds over HTTP)
and aiosmtpd (SMTP into a Maildir) on 127.0.0.1, then a look at what landed
in the Maildir and in the SQLite database.

    e2e_test.py --list                       one case name per line (CTest)
    e2e_test.py --binary build/lexwatch CASE run one case; exit 0 = pass
    e2e_test.py --binary build/lexwatch      run every case
    e2e_test.py --keep ...                   keep the temporary directories

Each case is one behaviour, in its own temporary directory, with its own
peers on free ports, torn down afterwards. On failure the case prints the
commands it ran with their output, the peers' logs and the outbox.
"""

import argparse
import contextlib
import email
import email.policy
import json
import mailbox
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean
import peers  # noqa: E402
from hostile_feeds import HostileFeedCases  # noqa: E402
from scenario import (  # noqa: E402
    ALL_ACTS, AGENCIES, ANTI_DUMPING, CONTACT, DRINKING_WATER, EXPECTED,
    MESSAGE_ID_DOMAIN, PROCUREMENT, RULES, config_toml, eurlex_rss,
    maildir_mail, smtp_mail)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(REPO, "tests", "data", "fixtures")
BINARY = os.path.join(REPO, "build", "lexwatch")
KEEP = False
RUN_TIMEOUT = 60


def celexes_in(message):
    """The CELEX numbers of ALL_ACTS that a delivered message names."""
    text = str(message.get("Subject", "")) + "\n" + peers.text_body(message)
    return {celex for celex, _ in ALL_ACTS if celex in text}


class E2E(HostileFeedCases, unittest.TestCase):
    maxDiff = None

    # ----- fixture -------------------------------------------------------

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="lexwatch-e2e-")
        self.docroot = os.path.join(self.tmp, "www")
        os.makedirs(self.docroot)
        self.rules_dir = os.path.join(self.tmp, "rules")
        os.makedirs(self.rules_dir)
        for name, text in RULES.items():
            self.write(os.path.join(self.rules_dir, name), text)
        self.state_dir = os.path.join(self.tmp, "state")
        self.config = os.path.join(self.tmp, "lexwatch.toml")
        self.peers = []
        self.runs = []
        self.diag = ""

    def tearDown(self):
        self.diag = self.diagnostics()
        for peer in reversed(self.peers):
            peer.stop()
        if KEEP:
            print(f"\n  kept {self.tmp}", flush=True)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def diagnostics(self):
        out = []
        for cmd, rc, stdout, stderr in self.runs:
            out.append(f"--- $ {' '.join(cmd)}  -> exit {rc}")
            if stdout:
                out.append("stdout:\n" + stdout.rstrip())
            if stderr:
                out.append("stderr:\n" + stderr.rstrip())
        for peer in self.peers:
            out.append(peer.diagnostics().rstrip())
        if os.path.exists(self.db_path()):
            try:
                out.append("--- outbox ---")
                for row in self.outbox():
                    out.append("  " + json.dumps(
                        {k: row[k] for k in ("id", "item_key", "agency_id",
                                             "recipient", "state", "attempts",
                                             "last_reply")}))
                out.append("--- sources ---")
                for row in self.sources():
                    out.append("  " + json.dumps(row))
            except sqlite3.Error as e:
                out.append(f"(database unreadable: {e})")
        return "\n".join(out) + "\n"

    # ----- helpers -------------------------------------------------------

    @staticmethod
    def write(path, text):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def serve(self, name, text):
        self.write(os.path.join(self.docroot, name), text)

    def start_nginx(self):
        nginx = peers.Nginx(os.path.join(self.tmp, "nginx"), self.docroot)
        os.makedirs(nginx.workdir)
        self.peers.append(nginx)
        return nginx.start()

    def smtp(self, port=None, **faults):
        """An SMTP server object, not yet started."""
        server = peers.SmtpServer(os.path.join(self.tmp, "smtp"), port=port,
                                  **faults)
        self.peers.append(server)
        return server

    def write_config(self, sources, smtp_port, rules_dir=None, agencies=None):
        """sources: [(name, url)]; mail over SMTP to 127.0.0.1:smtp_port."""
        self.write(self.config,
                   config_toml(sources, smtp_mail(smtp_port),
                               rules_dir or self.rules_dir, agencies))
        return self.config

    def lexwatch(self, *args, stdin=None, timeout=RUN_TIMEOUT, cwd=None):
        cmd = [BINARY, *args]
        try:
            p = subprocess.run(cmd, input=stdin, capture_output=True,
                               text=True, timeout=timeout, cwd=cwd,
                               env=dict(os.environ, LC_ALL="C.UTF-8"))
        except subprocess.TimeoutExpired as e:
            self.runs.append((cmd, "timeout", e.stdout or "", e.stderr or ""))
            self.fail(f"{' '.join(cmd)} did not finish within {timeout}s")
        self.runs.append((cmd, p.returncode, p.stdout, p.stderr))
        return p

    def run_once(self):
        """`lexwatch run --once`; fails the test unless it exits 0."""
        p = self.lexwatch("run", "--once", "--config", self.config)
        self.assertEqual(p.returncode, 0,
                         f"run --once exited {p.returncode}:\n{p.stderr}")
        return p

    def standard_setup(self, smtp_port=None):
        """nginx serving one OJ feed with ALL_ACTS; config pointing at it."""
        nginx = self.start_nginx()
        self.serve("oj.rss", eurlex_rss(ALL_ACTS))
        port = smtp_port or peers.free_port()
        self.write_config([("eurlex-oj-l", nginx.url("oj.rss"))], port)
        return nginx, port

    def db_path(self):
        return os.path.join(self.state_dir, "lexwatch.db")

    def query(self, sql, *params):
        self.assertTrue(os.path.exists(self.db_path()),
                        f"no database at {self.db_path()}")
        db = sqlite3.connect(self.db_path(), timeout=10)
        db.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in db.execute(sql, params)]
        finally:
            db.close()

    def outbox(self):
        return self.query("SELECT * FROM outbox ORDER BY id")

    def sources(self):
        return self.query("SELECT name, last_error, consecutive_failures, "
                          "items_seen, etag, last_modified FROM sources "
                          "ORDER BY name")

    def deliveries(self, server):
        """[(recipient, celex, message-id)] for every stored message; a
        message naming not exactly one known act fails the test."""
        result = []
        for m in server.messages():
            found = celexes_in(m)
            self.assertEqual(len(found), 1,
                             f"message {m['Message-ID']} to {m['X-RcptTo']} "
                             f"names acts {sorted(found)}")
            result.append((str(m["X-RcptTo"]), found.pop(),
                           str(m["Message-ID"])))
        return result

    def assert_delivered_exactly_once(self, server, expected=EXPECTED):
        got = sorted((rcpt, celex) for rcpt, celex, _ in
                     self.deliveries(server))
        self.assertEqual(got, sorted(expected))

    # ----- delivery ------------------------------------------------------

    def test_RunOnceDeliversToMatchedAgencies(self):
        server = self.smtp().start()
        self.standard_setup(server.port)
        self.run_once()
        self.assert_delivered_exactly_once(server)
        recipients = {str(m["X-RcptTo"]) for m in server.messages()}
        self.assertNotIn("pbe@example.org", recipients)
        self.assertNotIn("kli@example.org", recipients)
        for m in server.messages():
            self.assertNotIn(ANTI_DUMPING[0], peers.text_body(m))
            self.assertNotIn("anti-dumping", peers.text_body(m))
        self.assertEqual({r["state"] for r in self.outbox()}, {"sent"})
        self.assertEqual(len(self.outbox()), len(EXPECTED))

    def test_AgencyLanguageEnGetsEnglishMailFromTheTemplates(self):
        server = self.smtp().start()
        self.standard_setup(server.port)
        with open(self.config, encoding="utf-8") as f:
            text = f.read()
        templates = os.path.join(REPO, "config", "templates")
        text = text.replace("[mail]\n", "[mail]\ntemplates_dir = %s\n"
                            % json.dumps(templates), 1)
        text = text.replace('id = "vav"\n', 'id = "vav"\nlanguage = "en"\n', 1)
        self.write(self.config, text)
        p = self.lexwatch("check", "--config", self.config)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"mail templates from {templates}", p.stdout)
        self.run_once()
        by_rcpt = {str(m["X-RcptTo"]): m for m in server.messages()}
        vav, uke = by_rcpt["vav@example.org"], by_rcpt["uke@example.org"]
        self.assertTrue(str(vav["Subject"]).startswith(
            "[lexwatch] water and sewerage: "), str(vav["Subject"]))
        self.assertIn("New EU/EEA act that concerns Vann- og avløpsetaten",
                      peers.text_body(vav))
        self.assertIn("Why you are receiving this alert:",
                      peers.text_body(vav))
        self.assertIn(">Open the act</a>", peers.html_body(vav))
        self.assertEqual(str(vav["List-Id"]),
                         f"Vann- og avløpsetaten <vav.lexwatch."
                         f"{MESSAGE_ID_DOMAIN}>")
        # The others keep the default language, bokmål.
        self.assertIn("Hvorfor dere får dette varselet:", peers.text_body(uke))

    def test_MessageHasFixedIdAndAlertHeaders(self):
        server = self.smtp().start()
        self.standard_setup(server.port)
        self.run_once()
        rows = {(r["recipient"], r["message_id"]) for r in self.outbox()}
        messages = server.messages()
        self.assertEqual(len(messages), len(EXPECTED))
        for m in messages:
            rcpt = str(m["X-RcptTo"])
            message_id = str(m["Message-ID"])
            self.assertRegex(message_id,
                             r"^<[^<>@\s]+@" + MESSAGE_ID_DOMAIN + ">$")
            self.assertIn((rcpt, message_id[1:-1]), rows)
            self.assertEqual(str(m["Auto-Submitted"]), "auto-generated")
            self.assertEqual(m.get_content_type(), "multipart/alternative")
            self.assertEqual(
                [p.get_content_type() for p in m.iter_parts()],
                ["text/plain", "text/html"])
            self.assertIn(rcpt, str(m["To"]))
            self.assertEqual(str(m["X-MailFrom"]), "lexwatch@example.org")
            text = peers.text_body(m)
            celex = celexes_in(m).pop()
            # The mail names the rule (by its description) and the term.
            rule, term = (
                ("Drinking water quality",
                 "water intended for human consumption")
                if celex == DRINKING_WATER[0]
                else ("Public procurement", "public procurement"))
            self.assertIn(rule, text)
            self.assertIn(term, text)
            self.assertIn(f"uri=CELEX:{celex}", text)
            self.assertIn(f"uri=CELEX:{celex}", peers.html_body(m))

    def test_SameCelexInTwoFeedsMailsOncePerAgency(self):
        server = self.smtp().start()
        nginx = self.start_nginx()
        # The same act with different guids, as EUR-Lex's OJ L and
        # legislation feeds carry it.
        self.serve("oj.rss", eurlex_rss([DRINKING_WATER], guid_prefix="aaaa"))
        self.serve("legislation.rss",
                   eurlex_rss([DRINKING_WATER, PROCUREMENT],
                              guid_prefix="bbbb"))
        self.write_config([("eurlex-oj-l", nginx.url("oj.rss")),
                           ("eurlex-legislation",
                            nginx.url("legislation.rss"))], server.port)
        self.run_once()
        self.assert_delivered_exactly_once(server)
        rows = self.query("SELECT key FROM items WHERE celex = ?",
                          DRINKING_WATER[0])
        self.assertEqual(len(rows), 1, rows)
        vav_rows = [r for r in self.outbox() if r["agency_id"] == "vav"]
        self.assertEqual(len(vav_rows), 1)

    def test_SecondRunSendsNothingAndPollIsConditional(self):
        server = self.smtp().start()
        nginx, _ = self.standard_setup(server.port)
        self.run_once()
        self.run_once()
        self.assert_delivered_exactly_once(server)
        self.assertEqual(len(self.outbox()), len(EXPECTED))
        polls = [r for r in nginx.requests() if r["path"] == "/oj.rss"]
        self.assertEqual([r["status"] for r in polls], [200, 304], polls)
        self.assertEqual(polls[0]["inm"], "")
        self.assertNotEqual(polls[1]["inm"], "", "no If-None-Match sent")
        self.assertNotEqual(polls[1]["ims"], "", "no If-Modified-Since sent")
        source = self.sources()[0]
        self.assertEqual(source["last_error"] or "", "")
        self.assertEqual(source["consecutive_failures"], 0)

    def test_FetchSendsUserAgentWithContact(self):
        nginx, _ = self.standard_setup()
        self.run_once()
        requests = nginx.requests()
        self.assertTrue(requests, "nginx saw no request")
        for r in requests:
            self.assertIn("lexwatch", r["ua"])
            self.assertIn(CONTACT, r["ua"])

    def test_RelativeConfigPathReadsFileFeedsIntoMaildir(self):
        # The demo's set-up: `run --config config/demo.toml` from elsewhere,
        # file: feeds and the Maildir named relative to the config file.
        os.makedirs(os.path.join(self.tmp, "feeds"))
        self.write(os.path.join(self.tmp, "feeds", "oj.rss"),
                   eurlex_rss(ALL_ACTS))
        self.write(self.config, config_toml(
            [("eurlex-oj-l", "file:feeds/oj.rss")],
            maildir_mail("out/maildir"), "rules"))
        cwd = os.path.join(self.tmp, "cwd")
        os.makedirs(cwd)
        config = os.path.relpath(self.config, cwd)
        p = self.lexwatch("run", "--once", "--config", config, cwd=cwd)
        self.assertEqual(p.returncode, 0, p.stderr)
        root = os.path.join(self.tmp, "out", "maildir")
        self.assertTrue(os.path.isdir(root), f"no Maildir at {root}")
        got = []
        for recipient in sorted(os.listdir(root)):
            box = mailbox.Maildir(os.path.join(root, recipient),
                                  factory=None, create=False)
            for key in box.keys():
                with box.get_file(key) as f:
                    message = email.message_from_binary_file(
                        f, policy=email.policy.default)
                got += [(recipient, c) for c in celexes_in(message)]
        self.assertEqual(sorted(got), sorted(EXPECTED))
        self.assertFalse(os.path.exists(os.path.join(cwd, "state")),
                         "state_dir resolved against the working directory")

    # ----- faults --------------------------------------------------------

    def test_SmtpDownDefersThenDeliversExactlyOnce(self):
        port = peers.free_port()  # nothing listens here yet
        self.standard_setup(port)
        self.run_once()
        rows = self.outbox()
        self.assertEqual(len(rows), len(EXPECTED))
        for r in rows:
            self.assertEqual(r["state"], "deferred", r)
            self.assertEqual(r["attempts"], 1, r)
            self.assertTrue(r["last_reply"], f"no reason recorded: {r}")
        server = self.smtp(port=port).start()
        self.run_once()
        self.assertEqual({r["state"] for r in self.outbox()}, {"sent"})
        self.run_once()
        self.assert_delivered_exactly_once(server)

    def test_SmtpTemporaryRejectionIsRetriedNextCycle(self):
        server = self.smtp(fail_first=len(EXPECTED)).start()
        self.standard_setup(server.port)
        self.run_once()
        self.assertEqual(server.messages(), [])
        for r in self.outbox():
            self.assertEqual(r["state"], "deferred", r)
            self.assertIn("451", r["last_reply"], r)
        self.run_once()
        self.assert_delivered_exactly_once(server)
        self.assertEqual({r["state"] for r in self.outbox()}, {"sent"})

    def test_SmtpPermanentRejectionMarksFailedAndIsNotRetried(self):
        server = self.smtp(reject_all=1).start()
        self.standard_setup(server.port)
        self.run_once()
        self.run_once()
        for r in self.outbox():
            self.assertEqual(r["state"], "failed", r)
            self.assertIn("550", r["last_reply"], r)
        self.assertEqual(len(server.journal_entries()), len(EXPECTED))
        self.assertEqual(server.messages(), [])

    def test_BrokenFeedIsLoggedAndOtherSourcesDeliver(self):
        server = self.smtp().start()
        nginx = self.start_nginx()
        self.serve("oj.rss", eurlex_rss(ALL_ACTS))
        self.serve("feed-b.xml",
                   '<?xml version="1.0"?>\n<rss version="2.0"><channel>'
                   "<title>EEA</title><item><title>Truncated")
        self.write_config([("eea-news", nginx.url("feed-b.xml")),
                           ("eurlex-oj-l", nginx.url("oj.rss"))], server.port)
        p = self.run_once()
        broken_lines = [line for line in p.stderr.splitlines()
                        if "eea-news" in line]
        self.assertTrue(broken_lines,
                        "stderr does not name the broken source 'eea-news'")
        self.assert_delivered_exactly_once(server)
        by_name = {s["name"]: s for s in self.sources()}
        self.assertTrue(by_name["eea-news"]["last_error"])
        self.assertGreaterEqual(by_name["eea-news"]["consecutive_failures"], 1)
        self.assertEqual(by_name["eurlex-oj-l"]["last_error"] or "", "")

    def test_BrokenFeedIsRetriedAndDeliversOnceFixed(self):
        server = self.smtp().start()
        nginx = self.start_nginx()
        self.serve("oj.rss", "<html><body>Please enable JavaScript</body>")
        self.write_config([("eurlex-oj-l", nginx.url("oj.rss"))], server.port)
        self.run_once()
        self.assertEqual(server.messages(), [])
        self.assertTrue(self.sources()[0]["last_error"])
        self.serve("oj.rss", eurlex_rss(ALL_ACTS))
        self.run_once()
        self.assert_delivered_exactly_once(server)
        source = self.sources()[0]
        self.assertEqual(source["last_error"] or "", "")
        self.assertEqual(source["consecutive_failures"], 0)

    def test_KillDuringSendLosesNothing(self):
        # The server stores the first message, then holds back its 250: the
        # client cannot know whether it was delivered when it is killed.
        server = self.smtp(delay_first=1, delay=60).start()
        self.standard_setup(server.port)
        cmd = [BINARY, "run", "--once", "--config", self.config]
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while not server.delaying() and time.monotonic() < deadline:
            if process.poll() is not None:
                break
            time.sleep(0.02)
        killed = process.poll() is None
        if killed:
            process.send_signal(signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=10)
        self.runs.append((cmd, process.returncode, stdout, stderr))
        self.assertTrue(killed, "lexwatch finished before it could be killed")
        self.assertTrue(server.delaying(), "no message reached DATA")
        states = [r["state"] for r in self.outbox()]
        self.assertIn("sending", states)

        self.run_once()
        self.assertEqual({r["state"] for r in self.outbox()}, {"sent"})
        deliveries = self.deliveries(server)
        self.assertEqual({(rcpt, celex) for rcpt, celex, _ in deliveries},
                         EXPECTED)
        self.assertLessEqual(len(deliveries), len(EXPECTED) + 1)
        ids = {}
        for rcpt, celex, message_id in deliveries:
            ids.setdefault((rcpt, celex), set()).add(message_id)
        for key, found in ids.items():
            self.assertEqual(len(found), 1,
                             f"copies to {key} differ in Message-ID: {found}")

    def wait_for_log(self, path, text, process, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(path, encoding="utf-8", errors="replace") as f:
                if text in f.read():
                    return
            if process.poll() is not None:
                break
            time.sleep(0.05)
        with open(path, encoding="utf-8", errors="replace") as f:
            self.fail(f"no log line with {text!r}; log:\n{f.read()}")

    @contextlib.contextmanager
    def running_daemon(self):
        """The real daemon on self.config, stderr to a log file. Yields
        (process, log path); a daemon the case left running is killed."""
        log = os.path.join(self.tmp, "daemon.log")
        cmd = [BINARY, "run", "--config", self.config]
        with open(log, "w") as err:
            process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                       stderr=err)
        try:
            yield process, log
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            with open(log, encoding="utf-8", errors="replace") as f:
                self.runs.append((cmd, process.returncode, "", f.read()))

    def test_SighupWithBrokenRulesKeepsTheLastGoodRules(self):
        server = self.smtp().start()
        self.standard_setup(server.port)
        with self.running_daemon() as (process, log):
            self.wait_for_log(log, "outbox: sent=", process)
            self.write(os.path.join(self.rules_dir, "water.toml"),
                       '[[rule]]\nid = "water-drinking"\ntopic = "water"\n'
                       'agencies = ["vav"]\nany = ["drinking water"]\n'
                       'titel = 1\n')
            process.send_signal(signal.SIGHUP)
            self.wait_for_log(log, "reload refused", process)
            p = self.lexwatch("status", "--config", self.config)
            self.assertIn("last reload REFUSED at", p.stdout)
            self.assertIn("water.toml:6:1: unknown field 'titel' in rule "
                          "'water-drinking'", p.stdout)
            self.assertIn("(the rules loaded before stay in force)", p.stdout)
            self.assertIsNone(process.poll(), "daemon exited on a bad reload")
            process.send_signal(signal.SIGTERM)
            self.assertEqual(process.wait(timeout=30), 0)
        self.assert_delivered_exactly_once(server)

    def test_ReleasedFloodIsSentAtOnceOnReload(self):
        # Both matching acts of the first poll are more than flood_limit:
        # held. `release` queues them while the daemon runs; SIGHUP sends
        # them without waiting for the next poll (an hour away).
        server = self.smtp().start()
        self.standard_setup(server.port)
        with open(self.config, encoding="utf-8") as f:
            text = f.read()
        self.write(self.config, text.replace(
            'first_run = "alert"\n', 'first_run = "alert"\nflood_limit = 1\n',
            1))
        with self.running_daemon() as (process, log):
            self.wait_for_log(log, "flood: 2 new matches in one poll",
                              process)
            p = self.lexwatch("release", "eurlex-oj-l", "--config",
                              self.config)
            self.assertEqual(p.returncode, 0, p.stderr)
            # Only the summary on stdout; the log lines go to stderr in the
            # daemon's format.
            self.assertEqual(
                p.stdout,
                "source 'eurlex-oj-l': released 2 of 2 held items; 2 match "
                "the rules in force, 3 messages queued (a running daemon "
                "sends them after its next poll, or at once on systemctl "
                "reload lexwatch)\n")
            self.assertRegex(
                p.stderr,
                r"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d info queued "
                r"source=eurlex-oj-l item=celex:")
            time.sleep(1)  # Nothing is sent before the reload.
            self.assertEqual(server.messages(), [])
            process.send_signal(signal.SIGHUP)
            self.wait_for_log(log, "outbox: sent=3", process)
            self.assertIsNone(process.poll())
            process.send_signal(signal.SIGTERM)
            self.assertEqual(process.wait(timeout=30), 0)
        self.assert_delivered_exactly_once(server)

    def test_SystemdNotifyReadyWatchdogReloadStopping(self):
        import socket
        server = self.smtp().start()
        self.standard_setup(server.port)
        path = os.path.join(self.tmp, "notify.sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(10)
        env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="400000")
        cmd = [BINARY, "run", "--config", self.config]
        process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, env=env)
        got = []

        def until(prefix, limit=200):
            for _ in range(limit):
                message = sock.recv(4096).decode()
                got.append(message)
                if message.startswith(prefix):
                    return message
            self.fail(f"no {prefix!r} among {got}")

        try:
            ready = until("READY=1")
            self.assertIn("STATUS=1 sources", ready)
            until("WATCHDOG=1")
            until("WATCHDOG=1")
            process.send_signal(signal.SIGHUP)
            until("RELOADING=1")
            until("READY=1")
            process.send_signal(signal.SIGTERM)
            until("STOPPING=1")
            self.assertEqual(process.wait(timeout=30), 0)
        finally:
            if process.poll() is None:
                process.kill()
            _, stderr = process.communicate(timeout=10)
            self.runs.append((cmd, process.returncode, "\n".join(got), stderr))
            sock.close()
        self.assertLess(got.index("RELOADING=1"), len(got) - 1)

    def test_ActRecordedByANewSourceIsAlertedWhenAnEstablishedFeedListsIt(self):
        # An established OJ feed; a source added later records its backlog
        # on its first poll, including an act the OJ feed lists only later.
        # When it does, the agency is mailed; the new source stays quiet.
        server = self.smtp().start()
        nginx = self.start_nginx()
        act = ("32026L0777", "Directive (EU) 2026/777 on drinking water")
        self.serve("oj.rss", eurlex_rss([ANTI_DUMPING], guid_prefix="aaaa"))
        self.serve("new.rss", eurlex_rss([act], guid_prefix="bbbb"))
        oj = ("eurlex-oj-l", nginx.url("oj.rss"))
        self.write_config([oj], server.port)
        self.run_once()
        self.write_config([oj, ("new", nginx.url("new.rss"))], server.port)
        with open(self.config, encoding="utf-8") as f:
            text = f.read()
        self.write(self.config, text.replace(
            'name = "new"\n', 'name = "new"\nfirst_run = "record"\n'))
        p = self.run_once()
        self.assertIn("source=new first poll: recorded 1 new items without "
                      'alerting (first_run = "record")', p.stderr)
        self.assertEqual(server.messages(), [])

        self.serve("oj.rss", eurlex_rss([ANTI_DUMPING, act],
                                        guid_prefix="aaaa"))
        # Changed too, so it answers 200 and its items are looked at.
        self.serve("new.rss", eurlex_rss([act, ANTI_DUMPING],
                                         guid_prefix="bbbb"))
        p = self.run_once()
        self.assertIn("source=eurlex-oj-l items=2 new=0 matched=1 queued=1",
                      p.stderr)
        self.assertIn("source=new items=2 new=0 matched=0 queued=0", p.stderr)
        mails = server.messages()
        self.assertEqual([str(m["X-RcptTo"]) for m in mails],
                         ["vav@example.org"])
        self.assertIn("32026L0777", peers.text_body(mails[0]))
        self.run_once()
        self.assertEqual(len(server.messages()), 1)

    def test_CellarMetadataRematchesWithoutAlertingTwice(self):
        # The act first arrives through the OJ feed and reaches the agency
        # whose rule looks at the title. CELLAR later brings its EuroVoc
        # descriptors: the agency whose rule needs them is alerted, the
        # first one is not alerted again.
        server = self.smtp().start()
        nginx = self.start_nginx()
        batteries = ("32023R1542",
                     "Regulation (EU) 2023/1542 of the European Parliament and "
                     "of the Council of 12 July 2023 concerning batteries and "
                     "waste batteries (Text with EEA relevance)")
        self.serve("oj.rss", eurlex_rss([batteries]))
        with open(os.path.join(FIXTURES, "cellar-sparql-results.xml")) as f:
            self.serve("sparql", f.read())
        self.write(os.path.join(self.rules_dir, "eurovoc.toml"),
                   '[[rule]]\nid = "circular-eurovoc"\ntopic = "sustainability"\n'
                   'agencies = ["kli"]\nquery = \'eurovoc:"circular economy"\'\n'
                   '[[rule]]\nid = "batteries"\ntopic = "sustainability"\n'
                   'agencies = ["pbe"]\nany = ["batteries"]\n')
        self.write_config([("eurlex-oj-l", nginx.url("oj.rss"))], server.port)
        def delivered():
            return sorted((str(m["X-RcptTo"]),
                           "32023R1542" in peers.text_body(m))
                          for m in server.messages())

        self.run_once()
        self.assertEqual(delivered(), [("pbe@example.org", True)])
        self.write_config([("eurlex-oj-l", nginx.url("oj.rss")),
                           ("cellar", nginx.url("sparql"), "cellar")],
                          server.port)
        self.run_once()
        self.assertEqual(delivered(), [("kli@example.org", True),
                                       ("pbe@example.org", True)])
        row = self.query("SELECT eurovoc FROM items WHERE key = ?",
                         "celex:32023R1542")[0]
        self.assertIn("circular economy", row["eurovoc"])
        self.assertIn(("/sparql", "200"),
                      [(r["path"], str(r["status"])) for r in nginx.requests()])

    # ----- digests -------------------------------------------------------

    def run_once_at(self, unix_seconds):
        """`run --once` with the daemon's clock set to `unix_seconds` through
        LEXWATCH_FAKE_NOW (a test-only knob; time then runs on normally)."""
        os.environ["LEXWATCH_FAKE_NOW"] = str(unix_seconds)
        try:
            return self.run_once()
        finally:
            del os.environ["LEXWATCH_FAKE_NOW"]

    def test_DailyDigestGroupsActsAndReplacesSingleAlerts(self):
        # vav is on a daily 08:00 (Oslo) cadence and has two acts on two
        # topics; uke stays immediate. The slot falls on 2026-03-29, the day
        # summer time starts: 08:00 CEST is 06:00 UTC.
        server = self.smtp().start()
        self.write(os.path.join(self.rules_dir, "vav-procurement.toml"),
                   '[[rule]]\nid = "procurement-vav"\ntopic = "procurement"\n'
                   'agencies = ["vav"]\ndescription = "Procurement for water"\n'
                   'any = ["public procurement"]\n')
        self.standard_setup(server.port)
        with open(self.config, encoding="utf-8") as f:
            text = f.read()
        text = text.replace('id = "vav"\n',
                            'id = "vav"\ncadence = "daily 08:00"\n')
        if "first_run" not in text:  # Alert on the feed's first poll.
            text = text.replace("[fetch]\n", '[fetch]\nfirst_run = "alert"\n')
        self.write(self.config, text)
        saturday = 1774688400   # 2026-03-28 09:00 UTC, 10:00 in Oslo
        sunday_slot = 1774764000  # 2026-03-29 06:00 UTC, 08:00 CEST

        self.run_once_at(saturday)
        recipients = sorted(str(m["X-RcptTo"]) for m in server.messages())
        self.assertEqual(recipients, ["innkjop@example.org", "uke@example.org"])
        waiting = self.query("SELECT item_key, agency_id FROM digest_pending "
                             "WHERE digest_id IS NULL ORDER BY item_key")
        self.assertEqual(waiting, [
            {"item_key": "celex:32014L0024", "agency_id": "vav"},
            {"item_key": "celex:32020L2184", "agency_id": "vav"}])
        p = self.lexwatch("status", "--config", self.config)
        self.assertIn("Digests (Europe/Oslo):\n  vav (daily 08:00): 2 waiting\n",
                      p.stdout)

        self.run_once_at(sunday_slot - 60)  # 07:59: not yet.
        self.assertEqual(len(server.messages()), 2)

        self.run_once_at(sunday_slot + 30)
        to_vav = [m for m in server.messages()
                  if str(m["X-RcptTo"]) == "vav@example.org"]
        self.assertEqual(len(to_vav), 1, "one digest, no single alerts")
        digest = to_vav[0]
        body = peers.text_body(digest)
        self.assertNotIn(ANTI_DUMPING[0], body)
        self.assertIn("oversikt", str(digest["Subject"]).lower())
        # Grouped by topic: each act comes after its topic's heading and
        # not after the other topic's heading.
        topics = {"vann og avløp": DRINKING_WATER[0],
                  "offentlige anskaffelser": PROCUREMENT[0]}
        starts = {t: body.find(t) for t in topics}
        for topic, celex in topics.items():
            self.assertIn(celex, body)
            at = body.find(celex)
            heading = max((s, t) for t, s in starts.items() if 0 <= s < at)
            self.assertEqual(heading[1], topic, body)
        self.assertTrue(str(digest["Message-ID"]).endswith(
            "-vav@" + MESSAGE_ID_DOMAIN + ">"), digest["Message-ID"])
        rows = self.query("SELECT state, reasons FROM outbox "
                          "WHERE agency_id = 'vav'")
        self.assertEqual(rows, [{
            "state": "sent",
            "reasons": "digest (daily) of 2 acts: celex:32014L0024, "
                       "celex:32020L2184"}])

        self.run_once_at(sunday_slot + 600)  # Same slot again: nothing new.
        self.assertEqual(len(server.messages()), 3)

    def test_RunningDaemonWakesForTheDigestSlot(self):
        # No poll is due and nothing is queued: only the dispatch timer,
        # armed for the slot, can make the digest.
        server = self.smtp().start()
        nginx, _ = self.standard_setup(server.port)
        with open(self.config, encoding="utf-8") as f:
            text = f.read().replace('id = "vav"\n',
                                    'id = "vav"\ncadence = "daily 08:00"\n')
        if "first_run" not in text:
            text = text.replace("[fetch]\n", '[fetch]\nfirst_run = "alert"\n')
        self.write(self.config, text)
        slot = 1774764000  # 2026-03-29 08:00 CEST
        self.run_once_at(slot - 1800)  # The next poll is due at 08:30.
        self.assertEqual(len(self.query("SELECT 1 FROM digest_pending")), 1)
        sent_before = len(server.messages())
        polls_before = len(nginx.requests())

        cmd = [BINARY, "run", "--config", self.config]
        process = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, LC_ALL="C.UTF-8",
                     LEXWATCH_FAKE_NOW=str(slot - 3)))
        try:
            deadline = time.monotonic() + 30
            while (time.monotonic() < deadline and
                   len(server.messages()) == sent_before):
                time.sleep(0.2)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=30)
            self.runs.append((cmd, process.returncode, "", stderr))
        to_vav = [m for m in server.messages()
                  if str(m["X-RcptTo"]) == "vav@example.org"]
        self.assertEqual(len(to_vav), 1, "the digest, made at the slot")
        self.assertIn(DRINKING_WATER[0], peers.text_body(to_vav[0]))
        self.assertEqual(len(nginx.requests()), polls_before, "no poll")
        self.assertEqual(process.returncode, 0)

    def test_FailingSourceTellsTheAdminOnceAndAgainOnRecovery(self):
        server = self.smtp().start()
        nginx = self.start_nginx()
        self.serve("oj.rss", "<rss><channel><item><title>broken")
        self.write_config([("eurlex-oj-l", nginx.url("oj.rss"))], server.port)
        with open(self.config, encoding="utf-8") as f:
            text = f.read()
        text = text.replace('poll_interval = "1h"',
                            'poll_interval = "1h"\nexpected_period = "0s"')
        text += '\n[admin]\naddress = "admin@example.org"\n'
        self.write(self.config, text)

        def admin_subjects():
            return [str(m["Subject"]) for m in server.messages()
                    if str(m["X-RcptTo"]) == "admin@example.org"]

        self.run_once()
        self.run_once()
        subjects = admin_subjects()
        self.assertEqual(len(subjects), 1, subjects)
        self.assertIn("Kilden eurlex-oj-l har feilet siden", subjects[0])
        self.serve("oj.rss", eurlex_rss(ALL_ACTS))
        self.run_once()
        subjects = admin_subjects()
        self.assertEqual(len(subjects), 2, subjects)
        self.assertIn("Kilden eurlex-oj-l virker igjen", subjects[1])
        self.assertEqual(self.sources()[0]["last_error"], "")

    # ----- check ---------------------------------------------------------

    def test_CheckAcceptsDemoConfig(self):
        p = self.lexwatch("check", "--config",
                          os.path.join(REPO, "config", "demo.toml"))
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_CheckReportsUnknownRuleFieldWithPosition(self):
        self.write_config([("eurlex-oj-l", "http://127.0.0.1:9/oj.rss")], 25)
        bad = os.path.join(self.rules_dir, "water.toml")
        self.write(bad, '[[rule]]\nid = "water-drinking"\n'
                        'titel = "drinking water"\ntopic = "water"\n'
                        'agencies = ["vav"]\nany = ["drinking water"]\n')
        p = self.lexwatch("check", "--config", self.config)
        self.assertEqual(p.returncode, 1, p.stderr)
        lines = [line for line in p.stderr.splitlines()
                 if line.startswith(f"{bad}:3:1: ")]
        self.assertEqual(len(lines), 1,
                         f"expected one line starting '{bad}:3:1: '")
        self.assertIn("titel", lines[0])

    def test_CheckReportsBadAddressWithPosition(self):
        agencies = AGENCIES + [("bad", "Bad", ["not an address"])]
        self.write_config([("eurlex-oj-l", "http://127.0.0.1:9/oj.rss")], 25,
                          agencies=agencies)
        with open(self.config, encoding="utf-8") as f:
            line = f.read().splitlines().index(
                'addresses = ["not an address"]') + 1
        p = self.lexwatch("check", "--config", self.config)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(f"{self.config}:{line}:14: bad address", p.stderr)

    # ----- match ---------------------------------------------------------

    def match_config(self):
        return self.write_config(
            [("eurlex-oj-l", "http://127.0.0.1:9/oj.rss")], 25)

    def parse_json_lines(self, stdout):
        objects = []
        for line in stdout.splitlines():
            obj = json.loads(line)
            self.assertEqual(set(obj),
                             {"id", "celex", "title", "link", "matches"}, obj)
            for m in obj["matches"]:
                self.assertEqual(list(m), ["rule", "topic", "priority",
                                           "agencies", "terms", "fields"], m)
                self.assertEqual(len(m["fields"]), len(m["terms"]), m)
            objects.append(obj)
        return objects

    def test_MatchJsonPrintsContractKeys(self):
        self.match_config()
        fixture = os.path.join(FIXTURES, "eurlex-oj-l.rss")
        p = self.lexwatch("match", "--config", self.config, "--json", fixture)
        self.assertEqual(p.returncode, 0, p.stderr)
        objects = self.parse_json_lines(p.stdout)
        self.assertEqual(len(objects), 7)
        by_celex = {o["celex"]: o for o in objects}
        self.assertEqual(
            by_celex["32024R0573"]["matches"],
            [{"rule": "sustainability-ghg", "topic": "sustainability",
              "priority": "normal", "agencies": ["kli"],
              "terms": ["greenhouse gas*"], "fields": ["title"]}])
        self.assertEqual(by_celex["32024R2754"]["matches"], [])
        self.assertIn("32023R1115", by_celex)  # CELEX from the title
        self.assertIn("32023R1542R(02)", by_celex)  # corrigendum
        # The feed's "/./" may be normalised away; the act must stay linked.
        self.assertRegex(
            by_celex["32024L1760"]["link"],
            r"^https://eur-lex\.europa\.eu/(\./)?legal-content/AUTO/"
            r"\?uri=CELEX:32024L1760$")
        for o in objects:
            self.assertIsInstance(o["id"], str)
            self.assertTrue(o["id"])

    def test_MatchReadsStdinAndOpensNoDatabase(self):
        self.match_config()
        p = self.lexwatch("match", "--config", self.config, "--json", "-",
                          stdin=eurlex_rss(ALL_ACTS))
        self.assertEqual(p.returncode, 0, p.stderr)
        objects = self.parse_json_lines(p.stdout)
        self.assertEqual([o["celex"] for o in objects],
                         [celex for celex, _ in ALL_ACTS])
        self.assertEqual([m["rule"] for o in objects for m in o["matches"]],
                         ["water-drinking", "procurement-public"])
        self.assertFalse(os.path.exists(self.db_path()),
                         "match created a database")

    def test_MatchRejectsMissingFeedFile(self):
        self.match_config()
        missing = os.path.join(self.tmp, "missing.rss")
        p = self.lexwatch("match", "--config", self.config, missing)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(missing, p.stderr)

    # ----- status and command line ---------------------------------------

    def test_StatusReportsSourcesAndOutbox(self):
        server = self.smtp().start()
        self.standard_setup(server.port)
        self.run_once()
        p = self.lexwatch("status", "--config", self.config)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("eurlex-oj-l", p.stdout)
        self.assertRegex(p.stdout, rf"\bsent\W{{0,3}}{len(EXPECTED)}\b")

    def test_VersionPrintsVersion(self):
        p = self.lexwatch("--version")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"lexwatch.*\d+\.\d+\.\d+")

    def test_UnknownCommandIsUsageError(self):
        p = self.lexwatch("stauts", "--config", "x.toml")
        self.assertEqual(
            (p.returncode, p.stdout, p.stderr),
            (2, "", "lexwatch: unknown command 'stauts' (commands: run, "
                    "check, match, backtest, status, release, outbox)\n"))
        p = self.lexwatch("outbox", "--config", "x.toml", "lsit")
        self.assertEqual(
            (p.returncode, p.stdout, p.stderr),
            (2, "", "lexwatch outbox: unknown command 'lsit' (commands: "
                    "list, show, retry, cancel)\n"))

    def test_UnknownOptionIsUsageError(self):
        p = self.lexwatch("run", "--frobnicate")
        self.assertEqual(
            (p.returncode, p.stdout, p.stderr),
            (2, "", "The following argument was not expected: --frobnicate\n"
                    "Run with --help for more information.\n"))

    def test_HelpWorksOnEveryCommand(self):
        for command in ([], ["run"], ["check"], ["match"], ["status"]):
            p = self.lexwatch(*command, "--help")
            self.assertEqual(p.returncode, 0, f"{command}: {p.stderr}")
            self.assertIn("--config" if command else "run", p.stdout)

    def test_RunWithMissingConfigFails(self):
        missing = os.path.join(self.tmp, "nope.toml")
        p = self.lexwatch("run", "--once", "--config", missing)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(missing, p.stderr)

    def test_ReadOnlyCommandsWithoutADatabaseCreateNothing(self):
        # A wrong --config (or one before the first run) must not look like
        # an empty archive: say so, exit 3, and leave no state behind.
        self.match_config()
        db = self.db_path()
        hint = (f": no database at {db} (has lexwatch run yet? check "
                "state_dir in the config)\n")
        for name, args in (("status", []), ("status", ["--json"]),
                           ("backtest", ["--rules", self.rules_dir]),
                           ("outbox list", []), ("outbox show", ["1"])):
            p = self.lexwatch(*name.split(), *args, "--config", self.config)
            self.assertEqual((p.returncode, p.stdout, p.stderr),
                             (3, "", f"lexwatch {name}{hint}"), name)
        self.assertFalse(os.path.exists(self.state_dir),
                         "a read-only command created the state directory")

    # ----- crash (delivery reliability; see crash_test.py) ---------------

    def test_KillNineAcrossRestartsDeliversEveryAlert(self):
        import crash_test
        seed = int(os.environ.get("LEXWATCH_CRASH_SEED", time.time()))
        workdir = os.path.join(self.tmp, "crash")
        os.makedirs(workdir)
        try:
            counts = crash_test.run(BINARY, workdir, 50, seed)
        except AssertionError as e:
            self.fail(f"{e} (seed {seed}; rerun with LEXWATCH_CRASH_SEED)")
        self.assertEqual(counts["killed"], 50)
        self.assertEqual(counts["distinct"], counts["expected"])

    # ----- outbox administration -----------------------------------------

    def test_OutboxListShowRetryCancelFailedMessages(self):
        server = self.smtp(reject_all=1).start()
        self.standard_setup(server.port)
        self.run_once()
        p = self.lexwatch("outbox", "list", "--state", "failed", "--json",
                          "--config", self.config)
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = [json.loads(line) for line in p.stdout.splitlines()]
        self.assertEqual(len(rows), len(EXPECTED))
        self.assertEqual({r["state"] for r in rows}, {"failed"})
        self.assertEqual({r["last_code"] for r in rows}, {550})
        first = rows[-1]["id"]
        p = self.lexwatch("outbox", "show", str(first), "--config",
                          self.config)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"message-id:   <{rows[-1]['message_id']}>", p.stdout)
        self.assertIn("Auto-Submitted: auto-generated", p.stdout)
        self.assertIn("last reply:   550 ", p.stdout)
        p = self.lexwatch("outbox", "retry", str(first), "--config",
                          self.config)
        self.assertEqual(p.stdout,
                         f"outbox message {first} is queued and due now\n")
        p = self.lexwatch("outbox", "cancel", str(rows[0]["id"]), "--config",
                          self.config)
        self.assertEqual(p.returncode, 0, p.stderr)
        states = {r["id"]: r["state"] for r in self.outbox()}
        self.assertEqual(states[first], "queued")
        self.assertEqual(states[rows[0]["id"]], "cancelled")
        for action in ("show", "retry", "cancel"):
            p = self.lexwatch("outbox", action, "999", "--config",
                              self.config)
            self.assertEqual((p.returncode, p.stdout, p.stderr),
                             (1, "", "no outbox message 999\n"), action)

    def test_OutboxListStateSentShowsTheSentLog(self):
        server = self.smtp().start()
        self.standard_setup(server.port)
        self.run_once()
        p = self.lexwatch("outbox", "list", "--state", "sent", "--json",
                          "--config", self.config)
        self.assertEqual(p.returncode, 0, p.stderr)
        log = [json.loads(line) for line in p.stdout.splitlines()]
        self.assertEqual(sorted(e["recipient"] for e in log),
                         sorted(rcpt for rcpt, _ in EXPECTED))
        delivered = {str(m["Message-ID"]) for m in server.messages()}
        self.assertEqual({f"<{e['message_id']}>" for e in log}, delivered)
        for e in log:
            self.assertTrue(e["reply"].startswith("250"), e)
            self.assertTrue(e["reasons"], e)
        p = self.lexwatch("outbox", "cancel", str(log[0]["outbox_id"]),
                          "--config", self.config)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, f"outbox message {log[0]['outbox_id']}: "
                                   "it is sent, not cancelled\n")

    def test_OutboxListLimitMustBePositive(self):
        server = self.smtp(reject_all=1).start()
        self.standard_setup(server.port)
        self.run_once()
        for limit in ("0", "-3"):
            p = self.lexwatch("outbox", "list", "--limit", limit, "--config",
                              self.config)
            self.assertEqual(
                (p.returncode, p.stdout, p.stderr),
                (2, "", f"--limit: Value {limit} not in range 1 to "
                        "2147483647\nRun with --help for more information.\n"))
        p = self.lexwatch("outbox", "list", "--limit", "2", "--config",
                          self.config)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 2, p.stdout)

    # ----- metrics, health and the unit's syscall filter -----------------

    def with_metrics(self):
        """Adds [metrics] on a free loopback port; returns the base URL."""
        port = peers.free_port()
        with open(self.config, encoding="utf-8") as f:
            text = f.read()
        if "first_run" not in text:  # Alert on the first poll too.
            text = text.replace("[fetch]\n", '[fetch]\nfirst_run = "alert"\n', 1)
        self.write(self.config,
                   text + f'\n[metrics]\nlisten = "127.0.0.1:{port}"\n')
        return f"http://127.0.0.1:{port}"

    def start_daemon(self, prefix=()):
        """`lexwatch run` in the background (under `prefix`, if any)."""
        log = os.path.join(self.tmp, "daemon.log")
        cmd = [*prefix, BINARY, "run", "--config", self.config]
        err = open(log, "w")
        process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        err.close()
        return cmd, log, process

    def stop_daemon(self, cmd, log, process):
        """SIGTERM; returns the exit code (-9 if it had to be killed)."""
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with open(log, encoding="utf-8", errors="replace") as f:
            self.runs.append((cmd, process.returncode, "", f.read()))
        return process.returncode

    @staticmethod
    def http(url, method="GET"):
        """(status, body) of one request to the daemon's listener."""
        import urllib.error
        import urllib.request
        try:
            with urllib.request.urlopen(
                    urllib.request.Request(url, method=method),
                    timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def scrape_until(self, base, line, process, timeout=30):
        """The /metrics text once it holds `line`; fails the test if not."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline and process.poll() is None:
            status, text = self.http(base + "/metrics")
            self.assertEqual(status, 200, text)
            if line in text.splitlines():
                return text
            time.sleep(0.1)
        self.fail(f"no {line!r} in /metrics:\n{text}")

    def test_MetricsAndHealthzAfterOnePoll(self):
        server = self.smtp().start()
        self.standard_setup(server.port)
        base = self.with_metrics()
        cmd, log, process = self.start_daemon()
        try:
            self.wait_for_log(log, "metrics: serving", process)
            acts = len(ALL_ACTS)
            matched = len({celex for _, celex in EXPECTED})
            rules = sum(text.count("[[rule]]") for text in RULES.values())
            text = self.scrape_until(
                base, 'lexwatch_mail_deliveries_total{outcome="sent"} '
                f"{len(EXPECTED)}", process)
            for line in [
                    'lexwatch_source_items_fetched_total{source="eurlex-oj-l"}'
                    f" {acts}",
                    f'lexwatch_source_items_new_total{{source="eurlex-oj-l"}} '
                    f"{acts}",
                    'lexwatch_source_items_matched_total{source="eurlex-oj-l"}'
                    f" {matched}",
                    'lexwatch_source_poll_failures_total{source="eurlex-oj-l"}'
                    " 0",
                    'lexwatch_mail_deliveries_total{outcome="failed"} 0',
                    f'lexwatch_outbox_messages{{state="sent"}} {len(EXPECTED)}',
                    "lexwatch_outbox_oldest_waiting_age_seconds 0",
                    f"lexwatch_rules_loaded {rules}"]:
                self.assertIn(line, text.splitlines())
            success = [ln for ln in text.splitlines() if ln.startswith(
                "lexwatch_source_last_success_timestamp_seconds{")]
            self.assertEqual(len(success), 1, text)
            self.assertLess(abs(int(success[0].split()[-1]) - time.time()),
                            120)
            self.assertEqual(self.http(base + "/healthz"), (200, "ok\n"))
            self.assertEqual(self.http(base + "/metrics", "POST"),
                             (405, "only GET is allowed\n"))
        finally:
            rc = self.stop_daemon(cmd, log, process)
        self.assertEqual(rc, 0)

    def test_HealthzIs503WhenEverySourceFails(self):
        server = self.smtp().start()
        nginx = self.start_nginx()
        self.write_config([("gone", nginx.url("missing.rss"))], server.port)
        base = self.with_metrics()
        cmd, log, process = self.start_daemon()
        try:
            self.wait_for_log(log, "poll failed", process)
            self.assertEqual(self.http(base + "/healthz"),
                             (503, "every source is failing (lexwatch "
                                   "status)\n"))
            self.scrape_until(
                base, 'lexwatch_source_poll_failures_total{source="gone"} 1',
                process)
        finally:
            rc = self.stop_daemon(cmd, log, process)
        self.assertEqual(rc, 0)

    def test_CheckRefusesMetricsOnANonLoopbackAddress(self):
        self.standard_setup()
        with open(self.config, "a", encoding="utf-8") as f:
            f.write('\n[metrics]\nlisten = "0.0.0.0:9464"\n')
        line = len(open(self.config, encoding="utf-8").read().splitlines())
        p = self.lexwatch("check", "--config", self.config)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(
            p.stderr,
            f"{self.config}:{line}:10: 'listen' address 0.0.0.0 is not a "
            "loopback address: /metrics and /healthz are served to this "
            "machine only (127.0.0.1 or [::1])\n")

    def test_DaemonRunsUnderTheUnitsSyscallFilter(self):
        """The unit's SystemCallFilter= as a seccomp filter (kill on any
        other call): a daemon start, poll, delivery, scrape, reload and stop,
        and a `run --once`, must all get through it."""
        import syscall_filter
        why = syscall_filter.available()
        if why:
            self.skipTest(why)
        unit = os.path.join(REPO, "systemd", "lexwatch.service")
        prefix = [sys.executable, os.path.join(HERE, "syscall_filter.py"),
                  unit, "--"]
        server = self.smtp().start()
        self.standard_setup(server.port)
        base = self.with_metrics()
        if os.geteuid() == 0:  # syscall_filter.py runs it as nobody.
            for root, dirs, files in os.walk(self.tmp):
                for name in [root] + [os.path.join(root, n)
                                      for n in dirs + files]:
                    os.chown(name, syscall_filter.NOBODY,
                             syscall_filter.NOBODY)
        cmd, log, process = self.start_daemon(prefix)
        try:
            self.wait_for_log(log, "metrics: serving", process)
            self.scrape_until(
                base, 'lexwatch_mail_deliveries_total{outcome="sent"} '
                f"{len(EXPECTED)}", process)
            self.assertEqual(self.http(base + "/healthz"), (200, "ok\n"))
            process.send_signal(signal.SIGHUP)
            self.wait_for_log(log, "reloaded", process)
        finally:
            rc = self.stop_daemon(cmd, log, process)
        self.assertEqual(rc, 0, "killed by the filter (-31 is SIGSYS)"
                         if rc == -signal.SIGSYS else f"exit {rc}")
        self.assert_delivered_exactly_once(server)
        p = subprocess.run([*prefix, BINARY, "run", "--once", "--config",
                            self.config], capture_output=True, text=True,
                           timeout=RUN_TIMEOUT)
        self.runs.append((prefix + ["run", "--once"], p.returncode, p.stdout,
                          p.stderr))
        self.assertEqual(p.returncode, 0)


def case_names():
    loader = unittest.TestLoader()
    return [name[len("test_"):] for name in loader.getTestCaseNames(E2E)]


def main():
    global BINARY, KEEP
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--binary", default=BINARY)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args()
    if args.list:
        print("\n".join(case_names()))
        return 0
    BINARY = os.path.abspath(args.binary)
    KEEP = args.keep
    if not os.access(BINARY, os.X_OK):
        print(f"no lexwatch binary at {BINARY}", file=sys.stderr)
        return 1
    names = args.cases or case_names()
    unknown = set(names) - set(case_names())
    if unknown:
        print(f"unknown case(s): {', '.join(sorted(unknown))}",
              file=sys.stderr)
        return 2
    cases = [E2E("test_" + name) for name in names]
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(
        unittest.TestSuite(cases))
    failed = {id(t) for t, _ in result.failures + result.errors}
    for case in cases:
        if id(case) in failed:
            print(f"===== diagnostics for {case.id()} =====\n{case.diag}")
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
