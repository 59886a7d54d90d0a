"""One trial: train the CNN with the suggested assignments, return validation accuracy."""

import math
from dataclasses import dataclass
from typing import Any, Dict, Mapping

import torch
from torch import nn
from torch.nn import functional as F

from data import Dataset, trim
from model import TextCNN
from space import DEFAULT_FEATURE_MAPS, DEFAULT_FILTER_SIZES


@dataclass
class Settings:
    data: Dataset  # already on ``device``
    device: torch.device
    epochs_max: int


class Diverged(FloatingPointError):
    """The training loss stopped being a finite number."""


def architecture(assignments: Mapping[str, Any]) -> Dict[str, Any]:
    """Filter sizes and feature maps: suggested in the architecture variant, Kim's otherwise."""
    sizes = [assignments.get(f"filter_size_{n}") for n in (1, 2, 3)]
    return {
        "filter_sizes": DEFAULT_FILTER_SIZES if None in sizes else tuple(int(s) for s in sizes),
        "num_feature_maps": int(assignments.get("num_feature_maps", DEFAULT_FEATURE_MAPS)),
    }


def build(assignments: Mapping[str, Any], settings: Settings) -> TextCNN:
    model = TextCNN(
        vocabulary_size=settings.data.vocabulary_size,
        num_classes=settings.data.num_classes,
        embed_dim=int(assignments["embed_dim"]),
        dropout_rate=float(assignments["dropout_rate"]),
        **architecture(assignments),
    )
    return model.to(settings.device)


def train_epoch(model: TextCNN, optimizer: Any, settings: Settings, hyper: Dict[str, Any]) -> None:
    data = settings.data
    model.train()
    order = torch.randperm(len(data.train_labels), device=settings.device)
    for batch in order.split(hyper["batch_size"]):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(trim(data.train_tokens[batch])), data.train_labels[batch])
        if not math.isfinite(loss.item()):
            raise Diverged(f"the training loss became {loss.item()} (learning rate too high?)")
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), hyper["max_grad_norm"])
        optimizer.step()


@torch.no_grad()
def accuracy(model: TextCNN, settings: Settings) -> float:
    data = settings.data
    model.eval()
    correct = 0
    for tokens, labels in zip(data.validation_tokens.split(500), data.validation_labels.split(500)):
        correct += int((model(trim(tokens)).argmax(dim=1) == labels).sum())
    return correct / len(data.validation_labels)


def evaluate(assignments: Mapping[str, Any], settings: Settings) -> float:
    """Validation accuracy after training; raises when training fails (the trial
    is then reported as failed)."""
    hyper = {
        "batch_size": int(assignments["batch_size"]),
        "max_grad_norm": float(assignments["max_grad_norm"]),
        # A resumed experiment may allow more epochs than this run does.
        "epochs": min(int(assignments.get("epochs", 1)), settings.epochs_max),
    }
    model = build(assignments, settings)
    optimizer = torch.optim.RMSprop(model.parameters(), lr=float(assignments["learning_rate"]))
    try:
        for _ in range(hyper["epochs"]):
            train_epoch(model, optimizer, settings, hyper)
        return accuracy(model, settings)
    finally:
        del model, optimizer
        if settings.device.type == "cuda":
            torch.cuda.empty_cache()  # what an out-of-memory trial left behind
