"""A real runs folder without the sweep: train with nnsimple, write records with results.

Stands in for the sweep in the report's tests (and by hand, for a quick grid):
every number comes from ``nnsimple_lab.training.train`` / ``train_seeds`` and is written with
``results.run_record`` + ``results.write_run``; the manifest follows the format documented
in ``results.py``. Nothing is hard-coded. Any loss of ``nnsimple.LOSSES`` goes, including
one a test added to a copy of the project (``tests/test_informe.py``).

    python tests/runsfolder.py reports/runs --lr 0.01 0.1 0.5 --iterations 1000 --seeds 20
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import nnsimple as nn
from nnsimple_lab import files, results, training


def write_runs_folder(
    folder,
    *,
    learning_rates=(0.1, 0.5),
    inits=("zeros", "random"),
    losses=("bce", "mse"),
    dataset="xor",
    n_h=2,
    iterations=200,
    seed=2,
    seeds=4,
    failed=(),
    damaged=(),
):
    """Train every (lr, init, loss) of the grid and write ``folder/<id>.json`` + the manifest.

    ``failed``: run ids listed as failed in the manifest (no results file, an error line).
    ``damaged``: run ids whose results file is written and then truncated.
    Returns the manifest dict.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    X, Y = nn.load_dataset(dataset)
    entries = []
    for lr in learning_rates:
        for init in inits:
            for loss in losses:
                rid = results.run_id(lr, init, loss)
                where = {"learning_rate": lr, "init": init, "loss": loss}
                if rid in failed:
                    error = f"Traceback (most recent call last):\nRuntimeError: fallo simulado en {rid}"
                    entries.append(
                        results.manifest_entry(
                            rid, **where, status="failed", notebook=f"{rid}.failed.ipynb", error=error
                        )
                    )
                    continue
                start = time.perf_counter()
                one = training.train(
                    X, Y, n_h=n_h, learning_rate=lr, iterations=iterations, init=init, loss=loss, seed=seed
                )
                many = training.train_seeds(
                    X, Y, seeds=range(seeds), n_h=n_h, learning_rate=lr, iterations=iterations, init=init, loss=loss
                )
                record = results.run_record(
                    one, many, dataset=dataset, X=X, Y=Y, duration_s=time.perf_counter() - start
                )
                path = folder / f"{rid}.json"
                results.write_run(path, record)
                if rid in damaged:
                    path.write_text(path.read_text()[:-300])
                entries.append(results.manifest_entry(rid, **where))
    manifest = results.manifest(
        {
            "learning_rates": [float(lr) for lr in learning_rates],
            "inits": list(inits),
            "losses": list(losses),
            "dataset": dataset,
            "n_h": n_h,
            "iterations": iterations,
            "seed": seed,
            "seeds": seeds,
        },
        entries,
    )
    files.write_json_atomic(folder / results.MANIFEST, manifest)
    return manifest


def main(argv=None):
    parser = argparse.ArgumentParser(description="Escribe una carpeta de ejecuciones reales sin sweep.py.")
    parser.add_argument("folder")
    parser.add_argument("--lr", type=float, nargs="+", default=[0.01, 0.1, 0.5])
    parser.add_argument("--init", nargs="+", default=["zeros", "random"])
    parser.add_argument("--loss", nargs="+", default=["bce", "mse"])
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--failed", nargs="*", default=[])
    parser.add_argument("--damaged", nargs="*", default=[])
    args = parser.parse_args(argv)
    write_runs_folder(
        args.folder,
        learning_rates=args.lr,
        inits=args.init,
        losses=args.loss,
        iterations=args.iterations,
        seed=args.seed,
        seeds=args.seeds,
        failed=args.failed,
        damaged=args.damaged,
    )


if __name__ == "__main__":
    main()
