"""An aiosmtpd handler for lexwatch's end-to-end tests: a Maildir mailbox
that can misbehave on purpose.

Run through aiosmtpd's own command line, like the stock Mailbox handler:

    PYTHONPATH=tests/e2e /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT \
        -c fault_smtp.FaultMailbox MAILDIR [key=value ...]

Options (all optional; without them it behaves like aiosmtpd's Mailbox):
  fail_first=N    answer the first N DATA commands with 451 and store nothing
  reject_all=1    answer every DATA command with 550 and store nothing
  delay_first=N   for the first N messages (after any failures) store the
                  message, then wait `delay` seconds before answering 250:
                  the client cannot know whether it was delivered
  delay=S         seconds to wait (default 60)
  slow=S          every message takes S seconds: half before it is stored,
                  half after (a client killed in the second half has
                  delivered it without knowing)
  marker=PATH     file created when a delayed message starts waiting
  journal=PATH    one JSON line per DATA: recipients, Message-ID, outcome

Messages are stored as aiosmtpd's Mailbox stores them, with X-MailFrom and
X-RcptTo headers naming the envelope.
"""

import asyncio
import json
import time

from aiosmtpd.handlers import Mailbox


class FaultMailbox(Mailbox):
    def __init__(self, mail_dir, options):
        super().__init__(mail_dir)
        self.fail_first = int(options.get("fail_first", "0"))
        self.reject_all = options.get("reject_all") == "1"
        self.delay_first = int(options.get("delay_first", "0"))
        self.delay = float(options.get("delay", "60"))
        self.slow = float(options.get("slow", "0"))
        self.marker = options.get("marker")
        self.journal = options.get("journal")
        self.seen = 0

    @classmethod
    def from_cli(cls, parser, *args):
        if not args:
            parser.error("The directory for the maildir is required")
        options = {}
        for arg in args[1:]:
            key, sep, value = arg.partition("=")
            if not sep:
                parser.error(f"expected key=value, got {arg!r}")
            options[key] = value
        return cls(args[0], options)

    def _log(self, envelope, outcome):
        if not self.journal:
            return
        message_id = ""
        content = envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "replace")
        for line in content.split(b"\r\n"):
            if not line:
                break
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode(
                    "ascii", "replace")
        entry = {
            "time": time.time(),
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "message_id": message_id,
            "outcome": outcome,
        }
        with open(self.journal, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        n = self.seen
        if self.reject_all:
            self._log(envelope, "550")
            return "550 5.1.1 e2e: mailbox unavailable"
        if n <= self.fail_first:
            self._log(envelope, "451")
            return "451 4.3.0 e2e: try again later"
        if self.slow:
            await asyncio.sleep(self.slow / 2)
        self.handle_message(self.prepare_message(session, envelope))
        if self.slow:
            self._log(envelope, "stored, slow 250")
            await asyncio.sleep(self.slow / 2)
            return "250 OK (slow)"
        if n <= self.fail_first + self.delay_first:
            self._log(envelope, "stored, delaying 250")
            if self.marker:
                with open(self.marker, "a", encoding="utf-8") as f:
                    f.write(f"{n}\n")
            await asyncio.sleep(self.delay)
            return "250 OK (late)"
        self._log(envelope, "250")
        return "250 OK"
