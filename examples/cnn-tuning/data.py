"""The two data sets, both as sequences of token ids, so one network fits them.

Movie reviews: Pang and Lee's sentence-polarity files (rt-polarity.pos and
rt-polarity.neg, one review snippet a line, already lower-cased and tokenized),
when the user has them. Digits: scikit-learn's bundled 8x8 images, on every
machine. Each image row is one token: its 8 pixels, each on (intensity 8 or
more of 16) or off, spell one of 256 "words". An image is then an 8-word
sentence, and a filter of width k reads k adjacent rows, as a text filter reads
k adjacent words.
"""

import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import torch

PAD, UNKNOWN = 0, 1

#: Token sequences are at least this long, so that the widest filter fits.
MIN_LENGTH = 7

#: Longer sentences are cut here (the longest in rt-polarity has 59 words).
MAX_WORDS = 100

REVIEW_FILES = ("rt-polarity.neg", "rt-polarity.pos")


@dataclass
class Dataset:
    name: str
    train_tokens: torch.Tensor  # (n, length) token ids
    train_labels: torch.Tensor  # (n,) class ids
    validation_tokens: torch.Tensor
    validation_labels: torch.Tensor
    vocabulary_size: int
    num_classes: int

    def to(self, device: torch.device) -> "Dataset":
        moved = [
            t.to(device)
            for t in (
                self.train_tokens,
                self.train_labels,
                self.validation_tokens,
                self.validation_labels,
            )
        ]
        return Dataset(self.name, *moved, self.vocabulary_size, self.num_classes)

    def describe(self) -> str:
        return (
            f"{self.name}: {len(self.train_labels)} training and "
            f"{len(self.validation_labels)} validation examples, "
            f"a vocabulary of {self.vocabulary_size} tokens, {self.num_classes} classes"
        )


def split(count: int, validation_fraction: float, seed: int = 0) -> Tuple[List[int], List[int]]:
    """Training and validation indices, the same on every run."""
    order = list(range(count))
    random.Random(seed).shuffle(order)
    cut = max(1, round(count * validation_fraction))
    return order[cut:], order[:cut]


def pad(sequences: Sequence[Sequence[int]]) -> torch.Tensor:
    length = max(MIN_LENGTH, max(len(s) for s in sequences))
    return torch.tensor([list(s) + [PAD] * (length - len(s)) for s in sequences])


def trim(tokens: torch.Tensor) -> torch.Tensor:
    """A batch without the padding columns that none of its sequences needs."""
    longest = int((tokens != PAD).sum(dim=1).max())
    return tokens[:, : max(MIN_LENGTH, longest)]


def assemble(
    name: str,
    examples: Sequence[Tuple[List[int], int]],
    indices: Tuple[List[int], List[int]],
    classes: int,
) -> Dataset:
    """The examples as padded tensors, split into training and validation."""

    def tensors(chosen: List[int]) -> Tuple[torch.Tensor, torch.Tensor]:
        tokens = pad([examples[i][0] for i in chosen])
        return tokens, torch.tensor([examples[i][1] for i in chosen])

    size = 1 + max(token for tokens, _ in examples for token in tokens)
    return Dataset(name, *tensors(indices[0]), *tensors(indices[1]), size, classes)


# Digits


def row_token(row: Sequence[float]) -> int:
    bits = sum(1 << j for j, pixel in enumerate(row) if pixel >= 8)
    return bits + 2  # after PAD and UNKNOWN, which digits never use


def load_digits() -> Dataset:
    try:
        from sklearn.datasets import load_digits as bundled_digits
    except ImportError as error:
        raise ImportError(
            "the digits come with scikit-learn, which is not installed (pip install "
            "scikit-learn, or Debian's python3-sklearn); or give --data-dir"
        ) from error

    digits = bundled_digits()
    examples = [
        ([row_token(row) for row in image], int(label))
        for image, label in zip(digits.images, digits.target)
    ]
    return assemble("digits", examples, split(len(examples), 0.2), classes=10)


# Movie reviews


def review_files(data_dir: Path) -> Tuple[Path, Path]:
    """rt-polarity.neg and .pos in ``data_dir``, or in the rt-polaritydata folder
    that the original archive unpacks to."""
    for folder in (data_dir, data_dir / "rt-polaritydata"):
        paths = tuple(folder / name for name in REVIEW_FILES)
        if all(path.is_file() for path in paths):
            return paths[0], paths[1]
    raise FileNotFoundError(
        f"--data-dir {data_dir}: expected the files {' and '.join(REVIEW_FILES)} there "
        "(or in its rt-polaritydata folder)"
    )


def read_sentences(path: Path) -> List[List[str]]:
    # The files are Latin-1, not UTF-8; the text is already tokenized by spaces.
    lines = path.read_text(encoding="latin-1").splitlines()
    return [line.lower().split()[:MAX_WORDS] for line in lines if line.strip()]


def vocabulary(sentences: Sequence[List[str]], size: int) -> dict:
    """The ``size`` most frequent words seen at least twice; the rest are unknown."""
    counts = Counter(word for sentence in sentences for word in sentence)
    kept = [word for word, count in counts.most_common(size) if count >= 2]
    return {word: index for index, word in enumerate(kept, start=2)}


def load_reviews(data_dir: Path, vocabulary_size: int) -> Dataset:
    negative, positive = review_files(data_dir)
    labelled = [(s, 0) for s in read_sentences(negative)] + [
        (s, 1) for s in read_sentences(positive)
    ]
    indices = split(len(labelled), 0.1)
    # Words are counted on the training sentences only, as a model in use would be.
    words = vocabulary([labelled[i][0] for i in indices[0]], vocabulary_size)
    examples = [([words.get(w, UNKNOWN) for w in s] or [UNKNOWN], label) for s, label in labelled]
    return assemble("movie reviews", examples, indices, classes=2)


def load(data_dir: Optional[Path], vocabulary_size: int) -> Dataset:
    return load_digits() if data_dir is None else load_reviews(data_dir, vocabulary_size)
