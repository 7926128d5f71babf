"""Hostile feeds end to end: a feed server on 127.0.0.1 that sends what a
broken or malicious feed could (invalid UTF-8, line breaks smuggled through
character references, an endless body, a gzip bomb, a million-deep document,
a 10 MB title) next to a normal EUR-Lex feed. In every case the run ends
normally, the hostile source is logged as failing or its item is cleaned,
the normal feed's alerts are delivered, and nothing else reaches the outbox
or the archive.

HostileFeedCases is mixed into e2e_test.E2E, whose helpers it uses.
"""

import http.server
import resource
import struct
import threading
import time

import peers
from scenario import ALL_ACTS, EXPECTED, eurlex_rss

GIB = 1 << 30
MAX_BYTES = 32 << 20  # lexwatch's default [fetch] max_bytes.
# The hostile acts' CELEX numbers; their titles match the water rule (vav).
HOSTILE_CELEX = "32024L9001"
HOSTILE_LINK = ("https://eur-lex.europa.eu/legal-content/AUTO/?uri=CELEX:"
                + HOSTILE_CELEX)
PREFIX = (b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">'
          b"<channel><title>Hostile</title><link>https://eur-lex.europa.eu/"
          b"</link>")


def hostile_item(title, description=b""):
    """An RSS item whose raw title and description bytes are as given."""
    return (b"<item><title>CELEX:" + HOSTILE_CELEX.encode() + b": " + title +
            b"</title><link>" + HOSTILE_LINK.encode() + b"</link><guid>"
            b"hostile-1</guid><description>" + description +
            b"</description></item>")


def hostile_rss(title, description=b""):
    return PREFIX + hostile_item(title, description) + b"</channel></rss>\n"


class _BitWriter:
    """Deflate's bit order: fields LSB first, Huffman codes MSB first."""

    def __init__(self):
        self.bits = []

    def field(self, value, n):
        self.bits += [(value >> i) & 1 for i in range(n)]

    def code(self, value, n):
        self.bits += [(value >> (n - 1 - i)) & 1 for i in range(n)]

    def literal(self, byte):  # Fixed Huffman, literals 0..143.
        self.code(0x30 + byte, 8)

    def repeat_last_258(self):  # Length 258 (code 285), distance 1 (code 0).
        self.code(0b11000101, 8)
        self.code(0, 5)

    def to_bytes(self):
        bits = self.bits + [0] * (-len(self.bits) % 8)
        return bytes(sum(b << i for i, b in enumerate(bits[k:k + 8]))
                     for k in range(0, len(bits), 8))


def gzip_bomb(prefix, size):
    """A gzip body that inflates to `prefix` followed by spaces, `size` bytes
    in all: one fixed-Huffman block repeating the last space 258 bytes at a
    time, so it is built instantly at about 1:160 (the CRC is left 0: the
    size cap must stop the reader long before the trailer)."""
    head = _BitWriter()
    head.field(1, 1)  # BFINAL
    head.field(1, 2)  # BTYPE = fixed Huffman
    for byte in prefix + b" ":
        head.literal(byte)
    produced = len(prefix) + 1
    while len(head.bits) % 8:
        head.repeat_last_258()
        produced += 258
    block = _BitWriter()
    for _ in range(8):  # 8 x 13 bits: whole bytes.
        block.repeat_last_258()
    count = (size - produced) // (8 * 258)
    tail = _BitWriter()
    tail.code(0, 7)  # End of block.
    produced += count * 8 * 258
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + head.to_bytes() +
            block.to_bytes() * count + tail.to_bytes() +
            struct.pack("<II", 0, produced & 0xffffffff))


