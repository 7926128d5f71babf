"""An SMTP server for lexwatch tests, built on aiosmtpd.

Accepts mail into a Maildir (the raw bytes as received, CRLF kept), or
answers chosen replies to RCPT or DATA, optionally only for the first N
transactions, optionally after a delay, optionally requiring AUTH.

  smtp_fault_server.py --port P --maildir DIR [--rcpt-code 451]
      [--data-code 550] [--fail-times N] [--data-delay SECONDS]
      [--delay-times N] [--only-rcpt ADDRESS] [--auth USER:PASSWORD]

--data-delay stores the message, then waits before answering DATA (a
client that times out first cannot know the message arrived); --delay-times N delays only the
first N messages. --only-rcpt limits the faults to one recipient, so mail to
others (the admin) still gets through.
"""

import argparse
import asyncio
import logging
import mailbox
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult

REPLIES = {
    421: "421 4.3.0 Service shutting down",
    450: "450 4.2.0 Mailbox busy",
    451: "451 4.3.0 Try again later",
    452: "452 4.3.1 Insufficient storage",
    550: "550 5.1.1 Mailbox unavailable",
    552: "552 5.3.4 Message too big",
    554: "554 5.7.1 Rejected",
}


class FaultHandler:
    def __init__(self, args):
        self.args = args
        self.maildir = mailbox.Maildir(args.maildir, create=True)
        self.failures_left = args.fail_times
        self.delays_left = args.delay_times
        self.failing = False

    def _should_fail(self):
        return self.failures_left is None or self.failures_left > 0

    def _count_failure(self):
        if self.failures_left is not None:
            self.failures_left -= 1

    async def handle_MAIL(self, server, session, envelope, address, options):
        self.failing = self._should_fail()
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    def _targets(self, addresses):
        return self.args.only_rcpt is None or self.args.only_rcpt in addresses

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.args.rcpt_code and self.failing and self._targets([address]):
            self._count_failure()
            return REPLIES[self.args.rcpt_code]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if (self.args.data_code and self.failing and
                self._targets(envelope.rcpt_tos)):
            self._count_failure()
            return REPLIES[self.args.data_code]
        key = self.maildir.add(envelope.original_content)
        if self.args.data_delay and self.delays_left != 0:
            if self.delays_left is not None:
                self.delays_left -= 1
            # Stored, but the 250 comes late: a client that times out
            # first cannot know the message arrived.
            await asyncio.sleep(self.args.data_delay)
        return "250 2.0.0 Ok: queued as " + key.split(".")[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--rcpt-code", type=int, choices=sorted(REPLIES))
    parser.add_argument("--data-code", type=int, choices=sorted(REPLIES))
    parser.add_argument("--fail-times", type=int)
    parser.add_argument("--data-delay", type=float, default=0)
    parser.add_argument("--delay-times", type=int)
    parser.add_argument("--only-rcpt")
    parser.add_argument("--auth")
    args = parser.parse_args()
    # AUTH without TLS is deliberate here: keep the test output quiet.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)

    kwargs = {}
    if args.auth:
        user, password = args.auth.encode().split(b":", 1)

        def authenticate(server, session, envelope, mechanism, data):
            ok = data.login == user and data.password == password
            return AuthResult(success=ok, handled=False)

        kwargs = dict(authenticator=authenticate, auth_required=True,
                      auth_require_tls=False)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = FaultHandler(args)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, loop=loop, **kwargs), "127.0.0.1", args.port))
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main())
