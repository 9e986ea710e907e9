"""Run small BLAS calls on one thread without disturbing other threads."""

import contextlib
import functools
import threading

from threadpoolctl import ThreadpoolController


@functools.cache
def _threadpools():
    # Finding the loaded libraries takes over a millisecond, too much for
    # every small call; it is built on first use, after numpy's and scipy's
    # BLAS are loaded, so that it sees both.
    return ThreadpoolController()


def in_main_thread():
    """Return True when called from the interpreter's main thread."""
    return threading.current_thread() is threading.main_thread()


def one_blas_thread():
    """Context in which BLAS runs single-threaded, when set from the main thread.

    Small products (a narrow network layer, one packed rank-one update)
    gain nothing from threads, and when numpy and scipy each load their own
    OpenBLAS the idle threads of one spin while the other works, which made
    L-BFGS iterations ten times slower on two cores.

    OpenBLAS has one thread count for the whole process, and threadpoolctl
    lets only one Python thread change it. Calls running concurrently in
    other threads would set and restore it out of order, or be refused, and
    leave BLAS on one thread for good; they run under whatever limit is in
    force instead.
    """
    if not in_main_thread():
        return contextlib.nullcontext()
    return _threadpools().limit(limits=1, user_api="blas")
