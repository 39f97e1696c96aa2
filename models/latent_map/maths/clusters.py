"""k-means clusters of latent means, with k chosen by silhouette score when not given."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.metrics import pairwise_distances_argmin, silhouette_score

from models.errors import Cancelled, LatentiaError, ProjectError
from models.latent_map.maths._common import (
    as_latents,
    json_field,
    read_json_field,
    require_array,
    rng_seed,
    single_threaded,
)
from models.records import frozen_array

log = logging.getLogger(__name__)

SILHOUETTE_SAMPLE = 2000  # silhouette is O(n^2): score k on a random sample of this size
MINIBATCH_ABOVE = 20_000  # full k-means is fine below this many latents on a laptop CPU
KMEANS_RESTARTS = 3  # k-means++ restarts; the best inertia wins (Arthur & Vassilvitskii 2007)
TWO_GROUPS_MARGIN = 1.5  # k=2 must beat the best larger k's silhouette by this factor


def default_names(k: int) -> tuple[str, ...]:
    return tuple(f"Cluster {i + 1}" for i in range(k))


@dataclass(frozen=True, eq=False)
class Clusters:
    """Groups of images in latent space, numbered by size (cluster 0 is the largest)."""

    labels: np.ndarray  # (N,) int64, cluster of each latent
    centers: np.ndarray  # (k, D) float32, k-means centroids
    representatives: np.ndarray  # (k,) int64, index of the member latent closest to its centre
    names: tuple[str, ...]  # k names a person can edit, "Cluster 1"... by default

    @property
    def k(self) -> int:
        return int(self.centers.shape[0])

    @property
    def sizes(self) -> np.ndarray:
        """(k,) int64 number of latents in each cluster."""
        return np.bincount(self.labels, minlength=self.k).astype(np.int64)

    def with_names(self, names: Sequence[str]) -> Clusters:
        """A copy with new names; blank names fall back to "Cluster i"."""
        names = tuple(names)
        if len(names) != self.k:
            raise LatentiaError(f"{len(names)} names given for {self.k} clusters")
        if not all(isinstance(name, str) for name in names):
            raise LatentiaError("cluster names must be text")
        defaults = default_names(self.k)
        return replace(self, names=tuple(name.strip() or default
                                         for name, default in zip(names, defaults, strict=True)))

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Numeric arrays only (safetensors-friendly); names travel as UTF-8 JSON bytes."""
        return {"labels": np.ascontiguousarray(self.labels, dtype=np.int64),
                "centers": np.ascontiguousarray(self.centers, dtype=np.float32),
                "representatives": np.ascontiguousarray(self.representatives, dtype=np.int64),
                "names_json": json_field(list(self.names))}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> Clusters:
        centers = require_array(arrays, "centers", (None, None))
        k = centers.shape[0]
        labels = require_array(arrays, "labels", (None,)).astype(np.int64)
        representatives = require_array(arrays, "representatives", (k,)).astype(np.int64)
        names = read_json_field(arrays, "names_json")
        if k < 1 or (labels.size and (labels.min() < 0 or labels.max() >= k)):
            raise ProjectError("stored clusters have labels outside 0..k-1")
        if representatives.min() < 0 or representatives.max() >= labels.size:
            raise ProjectError("stored cluster representatives point outside the images")
        if not isinstance(names, list) or len(names) != k:
            raise ProjectError(f"stored clusters need {k} names")
        return cls(frozen_array(labels), frozen_array(centers, np.float32),
                   frozen_array(representatives), tuple(str(name) for name in names))


def cluster_latents(means: np.ndarray, k: int | None = None, seed: int = 0, max_k: int = 12,
                    *, should_stop: Callable[[], bool] | None = None) -> Clusters:
    """k-means (Lloyd 1982, k-means++ seeding) of latent means (N, D).

    With `k=None`, k is chosen by silhouette score (Rousseeuw 1987) on a random sample of at
    most 2000 latents (see `choose_k`). Raises `Cancelled` when `should_stop()` is true.
    """
    codes = as_latents(means, "latent means")
    seed = rng_seed(seed)
    if k is None:
        k = choose_k(codes, max_k=max_k, seed=seed, should_stop=should_stop)
    else:
        _check_k(k, codes)
    with single_threaded():
        model = _kmeans(int(k), codes.shape[0], seed).fit(codes)
    labels, centers = _order_by_size(model.labels_, model.cluster_centers_)
    representatives = _representatives(codes, labels, centers)
    return Clusters(frozen_array(labels, np.int64), frozen_array(centers, np.float32),
                    frozen_array(representatives, np.int64), default_names(len(centers)))


