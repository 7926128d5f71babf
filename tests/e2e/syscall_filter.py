#!/usr/bin/python3
"""The unit's SystemCallFilter=, resolved and applied without systemd.

systemd applies `SystemCallFilter=` with seccomp: the allow-list sets less the
`~` deny-list sets, every other system call killing the process (SIGSYS).
This module reads those lines from systemd/lexwatch.service, expands the
sets with `systemd-analyze syscall-filter` (the same tables systemd uses),
and as a program loads the same seccomp filter (python3-seccomp) and execs a
command under it:

    syscall_filter.py UNIT_FILE -- COMMAND [ARG...]

Run as root, it first drops to the user nobody, as DynamicUser=yes runs the
service unprivileged: some libraries act differently as root (SQLite
chowns its journal and WAL files to the database's owner, and @chown is
not allowed).

It does not emulate the unit's other seccomp-based settings
(RestrictAddressFamilies=, MemoryDenyWriteExecute=, ...) nor its mount
namespace settings: it proves the system calls, not the whole sandbox.
"""

import os
import shutil
import subprocess
import sys

# systemd adds @default to every allow list (config_parse_syscall_filter).
IMPLICIT = ["@default"]
NOBODY = 65534


def available():
    """Why the filter cannot be applied here, or "" when it can."""
    if shutil.which("systemd-analyze") is None:
        return "systemd-analyze not installed (Debian package systemd)"
    try:
        import seccomp  # noqa: F401
    except ImportError:
        return "python3-seccomp not installed"
    return ""


def unit_filter(unit_path):
    """([allow entries], [deny entries]) from the unit's SystemCallFilter=."""
    allow, deny = [], []
    with open(unit_path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("SystemCallFilter="):
                continue
            value = line.split("=", 1)[1].strip()
            if value.startswith("~"):
                deny += value[1:].split()
            else:
                allow += value.split()
    return allow, deny


_SETS = {}


def expand(entry):
    """The system call names of `entry` (@set, nested sets expanded)."""
    if not entry.startswith("@"):
        return {entry}
    if entry not in _SETS:
        out = subprocess.run(
            ["systemd-analyze", "syscall-filter", "--no-pager", entry],
            capture_output=True, text=True, check=True).stdout
        names = set()
        for line in out.splitlines()[1:]:
            word = line.strip()
            if not word or word.startswith("#"):
                continue
            names |= expand(word)
        if not names:
            raise ValueError(f"systemd-analyze knows no set {entry}")
        _SETS[entry] = names
    return _SETS[entry]


def allowed_syscalls(unit_path):
    allow, deny = unit_filter(unit_path)
    if not allow:
        raise ValueError(f"{unit_path}: no SystemCallFilter= allow list")
    names = set()
    for entry in allow + IMPLICIT:
        names |= expand(entry)
    for entry in deny:
        names -= expand(entry)
    return names


def drop_root():
    """Become nobody (uid/gid 65534) when root; a no-op otherwise."""
    if os.geteuid() != 0:
        return
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def exec_under_filter(unit_path, command):
    import seccomp
    names = allowed_syscalls(unit_path)
    drop_root()
    f = seccomp.SyscallFilter(defaction=seccomp.KILL_PROCESS)
    for name in sorted(names):
        try:
            f.add_rule(seccomp.ALLOW, name)
        except (RuntimeError, ValueError):
            pass  # Not a system call on this architecture.
    f.load()  # Sets no_new_privs first, as NoNewPrivileges=yes does.
    os.execv(command[0], command)


def main(argv):
    if len(argv) < 4 or argv[2] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    exec_under_filter(argv[1], argv[3:])
    return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv))
