import logging
import os
import sys

from .signals import StopSignals, StopStartup


def run() -> int:
    signals = StopSignals()
    signals.install()
    try:
        # Imported after the handlers: these imports take seconds.
        from .stack import main  # noqa: PLC0415

        return main(signals)
    except StopStartup:  # before the stack had started anything
        print("Stopped.", flush=True)
        return 0


code = run()
# Everything is stopped and closed; the interpreter's own teardown of moto's
# objects would take another second or more on a loaded machine. Exit at once,
# as mypy's hard_exit does, once the output is out.
logging.shutdown()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
