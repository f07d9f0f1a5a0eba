r"""Command line: ``weightlab reproduce`` and friends.

Examples
--------
Reproduce the article's table on the embedded synthetic data (a few minutes on 2 cores)::

    weightlab reproduce

The real CFPB export with ModernBERT-base on a GPU::

    weightlab reproduce --data cfpb:complaints.csv.zip --sample 58000 \\
        --engine transformer --model answerdotai/ModernBERT-base
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

__all__ = ["main", "build_parser"]


def _alphas(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            f"--alphas takes comma-separated numbers such as 0,0.5,1; got {text!r}"
        ) from err
    if not values or any(v < 0 for v in values):
        raise argparse.ArgumentTypeError(f"--alphas needs numbers >= 0; got {text!r}")
    return values


def build_parser() -> argparse.ArgumentParser:
    """The ``weightlab`` argument parser (one sub-command per task)."""
    from weightlab import __version__

    parser = argparse.ArgumentParser(
        prog="weightlab",
        description="Class weighting for long-tailed text classification: "
        "measure what accuracy and macro F1 each weighting costs.",
    )
    parser.add_argument("--version", action="version", version=f"weightlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    rep = sub.add_parser(
        "reproduce",
        help="run the article's results table (majority, TF-IDF+LR, unweighted, weighted)",
        description="Train the baselines and the chosen engine at each alpha, print the "
        "results table beside the article's reported figures, and write results.json, "
        "table.md, per_class.csv and f1_histograms.png to --out.",
    )
    data = rep.add_argument_group("data")
    data.add_argument(
        "--data",
        default="synthetic",
        help="'synthetic' (default: generated complaints), 'cfpb:PATH' (CFPB export, CSV or "
        "zip), 'csv:PATH' / 'parquet:PATH' (with --text-column/--label-column), 'hf:NAME'",
    )
    data.add_argument("--text-column", default="text", help="text column of csv/parquet/hf data")
    data.add_argument(
        "--label-column",
        default=None,
        help="label column (default: 'label'; for cfpb: 'Issue'; 'Product+Issue' combines)",
    )
    data.add_argument(
        "--n-documents",
        type=int,
        default=None,
        help="synthetic data: number of documents (default 58000)",
    )
    data.add_argument(
        "--n-classes",
        type=int,
        default=None,
        help="synthetic data: number of classes (default 113)",
    )
    data.add_argument(
        "--sample",
        type=int,
        default=None,
        help="cfpb data: seeded random sample of N narratives (the article: 58000)",
    )
    data.add_argument(
        "--min-count", type=int, default=None, help="cfpb data: drop classes with fewer examples"
    )
    eng = rep.add_argument_group("training")
    eng.add_argument(
        "--engine",
        default="tfidf-linear",
        choices=["tfidf-linear", "transformer"],
        help="engine trained at each alpha (default: tfidf-linear, CPU, seconds)",
    )
    eng.add_argument(
        "--model",
        default=None,
        help="transformer engine: hub id or local directory (default answerdotai/ModernBERT-base)",
    )
    eng.add_argument("--epochs", type=float, default=None, help="transformer engine: epochs")
    eng.add_argument(
        "--alphas",
        type=_alphas,
        default=[0.0, 0.5],
        help="class-weight exponents, comma-separated (default 0,0.5: unweighted and sqrt-inverse)",
    )
    eng.add_argument(
        "--no-baselines",
        action="store_true",
        help="skip the majority and TF-IDF + logistic regression rows",
    )
    rep.add_argument("--seed", type=int, default=0, help="seed of data, split and training")
    rep.add_argument("--out", default="results", help="output folder (default: results/)")
    rep.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    rep.set_defaults(func=_cmd_reproduce)
    return parser


def _data_kwargs(args) -> dict:
    kw = {}
    spec = args.data
    if spec == "synthetic":
        if args.n_documents is not None:
            kw["n_documents"] = args.n_documents
        if args.n_classes is not None:
            kw["n_classes"] = args.n_classes
    elif spec.startswith("cfpb:"):
        if args.label_column:
            kw["label_column"] = (
                [c.strip() for c in args.label_column.split("+")]
                if ("+" in args.label_column)
                else args.label_column
            )
        if args.sample is not None:
            kw["sample"] = args.sample
        if args.min_count is not None:
            kw["min_count"] = args.min_count
    else:
        kw["text_column"] = args.text_column
        kw["label_column"] = args.label_column or "label"
    return kw


def _engine(args):
    if args.engine != "transformer":
        if args.model or args.epochs:
            raise ValueError("--model and --epochs apply to --engine transformer only.")
        return args.engine
    from weightlab.engines.transformer import TransformerConfig, TransformerEngine

    cfg = {}
    if args.model:
        cfg["model"] = args.model
    if args.epochs:
        cfg["epochs"] = args.epochs
    return TransformerEngine(TransformerConfig(**cfg))


def _cmd_reproduce(args) -> int:
    from weightlab.reproduce import reproduce

    start = time.perf_counter()
    results = reproduce(
        args.data,
        engine=_engine(args),
        alphas=args.alphas,
        seed=args.seed,
        out=args.out,
        baselines=not args.no_baselines,
        progress=not args.quiet,
        **_data_kwargs(args),
    )
    for note in results.dataset.notes:
        print(f"note: {note}")
    print()
    print(results.markdown())
    print(
        f"Wrote results.json, table.md, per_class.csv, f1_histograms.png to {args.out}/ "
        f"in {time.perf_counter() - start:.0f} s."
    )
    return 0


def main(argv=None) -> int:
    """Entry point of the ``weightlab`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if not getattr(args, "quiet", False) else logging.WARNING,
        format="%(message)s",
    )
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, RuntimeError) as err:
        # Bad input: one clear line, not a traceback.
        print(f"weightlab: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("weightlab: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