def choose_k(codes: np.ndarray, max_k: int = 12, seed: int = 0,
             should_stop: Callable[[], bool] | None = None) -> int:
    """The k in 2..max_k with the highest mean silhouette on a sample; 1 if too few latents.

    Silhouette favours k=2 on latents without clear groups (measured on icon folders: 0.16 for
    k=2 against 0.15 for k=3, 0.30 against 0.22 for k=4), and two colours on the map tell an
    artist nothing. So two clusters win only when they beat every larger k by half again
    (TWO_GROUPS_MARGIN), as two truly separate groups do.
    """
    if not isinstance(max_k, (int, np.integer)) or max_k < 1:
        raise LatentiaError(f"max_k must be a positive integer; got {max_k!r}")
    scores = _silhouettes(codes, int(max_k), seed, should_stop)  # {k: score}
    if not scores:
        return 1
    larger = {k: score for k, score in scores.items() if k > 2}
    two_clearly_best = not larger or scores.get(2, -np.inf) > TWO_GROUPS_MARGIN * max(
        larger.values())
    candidates = scores if two_clearly_best else larger
    return max(candidates, key=lambda k: (candidates[k], -k))  # ties keep the smaller k


def _silhouettes(codes: np.ndarray, max_k: int, seed: int,
                 should_stop: Callable[[], bool] | None) -> dict[int, float]:
    """{k: mean silhouette} of k-means on a random sample of at most SILHOUETTE_SAMPLE codes."""
    rng = np.random.default_rng(seed)
    size = min(codes.shape[0], SILHOUETTE_SAMPLE)
    sample = codes[np.sort(rng.choice(codes.shape[0], size=size, replace=False))]
    # Silhouette needs 2 <= k <= n - 1 and k-means needs k distinct points.
    largest = min(max_k, _count_distinct(sample), size - 1)
    scores = {}
    with single_threaded():
        for k in range(2, largest + 1):
            if should_stop is not None and should_stop():
                raise Cancelled("clustering was cancelled")
            labels = _kmeans(k, size, seed).fit_predict(sample)
            scores[k] = float(silhouette_score(sample, labels))
            log.debug("k=%d silhouette=%.4f", k, scores[k])
    return scores


def _kmeans(k: int, n: int, seed: int) -> KMeans | MiniBatchKMeans:
    if n > MINIBATCH_ABOVE:  # Sculley 2010, web-scale k-means with mini-batches
        return MiniBatchKMeans(n_clusters=k, n_init=KMEANS_RESTARTS, batch_size=4096,
                               random_state=seed)
    return KMeans(n_clusters=k, n_init=KMEANS_RESTARTS, random_state=seed)


def _check_k(k: object, codes: np.ndarray) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise LatentiaError(f"the number of clusters must be an integer; got {k!r}")
    distinct = _count_distinct(codes)
    if not 1 <= k <= distinct:
        raise LatentiaError(f"cannot make {k} clusters from {distinct} distinct latents; "
                            f"choose k between 1 and {distinct}")


def _count_distinct(codes: np.ndarray) -> int:
    return int(np.unique(codes, axis=0).shape[0])


def _order_by_size(labels: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Renumber clusters from largest to smallest (ties by old number) so numbering is stable."""
    sizes = np.bincount(labels, minlength=len(centers))
    order = np.argsort(-sizes, kind="stable")  # new number -> old number
    new_number = np.empty_like(order)
    new_number[order] = np.arange(len(order))
    return new_number[labels].astype(np.int64), centers[order]


def _representatives(codes: np.ndarray, labels: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """(k,) index of the member closest to each centre (the closest of all for an empty one)."""
    closest_overall = pairwise_distances_argmin(centers, codes)  # (k,)
    own_distance = np.linalg.norm(codes - centers[labels], axis=1)  # (N,)
    chosen = closest_overall.astype(np.int64)
    for cluster in range(len(centers)):
        members = np.flatnonzero(labels == cluster)
        if members.size:
            chosen[cluster] = members[np.argmin(own_distance[members])]
    return chosen
