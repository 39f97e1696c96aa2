"""Errors a user can read: each carries one clear sentence, never a traceback."""


class LatentiaError(Exception):
    """Base class for every error whose message is shown to the user as is."""


class IngestError(LatentiaError):
    """A folder could not be turned into a training set (empty, all files bad, unreadable)."""


class ProjectError(LatentiaError):
    """A project or model file is missing, corrupt, of an unknown version or unsafe to open."""


class TrainingError(LatentiaError):
    """Training cannot go on (e.g. the loss stays non-finite after recovery attempts)."""


class ExportError(LatentiaError):
    """An export could not be written (bad path, no permission, full disk, bad settings)."""


class Cancelled(LatentiaError):
    """A long job stopped because its `should_stop` returned True. Nothing was half-written."""
