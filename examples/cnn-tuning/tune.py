#!/usr/bin/env python3
"""Tunes a Kim-style text CNN with argmax: several worker threads share one
experiment, each training the model with a suggestion and reporting its
validation accuracy.

    ARGMAX_TOKEN=<token> python3 examples/cnn-tuning/tune.py --quick

The README beside this file has the flags, the data and the space.
"""

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from space import DEFAULT_EPOCHS_MAX, TRIALS_PER_PARAMETER, VARIANTS, parameters

HERE = Path(__file__).resolve().parent
METRIC = "validation_accuracy"

#: What --quick means, where the flags do not say otherwise.
QUICK = {"epochs_max": 1, "trials": 8}


def require_modules() -> None:
    """PyTorch, and the argmax client (from this checkout when it is not installed)."""
    try:
        import torch  # noqa: F401
    except ImportError:
        sys.exit(
            f"cnn-tuning: PyTorch is not installed for {sys.executable}. Install it "
            "(pip install torch), or with Debian's python3-torch run this with /usr/bin/python3."
        )
    try:
        import argmax  # noqa: F401
    except ImportError:
        checkout = HERE.parent.parent / "clients" / "python"
        if not (checkout / "argmax").is_dir():
            sys.exit("cnn-tuning: the argmax client is not installed: pip install ./clients/python")
        sys.path.insert(0, str(checkout))


def whole_number(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"expected a whole number of at least {minimum}, got {text!r}"
            )
        return value

    return parse


def parse_flags(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--variant",
        choices=VARIANTS,
        default="seed",
        help="seed: the training parameters; architecture: also filter sizes and feature maps",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="a folder with rt-polarity.pos and .neg (default: scikit-learn's digits)",
    )
    parser.add_argument(
        "--workers", type=whole_number(1), default=2, help="trials trained at once (default 2)"
    )
    parser.add_argument(
        "--trials",
        type=whole_number(0),
        help="stop after this many trials (default: when the budget is used)",
    )
    parser.add_argument(
        "--budget",
        type=whole_number(1),
        help=f"a new experiment's observation budget (default {TRIALS_PER_PARAMETER} a parameter)",
    )
    parser.add_argument(
        "--epochs-max",
        type=whole_number(1),
        help=f"most epochs a trial trains (default {DEFAULT_EPOCHS_MAX}; 1 leaves epochs out)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a short run: --epochs-max {epochs_max} --trials {trials} unless given".format(
            **QUICK
        ),
    )
    parser.add_argument(
        "--name", help="the experiment to create or resume (default: from the data and variant)"
    )
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="auto: the GPU when PyTorch sees one (default)",
    )
    parser.add_argument(
        "--vocabulary-size",
        type=whole_number(10),
        default=20000,
        help="most words kept from the movie reviews (default 20000)",
    )
    flags = parser.parse_args(argv)
    quick = QUICK if flags.quick else {}
    if flags.epochs_max is None:
        flags.epochs_max = quick.get("epochs_max", DEFAULT_EPOCHS_MAX)
    if flags.trials is None:
        flags.trials = quick.get("trials")
    return flags


def default_name(flags: argparse.Namespace) -> str:
    data = "digits" if flags.data_dir is None else "reviews"
    suffix = "-1-epoch" if flags.epochs_max == 1 else ""
    return f"cnn-tuning-{data}-{flags.variant}{suffix}"


def choose_device(wanted: str, workers: int):
    import torch

    if wanted == "cuda" and not torch.cuda.is_available():
        sys.exit("cnn-tuning: --device cuda, but PyTorch sees no GPU here")
    use_cuda = wanted == "cuda" or (wanted == "auto" and torch.cuda.is_available())
    # Worker threads share the cores: each torch operation gets its share of them.
    torch.set_num_threads(max(1, (os.cpu_count() or 1) // workers))
    return torch.device("cuda" if use_cuda else "cpu")


def open_experiment(client: Any, flags: argparse.Namespace) -> Any:
    space = parameters(flags.variant, flags.epochs_max)
    experiment = client.create_or_resume(
        name=flags.name or default_name(flags),
        parameters=space,
        metrics=[{"name": METRIC, "objective": "maximize"}],
        observation_budget=flags.budget or TRIALS_PER_PARAMETER * len(space),
        parallel_bandwidth=flags.workers,
        # A worker that dies gives its point back after this long; running trials renew it.
        suggestion_lease_seconds=600,
        metadata={"example": "cnn-tuning", "variant": flags.variant},
    )
    stored = sorted(p["name"] for p in experiment.data["parameters"])
    wanted = sorted(p["name"] for p in space)
    if stored != wanted:
        sys.exit(
            f"cnn-tuning: experiment {experiment.id} ({experiment.name!r}) has the parameters "
            f"{', '.join(stored)}, not this run's {', '.join(wanted)}; pass another --name"
        )
    return experiment


def say(line: str) -> None:
    # One write a line, so that lines of different worker threads do not interleave.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def objective(settings: Any):
    from train import evaluate

    def trial(assignments: Dict[str, Any]) -> float:
        worker = threading.current_thread().name
        shown = " ".join(f"{k}={v:.4g}" for k, v in sorted(assignments.items()))
        started = time.monotonic()
        try:
            value = evaluate(assignments, settings)
        except Exception as error:
            say(f"[{worker}] failed after {time.monotonic() - started:.1f} s: {error}  {shown}")
            raise
        say(f"[{worker}] {METRIC} {value:.4f} in {time.monotonic() - started:.1f} s  {shown}")
        return value

    return trial


def report_best(experiment: Any) -> None:
    best = experiment.best_assignments()
    if not best:
        say("no successful trial yet: nothing to show as best")
        return
    value = next(v["value"] for v in best[0]["values"] if v["name"] == METRIC)
    say(f"best {METRIC}: {value} (observation {best[0]['id']})")
    say(f"best assignments: {json.dumps(best[0]['assignments'], sort_keys=True)}")


def main(argv: Optional[List[str]] = None) -> int:
    flags = parse_flags(argv)
    require_modules()

    from argmax import ApiError, Client
    from data import load
    from train import Settings

    device = choose_device(flags.device, flags.workers)
    try:
        data = load(flags.data_dir, flags.vocabulary_size)
    except (FileNotFoundError, ImportError) as error:
        sys.exit(f"cnn-tuning: {error}")
    settings = Settings(data=data.to(device), device=device, epochs_max=flags.epochs_max)
    try:
        experiment = open_experiment(Client(), flags)
        say(f"experiment {experiment.id} ({experiment.name!r}) on {data.describe()}")
        epochs = "1 epoch" if flags.epochs_max == 1 else f"up to {flags.epochs_max} epochs"
        say(f"{flags.workers} workers on {device}, {epochs} a trial")
        summary = experiment.run(
            objective(settings), workers=flags.workers, max_trials=flags.trials
        )
        say(f"{summary.reported} trials reported, {summary.failed} of them failed")
        report_best(experiment)
    except (ApiError, ValueError) as error:
        sys.exit(f"cnn-tuning: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
