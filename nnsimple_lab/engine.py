"""papermill's nbclient engine, executing in a ``kernels.WarmKernel``, and finishing the notebook
before papermill writes it.

Registered through papermill's ``papermill.engine`` entry point (``pyproject.toml``), under
the name ``tasks.ENGINE``: ``papermill.execute_notebook(..., engine_name=ENGINE, kernel=warm,
finish=f)``. papermill imports this module while it imports its own engines, so nothing imports
it before papermill (it would be half-imported when papermill looks for ``WarmEngine``).
"""

from __future__ import annotations

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine
from papermill.log import logger


class WarmEngine(NBClientEngine):
    """NBClientEngine with two engine arguments: ``kernel``, a ``WarmKernel`` to execute in (None:
    a kernel of the notebook's own, as NBClientEngine), and ``finish``, called as ``finish(nb)``
    on the executed notebook, once papermill has noted how the execution ended and before it
    writes the notebook (once, and only then: ``tasks.execute``'s changes need no second write).
    """

    @classmethod
    def execute_notebook(cls, nb, kernel_name, *args, finish=None, **kwargs):
        nb = super().execute_notebook(nb, kernel_name, *args, **kwargs)
        if finish is not None:
            finish(nb)
        return nb

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        *,
        kernel=None,
        **kwargs,
    ):
        if kernel is None:
            return super().execute_managed_notebook(
                nb_man,
                kernel_name,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                start_timeout=start_timeout,
                execution_timeout=execution_timeout,
                **kwargs,
            )
        for name in ("input_path", "timeout", "startup_timeout"):  # as NBClientEngine: not nbclient's
            kwargs.pop(name, None)
        # With a kernel manager given, nbclient neither starts nor shuts the kernel down.
        client = PapermillNotebookClient(
            nb_man,
            km=kernel.km,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            **kwargs,
        )
        # The same client for every notebook: a new one waits for the kernel's IOPub to settle.
        client.kc = kernel.kc
        return client.execute()
