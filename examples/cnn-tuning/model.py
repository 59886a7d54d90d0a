"""A convolutional sentence classifier after Kim, "Convolutional Neural Networks
for Sentence Classification" (EMNLP 2014): word embeddings, parallel 1-D
convolutions of several widths, max-over-time pooling, dropout, one linear layer.
"""

from typing import Sequence

import torch
from torch import nn
from torch.nn import functional as F


class TextCNN(nn.Module):
    def __init__(
        self,
        vocabulary_size: int,
        num_classes: int,
        embed_dim: int,
        filter_sizes: Sequence[int],
        num_feature_maps: int,
        dropout_rate: float,
    ) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocabulary_size, embed_dim, padding_idx=0)
        self.convolutions = nn.ModuleList(
            nn.Conv1d(embed_dim, num_feature_maps, width) for width in filter_sizes
        )
        self.dropout = nn.Dropout(dropout_rate)
        self.output = nn.Linear(num_feature_maps * len(filter_sizes), num_classes)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Class scores (batch, classes) for token ids (batch, length)."""
        embedded = self.embedding(tokens).transpose(1, 2)  # (batch, embed_dim, length)
        pooled = [F.relu(conv(embedded)).amax(dim=2) for conv in self.convolutions]
        return self.output(self.dropout(torch.cat(pooled, dim=1)))
