"""What a trained model offers, whether it comes from a project folder or an exported file.

`ModelAccess` holds the description shared by both (name, config, sizes) and the verbs that
only need the weights and the fitted prior: encode, decode, sample. `models.project.Project`
(a folder: images, checkpoint, training) and `models.exported_model.ExportedModel` (one
read-only file) say where the weights come from by implementing `_load_inference` and
`_weights_stamp`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from models.config import ProjectConfig
from models.errors import LatentiaError
from models.inference import InferenceModel
from models.labels import ImageLabels
from models.model_file import ModelFile, write_model_file
from models.records import IngestReport, TrainProgress


class ModelAccess:
    read_only: bool  # an exported model: no images, no training, no saving

    def __init__(self, path: Path, name: str, config: ProjectConfig) -> None:
        self.path = path
        self.name = name
        self.config = config
        self._inference: InferenceModel | None = None
        self._loaded_stamp: int | None = None

    # -- what it holds (the subclasses say where it comes from) ------------------------------
    @property
    def report(self) -> IngestReport:
        raise NotImplementedError

    @property
    def trained_steps(self) -> int:
        raise NotImplementedError

    @property
    def history(self) -> tuple[TrainProgress, ...]:
        raise NotImplementedError

    @property
    def image_count(self) -> int:
        return self.report.usable

    @property
    def image_size(self) -> int:
        return self.config.vae.image_size

    @property
    def channels(self) -> int:
        return self.config.vae.channels

    @property
    def latent_dim(self) -> int:
        """Width of the codes the app handles: the style z, plus one weight per label for a
        conditional model (see `models.inference`)."""
        return self.config.vae.latent_dim + self.config.vae.labels

    @property
    def style_dim(self) -> int:
        """D, the size of the style z alone (what the sampling prior models)."""
        return self.config.vae.latent_dim

    @property
    def label_names(self) -> tuple[str, ...]:
        """The labels the model is conditioned on, in code order; () when unconditional."""
        return self.config.labels.names

    @property
    def labels(self) -> ImageLabels | None:
        """The label of every training image (a project's; None without images or labels)."""
        return None

    def label_index(self, label: str | int) -> int:
        """The code position of `label` (a name or an index), or a clear error."""
        names = self.label_names
        if not names:
            raise LatentiaError("this model was trained without labels")
        if isinstance(label, int | np.integer) and not isinstance(label, bool):
            if 0 <= label < len(names):
                return int(label)
        elif label in names:
            return names.index(label)
        shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
        raise LatentiaError(f"unknown label {label!r}; this model knows {shown}")

    @property
    def is_trained(self) -> bool:
        return self.trained_steps > 0

    @property
    def model_id(self) -> str:
        return self._model().model_id

    # -- the model ---------------------------------------------------------------------------
    def _weights_stamp(self) -> int | None:
        """Changes whenever newer weights are on disk (None: they never change)."""
        return None

    def _load_inference(self) -> InferenceModel:
        raise NotImplementedError

    def _model(self) -> InferenceModel:
        """The inference model, reloaded whenever newer weights were written."""
        stamp = self._weights_stamp()
        if self._inference is None or stamp != self._loaded_stamp:
            self._inference = self._load_inference()
            self._loaded_stamp = stamp
        return self._inference

    def encode(self, images, labels=None) -> tuple[np.ndarray, np.ndarray]:
        """images (N, C, S, S) floats in [0, 1] -> (mu, logvar), float32 (N, latent_dim).

        A conditional model takes each image's label index in `labels` (N,), -1 or None where
        unknown (the classifier's prediction is used); the codes end with the label weights."""
        return self._model().encode(images, labels)

    def classify(self, images) -> np.ndarray:
        """A conditional model's label probabilities for images (N, C, S, S): float32 (N, L)."""
        return self._model().classify(images)

    def decode(self, z) -> np.ndarray:
        """z (N, latent_dim) -> images float32 (N, C, S, S) in [0, 1]."""
        return self._model().decode(z)

    def sample_latents(self, n: int, temperature: float = 1.0, seed: int | None = None,
                       prior: str = "fitted", label: str | int | None = None) -> np.ndarray:
        """n latent codes float32 (N, latent_dim) from the fitted density or N(0, I); a
        conditional model's codes get `label` (a name or index), else random labels."""
        index = None if label is None else self.label_index(label)
        return self._model().sample_latents(n, temperature, seed, prior, index)

    def sample(self, n: int, temperature: float = 1.0, seed: int | None = None,
               prior: str = "fitted", label: str | int | None = None) -> np.ndarray:
        """n images (N, C, S, S) from the fitted latent density ("fitted") or N(0, I) ("normal");
        of label `label` for a conditional model."""
        return self.decode(self.sample_latents(n, temperature, seed, prior, label))

    # -- sharing -----------------------------------------------------------------------------
    def _manifest(self) -> tuple[dict, ...]:
        """{"path", "size", "digest"} of each training image."""
        raise NotImplementedError

    def export_model(self, path: str | Path) -> None:
        """Write a single shareable file: weights, prior, config and manifest, no image cache."""
        model = self._model()
        weights = {k: v.detach().cpu() for k, v in model.model.state_dict().items()}
        write_model_file(Path(path), ModelFile(
            name=self.name, config=self.config, report=self.report, manifest=self._manifest(),
            trained_steps=self.trained_steps, weights=weights, prior=model.prior.to_arrays()))
