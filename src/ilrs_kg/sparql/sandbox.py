"""No outbound connection from query evaluation, enforced by the kernel, not by reading the query.

pyoxigraph's SERVICE sends HTTP requests to any host and port the query names. The screen
(ilrs_kg.sparql.screen) refuses SERVICE with a clear message, but a screen can be evaded; so each
query worker, before it loads the store or reads a job, takes away its own ability to reach a network:

- `namespace`: the worker moves into a new network namespace (unshare(CLONE_NEWNET); as root, or
  in a new user namespace where unprivileged ones are allowed). It holds only a loopback interface
  that is down: connect() to any address fails with ENETUNREACH. The socket to its parent was made
  before, so it keeps working.
- `seccomp`: a BPF filter makes socket() fail for AF_INET, AF_INET6, AF_NETLINK and AF_PACKET, and
  forbids setns/unshare (no way back into the host's namespace) and io_uring (which could open
  sockets past the filter). Installed on top of the namespace when both are possible.

Policies (Settings.query_sandbox): "auto" takes every protection available and refuses to start
the worker if there is none; "namespace" and "seccomp" demand that one; "off" runs unprotected,
which only an explicit --allow-network-in-queries asks for.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

POLICIES = ("auto", "namespace", "seccomp", "off")

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_ABS_W = 0x20
_JEQ = 0x15
_JGE = 0x35
_RET = 0x06
_FAMILIES = (2, 10, 16, 17)  # AF_INET, AF_INET6, AF_NETLINK, AF_PACKET
# (audit arch, first x32 number or None, socket, setns, unshare, io_uring_setup, io_uring_enter)
_ARCHES = {
    "x86_64": (0xC000003E, 0x40000000, 41, 308, 272, 425, 426),
    "aarch64": (0xC00000B7, None, 198, 268, 97, 425, 426),
}


class SandboxError(Exception):
    """The policy asks for a protection this machine does not grant."""


def _threads() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("Threads:"))


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _unshare_network() -> str | None:
    """Enter a new network namespace; None if the kernel refuses (not root, no user namespaces)."""
    libc = _libc()
    if libc.unshare(_CLONE_NEWNET) == 0:
        return "network namespace"
    # Unprivileged: a user namespace of our own grants the right to make a network namespace.
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0:
        return "user and network namespace"
    return None


def _filter_program() -> bytes | None:
    arch = _ARCHES.get(platform.machine())
    if arch is None:
        return None
    audit_arch, x32, sys_socket, *forbidden = arch
    deny_family = _RET_ERRNO | errno.EAFNOSUPPORT
    deny = _RET_ERRNO | errno.EPERM
    # Instructions as (code, jump-if-true, jump-if-false, k); jumps count instructions skipped.
    program: list[tuple[int, int, int, int]] = [
        (_LD_ABS_W, 0, 0, 4),  # seccomp_data.arch
        (_JEQ, 1, 0, audit_arch),
        (_RET, 0, 0, deny),  # a foreign ABI: nothing at all
        (_LD_ABS_W, 0, 0, 0),  # seccomp_data.nr
    ]
    if x32 is not None:
        program += [(_JGE, 0, 1, x32), (_RET, 0, 0, deny)]
    for number in forbidden:
        program += [(_JEQ, 0, 1, number), (_RET, 0, 0, deny)]
    program += [
        (_JEQ, 1, 0, sys_socket),
        (_RET, 0, 0, _RET_ALLOW),
        (_LD_ABS_W, 0, 0, 16),  # the low half of args[0]: the address family
    ]
    for family in _FAMILIES:
        program += [(_JEQ, 0, 1, family), (_RET, 0, 0, deny_family)]
    program.append((_RET, 0, 0, _RET_ALLOW))
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in program)


def _install_seccomp() -> str | None:
    """Install the socket filter on this thread and every thread or child it starts later."""
    program = _filter_program()
    if program is None:
        return None
    libc = _libc()
    count = len(program) // 8
    filters = ctypes.create_string_buffer(program, len(program))

    class _Prog(ctypes.Structure):
        _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))

    prog = _Prog(count, ctypes.addressof(filters))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return None
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        return None
    return "seccomp socket filter"


def enter(policy: str) -> str:
    """Apply the policy to this process; say which protections hold (raises SandboxError if short)."""
    if policy not in POLICIES:
        raise SandboxError(f"unknown sandbox policy {policy!r}; one of {', '.join(POLICIES)}")
    if policy == "off":
        return "none (network allowed in queries by --allow-network-in-queries)"
    if _threads() != 1:
        # A namespace or a filter covers the calling thread and those it starts later, not others.
        raise SandboxError("the sandbox must be entered before the process starts any thread")
    held = []
    if policy in ("auto", "namespace"):
        namespace = _unshare_network()
        if namespace is None and policy == "namespace":
            raise SandboxError(f"cannot enter a network namespace: {os.strerror(ctypes.get_errno())}")
        held.append(namespace)
    seccomp = _install_seccomp()
    if seccomp is None and policy == "seccomp":
        raise SandboxError(f"cannot install a seccomp filter on {platform.machine()}")
    held.append(seccomp)
    protections = [p for p in held if p is not None]
    if not protections:
        raise SandboxError(
            "neither a network namespace nor a seccomp filter is available, so queries could open "
            "connections; run as root or where user namespaces are allowed, or start with "
            "--allow-network-in-queries to accept the risk"
        )
    return " + ".join(protections)
