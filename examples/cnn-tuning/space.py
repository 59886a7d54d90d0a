"""The parameter spaces of the two variants, as the argmax API takes them."""

from typing import Any, Dict, List

#: Kim's filters (widths 3, 4 and 5, 100 maps each), kept fixed in the seed variant.
DEFAULT_FILTER_SIZES = (3, 4, 5)
DEFAULT_FEATURE_MAPS = 100

#: Kim trained for 25 epochs; the epochs parameter ranges up to this by default.
DEFAULT_EPOCHS_MAX = 25

#: Trials per parameter when no budget is given.
TRIALS_PER_PARAMETER = 40

VARIANTS = ("seed", "architecture")


def double(name: str, low: float, high: float, log: bool = False) -> Dict[str, Any]:
    parameter: Dict[str, Any] = {
        "name": name,
        "type": "double",
        "bounds": {"min": low, "max": high},
    }
    if log:
        parameter["transformation"] = "log"
    return parameter


def integer(name: str, low: int, high: int) -> Dict[str, Any]:
    return {"name": name, "type": "int", "bounds": {"min": low, "max": high}}


def parameters(variant: str, epochs_max: int) -> List[Dict[str, Any]]:
    """The space to search. With ``epochs_max`` 1 every trial trains one epoch,
    so ``epochs`` is left out (the API needs bounds with min < max)."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    space = [
        double("dropout_rate", 0.1, 0.9),
        double("learning_rate", 1e-8, 1.0, log=True),
        double("max_grad_norm", 1.0, 10.0),
        integer("batch_size", 10, 100),
        integer("embed_dim", 100, 500),
    ]
    if epochs_max > 1:
        space.append(integer("epochs", 1, epochs_max))
    if variant == "architecture":
        space += [integer(f"filter_size_{n}", 1, 7) for n in (1, 2, 3)]
        space.append(integer("num_feature_maps", 10, 200))
    return space
