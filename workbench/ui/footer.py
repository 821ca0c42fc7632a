"""The main screen's footer: Textual's, made once per frame however many times the bindings change in it."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class OncePerFrameFooter(Footer):
    """Textual's Footer remakes all its keys after every bindings refresh, one remake per refresh, even when
    several come before the next frame: six at the app's start (the focus, the screen stack, the analysis),
    about 50 ms of the main thread before the first screen. This one remakes them once for all the refreshes
    made before the frame, from the bindings as they are then: the same keys, shown at the same time."""

    _remake_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._remake_pending:
            self._remake_pending = True
            self.call_after_refresh(self._remake)

    async def _remake(self) -> None:
        self._remake_pending = False  # a refresh made during the remake asks for another
        await self.recompose()
