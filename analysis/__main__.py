"""``python -m analysis``: the command line (:mod:`analysis.cli`).

Ctrl-C is one line and exit 2 at any moment: while the package is imported, while a
command runs (the command handles it), and once the command has finished (outputs are
complete by then, so a late interrupt is ignored rather than shown as a traceback from
the interpreter's shutdown).
"""
import signal
import sys

try:
    from .cli import main
except KeyboardInterrupt:
    print("error: interrupted", file=sys.stderr)
    sys.exit(2)

code = main()
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.exit(code)
