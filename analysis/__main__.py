"""``python -m analysis``: the command line (:mod:`analysis.cli`).

Ctrl-C is one line and exit 2 at any moment: while the package is imported, while a
command runs (the command handles it), and once the command has finished (outputs are
complete by then, so a late interrupt is ignored rather than shown as a traceback from
the interpreter's shutdown).

Notes
-----
CPython (3.8 and later) remembers a KeyboardInterrupt that left code run by ``exec`` or
``eval`` of a string (as ``dataclasses`` and ``collections.namedtuple`` do when a class is
made) as "unhandled", even when the toolkit then handles it, and a ``-m`` run ends by
killing itself with SIGINT (exit -2, no message) while that mark is set. Each ``exec`` of
a string clears the mark first, so :func:`_exit` runs one before exiting with the code
the command chose.

Before exiting, every object the command made is moved out of the cyclic garbage
collector's reach (``gc.freeze``): the interpreter's last collections would otherwise walk
them all (about 0.2 s after a report) to free memory the process is about to give back.
Objects are still freed when their last reference goes, and ``atexit`` and
``weakref.finalize`` callbacks still run; only objects kept alive by a reference cycle are
left to the operating system. The commands close every file they write before returning.
"""
import signal
import sys


def _exit(code: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import gc

    gc.freeze()  # see Notes
    exec("None")  # clears the interpreter's "unhandled interrupt" mark (see Notes)
    sys.exit(code)


try:
    from .cli import main
except KeyboardInterrupt:
    print("error: interrupted", file=sys.stderr)
    _exit(2)

_exit(main())
