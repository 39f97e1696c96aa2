"""An exported single-file model (*.latentia-model) opened read-only: it decodes and samples
like its project, but has no images, no checkpoint and no training."""

from __future__ import annotations

from pathlib import Path

from models.errors import LatentiaError
from models.inference import InferenceModel
from models.model_access import ModelAccess
from models.model_file import ModelFile, read_model_file
from models.prior import LatentPrior, prior_from_arrays
from models.records import IngestReport, PreviewImages, TrainProgress
from models.runtime import select_device

NO_IMAGES = "an exported model does not contain its training images"


class ExportedModel(ModelAccess):
    read_only = True
    cache = None  # no image cache: callers that look for images find none

    def __init__(self, path: Path, model_file: ModelFile) -> None:
        super().__init__(path, model_file.name, model_file.config)
        self._file = model_file

    @classmethod
    def open(cls, path: str | Path) -> ExportedModel:
        path = Path(path).expanduser()
        return cls(path, read_model_file(path))

    @property
    def source_folder(self) -> str:
        return ""

    @property
    def report(self) -> IngestReport:
        return self._file.report

    @property
    def trained_steps(self) -> int:
        return self._file.trained_steps

    @property
    def history(self) -> tuple[TrainProgress, ...]:
        return ()

    def images(self):
        raise LatentiaError(NO_IMAGES)

    def previews(self) -> PreviewImages:
        raise LatentiaError(NO_IMAGES)

    def trainer(self, *_args, **_kwargs):
        raise LatentiaError("an exported model cannot be trained; open its project instead")

    def save(self, path: str | Path | None = None) -> None:
        raise LatentiaError("an exported model cannot be saved as a project")

    def _load_inference(self) -> InferenceModel:
        prior = (prior_from_arrays(self._file.prior) if self._file.prior
                 else LatentPrior.standard_normal(self.style_dim))
        device = select_device(self.config.train.device)
        return InferenceModel(self.config.vae, self._file.weights, prior, device)

    def _manifest(self) -> tuple[dict, ...]:
        return self._file.manifest
