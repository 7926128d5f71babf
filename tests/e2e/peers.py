"""Real peers on 127.0.0.1 for lexwatch's end-to-end tests: nginx serving
feeds from a temporary docroot, and aiosmtpd storing into a Maildir.

Each peer runs in the foreground as a child process of the test, on a free
port, with every file it writes inside the test's temporary directory.
stop() is idempotent; the tests call it from tearDown.
"""

import email
import email.policy
import json
import mailbox
import os
import re
import socket
import subprocess
import sys
import time

NGINX = "/usr/sbin/nginx"
PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, what, timeout=15.0):
    """Waits until something accepts on 127.0.0.1:port; raises when the
    process died or the timeout passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} "
                               "before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} "
                       f"within {timeout}s")


def delivery_order(key):
    """Sort key for a Python Maildir file name, "SECONDS.MmicrosPpidQcount.host",
    in the order the messages were stored. The names themselves do not sort:
    the microseconds are not zero-padded, so within one second ".M98765" sorts
    after ".M123456" although it was stored first."""
    match = re.match(r"(\d+)\.M(\d+)P(\d+)Q(\d+)\.", key)
    if not match:
        raise ValueError(f"not a Python Maildir name: {key!r}")
    seconds, micros, _, count = (int(g) for g in match.groups())
    return (seconds, micros, count)


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _stop(process):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


class Nginx:
    """nginx serving `docroot` with ETag and Last-Modified (its defaults),
    logging the status and conditional-GET headers of every request."""

    def __init__(self, workdir, docroot):
        self.workdir = workdir
        self.docroot = docroot
        self.port = free_port()
        self.access_log = os.path.join(workdir, "access.log")
        self.error_log = os.path.join(workdir, "error.log")
        self.process = None

    def url(self, name):
        return f"http://127.0.0.1:{self.port}/{name}"

    def _write_conf(self):
        os.makedirs(os.path.join(self.workdir, "temp"), exist_ok=True)
        user = "user root;" if os.geteuid() == 0 else ""
        temp = os.path.join(self.workdir, "temp")
        conf = f"""
{user}
worker_processes 1;
pid {self.workdir}/nginx.pid;
error_log {self.error_log} info;
events {{ worker_connections 64; }}
http {{
  types {{ application/rss+xml rss; application/xml xml; }}
  default_type application/octet-stream;
  log_format e2e '$request_method $uri $status inm=[$http_if_none_match] '
                 'ims=[$http_if_modified_since] ua=[$http_user_agent]';
  access_log {self.access_log} e2e;
  client_body_temp_path {temp}/body;
  proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
  server {{
    listen 127.0.0.1:{self.port};
    root {self.docroot};
    etag on;
  }}
}}
"""
        path = os.path.join(self.workdir, "nginx.conf")
        with open(path, "w", encoding="utf-8") as f:
            f.write(conf)
        return path

    def start(self):
        conf = self._write_conf()
        with open(os.path.join(self.workdir, "stderr.log"), "w") as log:
            self.process = subprocess.Popen(
                [NGINX, "-c", conf, "-p", self.workdir + "/", "-e",
                 self.error_log, "-g", "daemon off;"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        wait_for_port(self.port, self.process, "nginx")
        return self

    def stop(self):
        _stop(self.process)

    def requests(self):
        """Logged requests: dicts with method, path, status, inm, ims, ua."""
        result = []
        for line in read_text(self.access_log).splitlines():
            parts = line.split(" ", 3)
            if len(parts) < 4:
                continue
            rest = parts[3]
            fields = {}
            for key in ("inm", "ims", "ua"):
                start = rest.find(key + "=[")
                end = rest.find("]", start)
                fields[key] = rest[start + len(key) + 2:end] if start >= 0 else ""
                fields[key] = "" if fields[key] == "-" else fields[key]
            result.append({"method": parts[0], "path": parts[1],
                           "status": int(parts[2]), **fields})
        return result

    def diagnostics(self):
        return ("--- nginx access log ---\n" + read_text(self.access_log) +
                "--- nginx error log (tail) ---\n" +
                "\n".join(read_text(self.error_log).splitlines()[-20:]) + "\n")


class SmtpServer:
    """aiosmtpd on 127.0.0.1 storing every message into one Maildir.

    Without fault options it is aiosmtpd's stock Mailbox handler; with them
    the FaultMailbox of fault_smtp.py (451 for the first N messages, or a
    late 250 after storing).
    """

    def __init__(self, workdir, port=None, **faults):
        self.workdir = workdir
        self.port = port or free_port()
        self.maildir = os.path.join(workdir, "maildir")
        self.journal = os.path.join(workdir, "journal.jsonl")
        self.marker = os.path.join(workdir, "delaying")
        self.log = os.path.join(workdir, "aiosmtpd.log")
        self.faults = faults
        self.process = None

    def start(self):
        os.makedirs(self.workdir, exist_ok=True)
        env = dict(os.environ)
        env["PYTHONPATH"] = HERE
        cmd = [PYTHON, "-m", "aiosmtpd", "-n", "-l",
               f"127.0.0.1:{self.port}"]
        if self.faults:
            cmd += ["-c", "fault_smtp.FaultMailbox", self.maildir,
                    f"journal={self.journal}", f"marker={self.marker}"]
            cmd += [f"{k}={v}" for k, v in self.faults.items()]
        else:
            cmd += ["-c", "aiosmtpd.handlers.Mailbox", self.maildir]
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                env=env)
        wait_for_port(self.port, self.process, "aiosmtpd")
        return self

    def stop(self):
        _stop(self.process)

    def messages(self):
        """Every stored message, parsed (email.message.EmailMessage)."""
        if not os.path.isdir(self.maildir):
            return []
        box = mailbox.Maildir(self.maildir, factory=None, create=False)
        result = []
        for key in sorted(box.keys(), key=delivery_order):
            with box.get_file(key) as f:
                result.append(email.message_from_binary_file(
                    f, policy=email.policy.default))
        return result

    def journal_entries(self):
        return [json.loads(line)
                for line in read_text(self.journal).splitlines() if line]

    def delaying(self):
        return os.path.exists(self.marker)

    def diagnostics(self):
        lines = [f"--- aiosmtpd on port {self.port}: "
                 f"{len(self.messages())} message(s) stored ---"]
        for m in self.messages():
            lines.append(f"  rcpt={m['X-RcptTo']} message-id={m['Message-ID']}"
                         f" subject={m['Subject']!s}")
        if self.faults:
            lines.append("--- fault journal ---")
            lines.append(read_text(self.journal))
        lines.append("--- aiosmtpd log (tail) ---")
        lines += read_text(self.log).splitlines()[-20:]
        return "\n".join(lines) + "\n"


def text_body(message):
    """The text/plain part of a message, decoded ("" when none)."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def html_body(message):
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else ""


if __name__ == "__main__":
    sys.exit("peers.py is a module for e2e_test.py")
