"""nnsimple-lab: the machinery that turns the NNsimple lab into a reproducible Spanish report.

The network itself is ``nnsimple`` (one module, numpy only). This package sweeps a grid of
runs through the experiment notebook, aggregates them in the report notebook and renders it.
Importing the package imports nothing else: each module is loaded only where it is used.
"""
