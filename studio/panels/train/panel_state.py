"""What the Train panel shows for a given situation, as a pure function (easy to test).

The panel gathers the facts (training state, open project, scanned folder, pending request,
error) into `PanelFacts`; `describe` turns them into the headline, which buttons work and what
is locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from studio.contract.project_records import JobKind, TrainingState


class Pending(StrEnum):
    """A request of the Train panel waiting for its answer."""

    NONE = ""
    SCAN = "scan"
    CREATE = "create"
    TRAIN = "train"

    @property
    def job_kind(self) -> JobKind | None:
        """The kind of the worker's job that answers it (training reports its own way)."""
        return {Pending.SCAN: JobKind.SCAN, Pending.CREATE: JobKind.INGEST}.get(self)


@dataclass(frozen=True)
class PanelFacts:
    training_state: TrainingState
    pending: Pending = Pending.NONE
    new_project: bool = True  # Start creates a project from the folder (else continues)
    folder: str = ""  # the scanned folder a new project would be made from
    usable: int = 0  # usable images in that folder
    project_path: str = ""  # the open project ("" = none)
    is_model_file: bool = False  # the open project is an exported model: it cannot train
    trained_steps: int = 0  # of the open project
    error: bool = False  # the last request failed
    done_message: str = ""  # why training ended

    def __post_init__(self) -> None:
        object.__setattr__(self, "training_state", TrainingState(self.training_state))
        object.__setattr__(self, "pending", Pending(self.pending))


@dataclass(frozen=True)
class PanelLook:
    show_invitation: bool  # nothing chosen yet: the empty state
    headline: str
    can_start: bool
    start_label: str
    start_tooltip: str
    can_sharpen: bool  # a trained project, nothing running: "Sharpen" continues it
    lock_all_settings: bool  # training or creating: settings cannot change now
    lock_project_settings: bool  # image options and latent size belong to the open project


def _headline(facts: PanelFacts) -> str:
    busy = {TrainingState.RUNNING: "Training…", TrainingState.PAUSED: "Paused"}
    if facts.training_state in busy:
        return busy[facts.training_state]
    if facts.pending == Pending.CREATE:
        return "Creating the project…"
    if facts.pending == Pending.TRAIN:
        return "Starting training…"
    if facts.error:
        return "Something went wrong"
    if facts.pending == Pending.SCAN:
        return "Scanning the folder…"
    if facts.training_state == TrainingState.FINISHED:
        return f"Finished — {facts.done_message}" if facts.done_message else "Finished"
    if facts.new_project:
        return "Ready to train" if facts.usable else "No usable images in this folder"
    return "Ready to continue training" if facts.trained_steps else "Ready to train"


def _start_button(facts: PanelFacts) -> tuple[str, str]:
    if facts.new_project:
        return ("Create project and train",
                "Prepare every image into a new project, then start training.")
    if facts.is_model_file:
        return ("Start training", "An exported model cannot be trained; open its project folder.")
    if facts.trained_steps or facts.training_state == TrainingState.FINISHED:
        return ("Continue training", "Continue from the last checkpoint with these settings.")
    return ("Start training", "Start training the open project.")


def describe(facts: PanelFacts) -> PanelLook:
    has_project = bool(facts.project_path)
    idle = not facts.training_state.busy and not facts.pending
    if facts.new_project:
        can_start = idle and bool(facts.folder) and facts.usable > 0
    else:
        can_start = idle and has_project and not facts.is_model_file
    label, tooltip = _start_button(facts)
    return PanelLook(
        show_invitation=not facts.folder and not has_project and not facts.pending,
        headline=_headline(facts),
        can_start=can_start,
        start_label=label,
        start_tooltip=tooltip,
        can_sharpen=idle and has_project and not facts.new_project
        and not facts.is_model_file and facts.trained_steps > 0,
        lock_all_settings=facts.training_state.busy
        or facts.pending in (Pending.CREATE, Pending.TRAIN),
        lock_project_settings=has_project and not facts.new_project,
    )
