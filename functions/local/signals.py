"""SIGTERM and SIGINT for the local stack, handled so that stopping cannot deadlock.

Standard library only and imported first: the stack's own imports take seconds,
and a signal during them must stop it as surely as one later.
"""

from __future__ import annotations

import signal
import time
from types import FrameType

# However a stop goes, the process is gone this long after it began: SIGALRM's
# default action ends it, with no thread, lock or handler of ours involved.
STOP_DEADLINE_SECONDS = 4


class StopStartup(BaseException):
    """Raised by the signal handler to abandon a start-up still in progress."""


class StopSignals:
    """A Python signal handler runs on the main thread between two bytecodes,
    possibly while that thread holds a lock: calling `threading.Event.set()` from it
    while the main thread sat in `Event.wait()` deadlocked on the event's own lock.
    So the handler takes no lock. Once the stack runs, it only sets a flag that the
    main thread polls with plain sleeps; during start-up it also raises, so a
    start-up that would take seconds is abandoned at once. Later signals only set
    the flag again: a stop under way is not interrupted.
    """

    def __init__(self) -> None:
        self.requested = False
        self._interrupts_startup = True

    def install(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        first = not self.requested
        self.requested = True
        if first and self._interrupts_startup:
            raise StopStartup()

    def running(self) -> None:
        """Start-up is over: from now on a signal only asks for a stop."""
        self._interrupts_startup = False

    def wait(self) -> None:
        while not self.requested:
            time.sleep(0.1)

    def stopping(self) -> None:
        """A stop begins: no signal interrupts it, and the process ends by the deadline."""
        self._interrupts_startup = False
        signal.alarm(STOP_DEADLINE_SECONDS)
