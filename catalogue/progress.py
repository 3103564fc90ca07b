"""A text progress bar for long management commands (written to the command's stdout)."""


class ProgressBar:
    def __init__(self, stdout, total, label="", width=30):
        self.stdout, self.total, self.label, self.width = stdout, max(total, 1), label, width
        self.done = 0
        # Redraw in place on a terminal; in logs and CI print only every 10%.
        self.interactive = getattr(stdout, "isatty", lambda: False)()
        self._last_decile = -1

    def advance(self, step=1):
        self.done += step
        fraction = min(self.done / self.total, 1)
        bar = "#" * int(fraction * self.width)
        line = f"{self.label} [{bar:<{self.width}}] {self.done}/{self.total}"
        if self.interactive:
            self.stdout.write("\r" + line, ending="")
            self.stdout.flush()
        elif int(fraction * 10) != self._last_decile:
            self._last_decile = int(fraction * 10)
            self.stdout.write(line)

    def finish(self):
        if self.interactive:
            self.stdout.write("")
