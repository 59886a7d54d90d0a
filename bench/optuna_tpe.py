"""Optuna's TPE sampler on the quality benchmark's problems.

The TypeScript harness (bench/quality.ts) sends one JSON request on stdin and reads
one JSON answer on stdout. The test functions are the same as bench/problems.ts,
written again here; test/bench/ checks that both agree.

  run:      {"problem": name, "parameters": [...], "budget": N, "seeds": [...]}
            -> {"optuna": version, "runs": [{"seed": s, "values": [...], "elapsedMs": t}]}
  evaluate: {"problem": name, "points": [{...}, ...]} -> {"values": [...]}

Only `run` needs optuna; `evaluate` runs on the standard library alone.
"""

import json
import math
import sys
import time


def branin(x):
    b = 5.1 / (4 * math.pi**2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    x1, x2 = x["x1"], x["x2"]
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
H3_A = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]]
H3_P = [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]
H6_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
H6_P = [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
]


def vector(x, d):
    return [x[f"x{i + 1}"] for i in range(d)]


def hartmann(a, p, v):
    total = 0.0
    for i in range(4):
        exponent = sum(a[i][j] * (v[j] - p[i][j] * 1e-4) ** 2 for j in range(len(v)))
        total += ALPHA[i] * math.exp(-exponent)
    return -total


def ackley(v):
    d = len(v)
    squares = sum(t * t for t in v) / d
    cosines = sum(math.cos(2 * math.pi * t) for t in v) / d
    return -20 * math.exp(-0.2 * math.sqrt(squares)) - math.exp(cosines) + 20 + math.e


TRAIN = {
    "base": {"sgd": 0.3, "momentum": 0.24, "adam": 0.2, "rmsprop": 0.22},
    "curvature": {"sgd": 0.12, "momentum": 0.1, "adam": 0.06, "rmsprop": 0.08},
    "centre": {"sgd": -1, "momentum": -1.5, "adam": -2.5, "rmsprop": -2.8},
    "best_layers": {"sgd": 3, "momentum": 4, "adam": 5, "rmsprop": 4},
}


def train_model(x):
    opt, layers = x["optimizer"], x["layers"]
    u = math.log10(x["learning_rate"]) - (TRAIN["centre"][opt] - 0.15 * (layers - 1))
    ripple = 0.05 * (1 - math.cos(2 * math.pi * u))
    depth = 0.04 * (layers - TRAIN["best_layers"][opt]) ** 2
    dropout = 0.5 * (x["dropout"] - 0.08 * layers) ** 2
    return TRAIN["base"][opt] + TRAIN["curvature"][opt] * u * u + ripple + depth + dropout


DB = {
    "base": {"btree": 4, "lsm": 1.8, "hash": 3.6},
    "codec_cost": {"none": 0, "lz4": 0.3, "zstd": 0.9},
    "codec_relief": {"none": 1, "lz4": 0.7, "zstd": 0.5},
    "cache_target": {"btree": 9, "lsm": 13.5, "hash": 8},
    "cache_shift": {"none": 0, "lz4": 1, "zstd": 2.2},
    "cache_weight": {"btree": 0.25, "lsm": 0.4, "hash": 0.15},
    "work": {"btree": 40, "lsm": 30, "hash": 25},
}


def database_config(x):
    engine, codec, threads = x["engine"], x["compression"], x["threads"]
    u = math.log2(x["cache_mb"]) - (DB["cache_target"][engine] - DB["cache_shift"][codec])
    io = DB["cache_weight"][engine] * DB["codec_relief"][codec] * u * u
    pool = DB["work"][engine] / threads + 0.35 * threads
    return DB["base"][engine] + DB["codec_cost"][codec] + io + pool


LATTICE_CENTRE = [3.4, -7.6, 11.3]
LATTICE_Q = [[1, 0.6, 0.2], [0.6, 1.2, -0.4], [0.2, -0.4, 0.9]]


def integer_lattice(x):
    k = [x["k1"], x["k2"], x["k3"]]
    d = [k[i] - LATTICE_CENTRE[i] for i in range(3)]
    quadratic = 0.05 * sum(LATTICE_Q[i][j] * d[i] * d[j] for i in range(3) for j in range(3))
    y1 = x["y1"] - 0.1 * k[0]
    y2 = x["y2"] + 0.05 * k[1]
    return quadratic + y1 * y1 + 2 * y2 * y2 + 0.5 * abs(y1 + y2)


FUNCTIONS = {
    "branin": branin,
    "hartmann3": lambda x: hartmann(H3_A, H3_P, vector(x, 3)),
    "hartmann6": lambda x: hartmann(H6_A, H6_P, vector(x, 6)),
    "ackley5": lambda x: ackley(vector(x, 5)),
    "train-model": train_model,
    "database-config": database_config,
    "integer-lattice": integer_lattice,
}


def suggest_value(trial, p):
    if p["type"] == "categorical":
        return trial.suggest_categorical(p["name"], p["categories"])
    if p.get("grid"):
        return trial.suggest_categorical(p["name"], p["grid"])
    if p["type"] == "int":
        return trial.suggest_int(p["name"], int(p["min"]), int(p["max"]))
    return trial.suggest_float(p["name"], p["min"], p["max"], log=bool(p["log"]))


def run(request):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    f = FUNCTIONS[request["problem"]]
    parameters = request["parameters"]
    runs = []
    for seed in request["seeds"]:
        values = []

        def objective(trial):
            x = {p["name"]: suggest_value(trial, p) for p in parameters}
            values.append(f(x))
            return values[-1]

        # Default TPE settings, as a user would run it; seeded for repeatability.
        sampler = optuna.samplers.TPESampler(seed=seed)
        study = optuna.create_study(direction="minimize", sampler=sampler)
        start = time.perf_counter()
        study.optimize(objective, n_trials=request["budget"])
        elapsed = (time.perf_counter() - start) * 1000
        runs.append({"seed": seed, "values": values, "elapsedMs": elapsed})
    return {"optuna": optuna.__version__, "runs": runs}


def evaluate(request):
    f = FUNCTIONS[request["problem"]]
    return {"values": [f(x) for x in request["points"]]}


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    handlers = {"run": run, "evaluate": evaluate}
    if mode not in handlers:
        sys.exit("usage: optuna_tpe.py run|evaluate < request.json")
    json.dump(handlers[mode](json.load(sys.stdin)), sys.stdout)


if __name__ == "__main__":
    main()
