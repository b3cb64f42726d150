"""An online message that must come after the queued batches (service.ORDERED: 2304, 2305, 9511
without ack "stored", ...) waits for them, but not for ever.

The message's own thread adjudicates what it can claim and waits for the partitions other
workers hold (queue_work.drain). A worker that hangs without dying (its connection alive, its
transaction open) would hold its partition, and the message, with no end: when it would still
have to wait once ``ONLINE_WAIT_SECONDS`` have passed, the message is refused instead, before
anything of it is done or stored (HTTP 503, infcode 9999, ``QUEUE_BUSY_ERR_MSG``). The site sends it again, under the
same msgid (sync.client retries 5xx with a back-off).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from . import queue_work
from .context import Central

# How long (seconds, in total) an online message waits for partitions other workers hold.
ONLINE_WAIT_SECONDS = 20.0
QUEUE_BUSY_ERR_MSG = "中心正在处理排队结算，请稍后重试；本报文未办理，可原样重发"
QUEUE_BUSY_HTTP_STATUS = 503


class _OutOfTime(Exception):
    pass


def drain_within(central: Central, seconds: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], object] = time.sleep) -> bool:
    """queue_work.drain, giving up when it would wait for partitions other workers hold once
    ``seconds`` have passed since it began; True when nothing queued is left, False when it gave up.
    (Items it can claim it adjudicates without a limit: that is progress, not waiting.)"""
    deadline = clock() + seconds

    def wait(delay: float) -> None:
        left = deadline - clock()
        if left <= 0:
            raise _OutOfTime
        sleep(min(delay, left))

    try:
        queue_work.drain(central, wait=wait)
    except _OutOfTime:
        return False
    return True