class HostileServer:
    """HTTP/1.1 on 127.0.0.1 in a thread of the test. routes maps a path to
    (headers, chunks): chunks is a callable giving an iterable of bytes,
    sent with Content-Length when "Content-Length" is in headers, chunked
    otherwise. Counts the body bytes each path got out before the client
    hung up."""

    def __init__(self):
        self.routes = {}
        self.sent = {}
        self.hung_up = {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                headers, chunks = route
                self.send_response(200)
                for name, value in headers.items():
                    self.send_header(name, value)
                chunked = "Content-Length" not in headers
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                server.sent[self.path] = 0
                try:
                    for chunk in chunks():
                        if chunked:
                            self.wfile.write(b"%x\r\n" % len(chunk) + chunk +
                                             b"\r\n")
                        else:
                            self.wfile.write(chunk)
                        server.sent[self.path] += len(chunk)
                    if chunked:
                        self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    server.hung_up[self.path] = True
                    self.close_connection = True

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        if self.thread.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path, body, headers=None):
        headers = dict(headers or {}, **{"Content-Type": "application/xml"})
        headers.setdefault("Content-Length", str(len(body)))
        self.routes[path] = (headers, lambda: [body])

    def stream(self, path, chunks, headers=None):
        headers = dict(headers or {}, **{"Content-Type": "application/xml"})
        self.routes[path] = (headers, chunks)

    def diagnostics(self):
        return (f"--- hostile feed server on port {self.port}: sent "
                f"{self.sent}, client hung up on {sorted(self.hung_up)} ---\n")


