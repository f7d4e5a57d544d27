"""The logic of the lab report (``notebooks/informe.ipynb``), out of the notebook, by question.

- ``runs``: the grid's runs (``Run``: coordinates, status, the ``results.Record`` view) and how
  to pick them; ``es``: Spanish formatting; ``document``: cover, "Figura N" numbering, prose;
- ``tables``: pipe-markdown tables shared by the questions; ``figures``: the report's figures;
- ``q1_init``, ``q2_rate``, ``q3_loss``: each question's sentences, tables and conclusion.

Sentences state only what the data support; every init and loss is named by ``vocab``.
"""
