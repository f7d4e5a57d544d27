"""The logic of the lab report (``notebooks/informe.ipynb``), out of the notebook, by question.

- ``runs``: the grid's runs (``Run``: coordinates, status, the ``results.Record`` view) and how
  to pick them; ``es``: Spanish formatting; ``document``: cover, "Figura N" numbering, prose;
  ``tables``: pipe-markdown tables shared by the questions.
- Findings, small value objects computed by pure functions, each saying whether it holds:
  ``findings`` (best with ties, trends, count comparisons, paired ratios); and the report's
  own experiments, in milliseconds with ``nnsimple_lab.training.train_seeds``: ``scan`` (the learning-rate
  scan, its window, the matched step), ``outcomes`` (why a seed fails: budget or plateau),
  ``ablation`` (hidden units), ``symmetry`` (the zero start is a saddle; identical units),
  ``descent`` (the course's loop from a chosen start). What a run already trained exactly (a
  budget, a descent) is read from its results instead (``trained``), with the same bits.
- Sentences, functions of the findings, written only when they hold and with their scope:
  ``q1_init``, ``q1_zero``, ``q2_rate``, ``q2_scan``, ``q3_loss``, ``q3_step``.
- Figures with their text alternatives side by side: ``figures`` (the grid's runs) and
  ``figures_scan`` (the experiments).

Every init and loss is named by ``vocab``.
"""