class HostileFeedCases:
    """Cases for e2e_test.E2E (which supplies smtp(), run_once(), query()...)."""

    def hostile_setup(self):
        """A feed server with the normal OJ feed at /oj.rss, an SMTP server,
        and a config polling /hostile.xml (source "hostile") and /oj.rss."""
        server = self.smtp().start()
        feeds = HostileServer()
        self.peers.append(feeds)
        feeds.start()
        feeds.serve("/oj.rss", eurlex_rss(ALL_ACTS).encode())
        self.write_config([("hostile", feeds.url("/hostile.xml")),
                           ("eurlex-oj-l", feeds.url("/oj.rss"))], server.port)
        return server, feeds

    def hostile_messages(self, server):
        """Delivered messages about the hostile act; asserts every other one
        is an expected alert about a normal act."""
        hostile, normal = [], []
        for m in server.messages():
            if HOSTILE_CELEX in peers.text_body(m):
                hostile.append(m)
            else:
                normal.append(m)
        got = sorted((str(m["X-RcptTo"]), celex)
                     for m in normal for celex, _ in ALL_ACTS
                     if celex in peers.text_body(m))
        self.assertEqual(got, sorted(EXPECTED))
        return hostile

    def assert_source_failed(self, stderr, reason):
        """The hostile source failed with `reason` in its stored error and in
        a log line naming it; nothing of it reached the archive."""
        source = {s["name"]: s for s in self.sources()}["hostile"]
        self.assertIn(reason, source["last_error"])
        self.assertEqual(source["consecutive_failures"], 1)
        self.assertTrue([line for line in stderr.splitlines()
                         if "hostile" in line and reason in line],
                        f"no log line names source 'hostile' and '{reason}'")
        self.assert_archive_holds_only_normal_acts()

    def assert_archive_holds_only_normal_acts(self, extra=()):
        keys = {r["key"] for r in self.query("SELECT key FROM items")}
        self.assertEqual(keys, {f"celex:{c}" for c, _ in ALL_ACTS} |
                         set(extra))
        outbox = {(r["recipient"], r["item_key"]) for r in self.outbox()}
        self.assertEqual(outbox, {(rcpt, f"celex:{c}") for rcpt, c in EXPECTED}
                         | {("vav@example.org", k) for k in extra})

    def assert_one_clean_alert(self, server):
        """The hostile act reached vav once, as a well-formed alert whose
        headers hold no smuggled line and whose envelope is unchanged."""
        hostile = self.hostile_messages(server)
        self.assertEqual([str(m["X-RcptTo"]) for m in hostile],
                         ["vav@example.org"])
        message = hostile[0]
        self.assertEqual(message.defects, [])
        names = {name.lower() for name in message.keys()}
        self.assertNotIn("bcc", names)
        self.assertNotIn("x-injected", names)
        subject = str(message["Subject"])
        self.assertNotIn("\r", subject)
        self.assertNotIn("\n", subject)
        self.assert_archive_holds_only_normal_acts([f"celex:{HOSTILE_CELEX}"])
        return message

    def test_HostileInvalidUtf8TitleIsCleanedAndOthersDeliver(self):
        server, feeds = self.hostile_setup()
        feeds.serve("/hostile.xml", hostile_rss(
            b"Drinking water \xff\xfe broken \xc3\x28 bytes \xed\xa0\x80 end"))
        self.run_once()
        message = self.assert_one_clean_alert(server)
        self.assertIn("Drinking water \ufffd", str(message["Subject"]))
        title = self.query("SELECT title FROM items WHERE key = ?",
                           f"celex:{HOSTILE_CELEX}")[0]["title"]
        self.assertEqual(title.encode("utf-8").decode("utf-8"), title)

    def test_HostileLineBreaksInTitleNeverReachAHeader(self):
        server, feeds = self.hostile_setup()
        feeds.serve("/hostile.xml", hostile_rss(
            b"Drinking water&#13;&#10;Bcc: victim@example.org&#x0D;&#x0A;"
            b"X-Injected: yes&#xD;&#xA;&#x85;&#x2028;&#x2029;&#11;&#12; "
            b"=?UTF-8?B?DQpCY2M6IHZpY3RpbUBleGFtcGxlLm9yZw==?= end"))
        self.run_once()
        message = self.assert_one_clean_alert(server)
        self.assertIn("Bcc: victim@example.org", str(message["Subject"]))
        rcpts = sorted(str(m["X-RcptTo"]) for m in server.messages())
        self.assertNotIn("victim@example.org", rcpts)

    def test_HostileEndlessBodyIsCutAtMaxBytes(self):
        server, feeds = self.hostile_setup()

        def endless():
            yield PREFIX + hostile_item(b"Drinking water")
            filler = b"<!--" + b" " * (1 << 20) + b"-->"
            for _ in range(GIB // len(filler) + 1):
                yield filler

        feeds.stream("/hostile.xml", endless)
        started = time.monotonic()
        p = self.run_once()
        self.assert_source_failed(
            p.stderr, f"response larger than {MAX_BYTES} bytes")
        self.assertLess(feeds.sent["/hostile.xml"], 4 * MAX_BYTES)
        self.assertLess(time.monotonic() - started, 30)
        self.assert_child_rss_below(GIB // 2)
        self.hostile_messages(server)

    def test_HostileGzipBombIsCutAtMaxBytes(self):
        server, feeds = self.hostile_setup()
        bomb = gzip_bomb(PREFIX + hostile_item(b"Drinking water"), GIB)
        feeds.serve("/hostile.xml", bomb, {"Content-Encoding": "gzip"})
        p = self.run_once()
        self.assert_source_failed(
            p.stderr, f"response larger than {MAX_BYTES} bytes")
        self.assert_child_rss_below(GIB // 2)
        self.hostile_messages(server)

    def test_HostileMillionDeepDocumentIsReadWithoutCrash(self):
        server, feeds = self.hostile_setup()
        depth = 1_000_000
        deep = b"<x>" * depth + b"water" + b"</x>" * depth
        feeds.serve("/hostile.xml", hostile_rss(b"Drinking water", deep))
        self.run_once()
        self.assert_one_clean_alert(server)

    def test_HostileTenMegabyteTitleIsCutAndOthersDeliver(self):
        server, feeds = self.hostile_setup()
        title = b"Drinking water " + b"very long &amp; " * (10 << 16)
        self.assertGreater(len(title), 10 << 20)
        feeds.serve("/hostile.xml", hostile_rss(title))
        self.run_once()
        message = self.assert_one_clean_alert(server)
        stored = self.query("SELECT title FROM items WHERE key = ?",
                            f"celex:{HOSTILE_CELEX}")[0]["title"]
        self.assertLessEqual(len(stored.encode("utf-8")), 2000)
        self.assertTrue(stored.endswith("\u2026"), stored[-20:])
        self.assertLess(len(message.as_bytes()), 64 * 1024)

    def assert_child_rss_below(self, limit):
        """lexwatch (the largest child the test waited for) stayed below
        `limit` bytes of resident memory."""
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        self.assertLess(peak, limit, f"peak child RSS {peak >> 20} MiB")
