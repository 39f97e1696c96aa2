"""The four panels of the main window, each a view over `studio.contract.app_state.AppState`.

Panels never import each other, torch, `models.project` or `models.training`: they talk to the
backend only through AppState's request and result signals.
"""
