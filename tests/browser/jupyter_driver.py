"""Drive the chapters in a real Jupyter front end: a server on loopback, Chromium, Playwright.

Two parts, used by ``conftest.py`` and ``test_chapters_in_browser.py``:

- :class:`JupyterServer` starts ``jupyter lab`` or ``jupyter notebook`` (Notebook 7) on
  127.0.0.1 with a token, in a throw-away root holding copies of the chapters whose stored
  outputs are cleared (so every output the test sees is live, and the repository's files
  are never touched), and with its own settings, workspaces, config, data and runtime
  directories (no reader's settings or saved layout leak in). :meth:`JupyterServer.stop`
  shuts the kernels down and kills the server's process group.
- :class:`NotebookPage` opens a notebook in a Playwright page, runs all cells from the
  Run menu, waits for the kernel, collects error and stderr outputs, and drives each
  widget's controls (see :meth:`NotebookPage.drive_widget` for the pass/fail rule).

The selectors are those of JupyterLab 4 and Notebook 7 (which share the notebook
components) and of ipywidgets 8's core controls.
"""

import dataclasses
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat

#: Kernel failures that reach no page: a comm handler that raises outside ipywidgets is
#: logged ("Exception in comm_msg") to the kernel's stderr, which the server inherits, so
#: it lands in the server's log. (A widget callback that raises is reported to the page:
#: see NotebookPage._listen_to_kernel.)
KERNEL_TROUBLE = re.compile(r"Traceback \(most recent call last\)|Exception in comm_msg")

NO_MOVE = "none: disabled or a single value"
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
ERROR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
#: An App's widget: a VBox whose last child is the ipywidgets Image (see convbook's _app.py).
WIDGET = ".jp-OutputArea-output .widget-vbox:has(> img.widget-image)"
CONTROL = (".widget-slider, .widget-toggle-buttons, .widget-checkbox, .widget-dropdown, "
           ".widget-radio-box")
#: Anything a reader can operate. One that belongs to none of the CONTROL kinds fails the
#: test ("teach the test this control"), so a new kind of control is never skipped silently.
OPERABLE = "input, select, button, textarea, [role=slider], [contenteditable=true]"

#: The last line of a cell that displays a widget, in the chapters' style
#: (``app.widget``, or a bare ``cb.widgets.x_demo(...)``, or ``display(...)``).
DISPLAYS_WIDGET = re.compile(r"^(?:[A-Za-z_][\w.]*\.widget|[\w.]*_demo\(.*\)|display\(.*\))\s*$")

#: True when Run All has finished: no cell queued or running ("[*]"), and every visible
#: prompt numbered, or an error output stopped the run. A cell whose input is hidden
#: (``jupyter.source_hidden``) shows an empty prompt and is left out.
RUN_FINISHED = """(panel) => {
    const root = document.querySelector(panel);
    if (!root) return false;
    const prompts = [...root.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
        .map(p => p.textContent.trim()).filter(t => t);
    if (document.querySelector('.jp-Dialog')) return true;  // reported by the caller
    if (prompts.length === 0 || prompts.some(t => t.includes('*'))) return false;
    const errors = root.querySelectorAll('%s').length;
    return errors > 0 || prompts.every(t => /^\\[\\d+\\]:?$/.test(t));
}""" % ERROR.replace("'", "\\'").replace('"', '\\"')

#: FNV-1a of the bytes behind an <img>'s src (a blob: URL in ipywidgets 8): a new src
#: with the same bytes is the same picture. null while the blob cannot be read (an update
#: revoked it), so the caller polls again.
PICTURE_HASH = """async (img) => {
    try {
        const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
        let h = 0x811c9dc5;
        for (let i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193); }
        return img.src.length > 0 ? (h >>> 0).toString(16) + ':' + bytes.length : null;
    } catch (e) { return null; }
}"""


ROOT = Path(__file__).resolve().parents[2]


def chapter_notebooks():
    """The chapter notebooks in the repository: chapters/09.*.ipynb, in order."""
    return sorted((ROOT / "chapters").glob("09.*.ipynb"))


def _die_with_parent():
    """In the server's process: SIGTERM it when pytest dies, even by SIGKILL (Linux only).

    The fixture's teardown stops the server on a failure or Ctrl-C; this covers a pytest
    killed outright (a CI timeout), when no teardown runs. SIGTERM makes the server shut
    its kernels down.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cleared_copy(notebook, folder):
    """Copy ``notebook`` into ``folder`` with its outputs, counts and widget state cleared."""
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    target = Path(folder) / Path(notebook).name
    nbformat.write(nb, target)
    return target


def expected_widgets(notebook):
    """How many widgets ``notebook`` displays, read from its cells' last lines."""
    nb = nbformat.read(notebook, as_version=4)
    count = 0
    for cell in nb.cells:
        lines = [line for line in cell.source.splitlines() if line.strip()]
        if cell.cell_type == "code" and lines and DISPLAYS_WIDGET.match(lines[-1]):
            count += 1
    return count


def hidden_input_cells(notebook):
    nb = nbformat.read(notebook, as_version=4)
    return sum(1 for c in nb.cells
               if c.cell_type == "code" and c.metadata.get("jupyter", {}).get("source_hidden"))


def code_cells(notebook):
    return sum(1 for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code")


class JupyterServer:
    """``jupyter lab`` or ``jupyter notebook`` serving ``root`` on 127.0.0.1 (see module doc)."""

    def __init__(self, app, root, workdir):
        assert app in ("lab", "notebook")
        self.app, self.root, self.workdir = app, Path(root), Path(workdir)
        self.token = secrets.token_hex(16)
        self.proc = None
        self.port = None
        self.log_path = self.workdir / f"{app}-server.log"
        self._children = set()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, name):
        if self.app == "lab":
            return f"{self.url}/lab/tree/{name}?token={self.token}&reset"
        return f"{self.url}/notebooks/{name}?token={self.token}"

    def _env(self):
        env = dict(os.environ)
        for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"),
                         ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                         ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")]:
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
            env[var] = str(self.workdir / sub)
        settings = self.workdir / "settings" / "@jupyterlab"
        # Every cell in the DOM (no virtual scrolling), and no news or update checks.
        for plugin, values in [("notebook-extension/tracker", {"windowingMode": "none"}),
                               ("apputils-extension/notification",
                                {"fetchNews": "false", "checkForUpdates": False})]:
            path = settings / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        return env

    def start(self, timeout=90):
        env = self._env()
        for _attempt in range(3):  # a port taken between free_port() and bind: try another
            self.port = free_port()
            command = [sys.executable, "-m", "jupyterlab" if self.app == "lab" else "notebook",
                       "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                       "--port-retries=0", f"--IdentityProvider.token={self.token}",
                       f"--ServerApp.root_dir={self.root}"]
            # window.jupyterapp, through which the page hears the kernel's own messages.
            command.append(f"--{'LabApp' if self.app == 'lab' else 'JupyterNotebookApp'}"
                           ".expose_app_in_browser=True")
            if os.getuid() == 0:
                command.append("--allow-root")
            with open(self.log_path, "ab") as log:
                # Its own process group, so that stop() can kill the server and its helpers.
                self.proc = subprocess.Popen(command, cwd=self.root, env=env, stdout=log,
                                             stderr=subprocess.STDOUT, start_new_session=True,
                                             preexec_fn=_die_with_parent)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.proc.poll() is None:
                if self._get("/api/status") is not None:
                    return self
                time.sleep(0.25)
            if self.proc.poll() is None:
                self.stop()
                raise RuntimeError(f"jupyter {self.app} did not answer within {timeout} s; "
                                   f"log:\n{self.log_tail()}")
        raise RuntimeError(f"jupyter {self.app} exited at start-up; log:\n{self.log_tail()}")

    def _request(self, path, method="GET"):
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
            return json.loads(body) if body else {}

    def _get(self, path):
        try:
            return self._request(path)
        except (urllib.error.URLError, ConnectionError, OSError, ValueError):
            return None

    def kernel_ready(self, name):
        """True when notebook ``name`` has a kernel that is idle with a client connected."""
        for session in self._get("/api/sessions") or []:
            kernel = session.get("kernel") or {}
            if (session.get("path") == name and kernel.get("execution_state") == "idle"
                    and kernel.get("connections", 0) >= 1):
                return True
        return False

    def shutdown_kernels(self):
        """End every session (and its kernel) through the REST API."""
        for session in self._get("/api/sessions") or []:
            try:
                self._request(f"/api/sessions/{session['id']}", method="DELETE")
            except (urllib.error.URLError, OSError):
                pass

    @staticmethod
    def _stat(pid):
        """(parent pid, start time) of process ``pid`` from /proc, or None."""
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return int(fields[1]), fields[19]
        except (OSError, IndexError, ValueError):
            return None

    def _remember_children(self):
        """Note the server's descendants, with their start times: kernels run in sessions
        of their own, outside the server's process group."""
        if self.proc is None or not Path("/proc").is_dir():
            return
        stats = {int(e.name): self._stat(e.name) for e in Path("/proc").iterdir()
                 if e.name.isdigit()}
        frontier = {self.proc.pid}
        while frontier:
            frontier = {pid for pid, stat in stats.items() if stat and stat[0] in frontier}
            self._children |= {(pid, stats[pid][1]) for pid in frontier}

    def stop(self):
        """Shut down the kernels, then SIGTERM (later SIGKILL) the server's process group."""
        if self.proc is None:
            return
        try:
            if self.proc.poll() is None:
                self.shutdown_kernels()
                self._remember_children()
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        finally:
            for pid, started in self._children:  # a kernel that outlived its server
                stat = self._stat(pid)
                if stat and stat[1] == started:  # the same process, not a reused id
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
            self.proc = None

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines=40):
        return "\n".join(self.log_text().splitlines()[-lines:])


@dataclasses.dataclass
class Move:
    """One move of one control, and what the picture did."""

    control: str
    action: str
    before: str
    after: str
    picture: str  # "changed", "unchanged" or "late" (changed, but after the time limit)
    seconds: float

    def __str__(self):
        return (f"{self.control}: {self.action} ({self.before} -> {self.after}): picture "
                f"{self.picture} after {self.seconds:.2f} s")


class NotebookPage:
    """A notebook open in a Playwright page of JupyterLab or Notebook 7."""

    def __init__(self, page, server):
        self.page, self.server = page, server
        self.page_errors = []  # uncaught exceptions in the page
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    # -- opening and running -------------------------------------------------------------
    def open(self, name, timeout=90):
        """Open notebook ``name`` and wait until its kernel is connected and idle."""
        self.page.goto(self.server.notebook_url(name))
        self.page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=timeout * 1000)
        # The toolbar says "idle" before a kernel exists; the server knows better.
        deadline = time.monotonic() + timeout
        while not self.server.kernel_ready(name):
            assert time.monotonic() < deadline, f"no idle, connected kernel for {name}"
            self.no_dialog()
            time.sleep(0.25)
        self.wait_idle(timeout * 1000)
        self._listen_to_kernel()

    def _listen_to_kernel(self):
        """Record the kernel's error and stderr messages, wherever they would be shown.

        A widget callback that raises is reported by the kernel in an ``error`` message
        whose parent is the widget's comm message, not a cell: JupyterLab shows it in no
        cell (at most in its log console), so the page hears it here.
        """
        listening = self.page.evaluate("""() => {
            const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            if (!panel || !panel.sessionContext) return false;
            window.convbookKernelTrouble = [];
            panel.sessionContext.iopubMessage.connect((_, msg) => {
                const type = msg.header.msg_type, content = msg.content;
                if (type === 'error')
                    window.convbookKernelTrouble.push(content.ename + ': ' + content.evalue);
                else if (type === 'stream' && content.name === 'stderr')
                    window.convbookKernelTrouble.push('stderr: ' + content.text);
            });
            return true;
        }""")
        assert listening, "window.jupyterapp.shell.currentWidget is not the notebook"

    def kernel_trouble(self):
        """Every error and stderr message the kernel sent since the notebook opened."""
        return self.page.evaluate("() => window.convbookKernelTrouble")

    def wait_idle(self, timeout=60_000):
        """Wait until the kernel says it is idle (the execution indicator in the toolbar)."""
        self.page.wait_for_selector(f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]',
                                    state="attached", timeout=timeout)

    def run_all(self, timeout=240_000):
        """Run > Run All Cells, as a reader would; return once the kernel is idle again."""
        self.page.click('.lm-MenuBar-itemLabel:text-is("Run")')
        self.page.click('.lm-Menu-itemLabel:text-is("Run All Cells")')
        self.page.wait_for_function(RUN_FINISHED, arg=PANEL, timeout=timeout, polling=250)
        self.no_dialog()
        self.wait_idle()

    def no_dialog(self):
        dialog = self.page.locator(".jp-Dialog")
        assert not dialog.count(), f"a dialog is open: {dialog.first.inner_text()!r}"

    def numbered_prompts(self):
        return self.page.evaluate("""(panel) => [...document.querySelectorAll(
            panel + ' .jp-CodeCell .jp-InputPrompt')].filter(
            p => /^\\[\\d+\\]:?$/.test(p.textContent.trim())).length""", PANEL)

    def outputs(self, selector):
        """Text of each output matching ``selector``, with the prompt of its cell."""
        return self.page.evaluate("""([panel, selector]) => [...document.querySelectorAll(
            panel + ' ' + selector)].map(o => {
                const cell = o.closest('.jp-CodeCell');
                const prompt = cell && cell.querySelector('.jp-InputPrompt');
                return (prompt ? prompt.textContent.trim() + ' ' : '') + o.innerText.trim();
            })""", [PANEL, selector])

    def problems(self):
        """Error and stderr outputs, and widgets shown as text instead of rendered."""
        found = [f"error output {text[:2000]}" for text in self.outputs(ERROR)]
        found += [f"stderr output {text[:2000]}" for text in self.outputs(STDERR)]
        # With no widget manager a widget falls back to its text repr, "VBox(children=...";
        # a manager that fails shows "Error displaying widget".
        for text in self.outputs(".jp-OutputArea-output"):
            body = text.split(" ", 1)[-1]
            if re.match(r"(VBox|HBox|App)\(", body) or "Error displaying widget" in body:
                found.append(f"widget not rendered: {text[:300]}")
        return found

    # -- widgets ---------------------------------------------------------------------------
    def widgets(self):
        return self.page.locator(f"{PANEL} {WIDGET}")

    def wait_widgets(self, count, timeout=30_000):
        """Wait until ``count`` widgets show a picture."""
        self.page.wait_for_function(
            """([sel, n]) => [...document.querySelectorAll(sel)].filter(
                w => w.querySelector(':scope > img.widget-image').src).length >= n""",
            arg=[f"{PANEL} {WIDGET}", count], timeout=timeout)

    def picture(self, widget, timeout=5.0):
        img = widget.locator(":scope > img.widget-image")
        deadline = time.monotonic() + timeout
        while True:
            digest = img.evaluate(PICTURE_HASH)
            if digest is not None or time.monotonic() > deadline:
                return digest
            time.sleep(0.05)

    def _wait_picture_change(self, widget, before, started, limit):
        """Poll the picture until it differs from ``before`` or ``limit`` s after ``started``."""
        img = widget.locator(":scope > img.widget-image")
        while True:
            digest = img.evaluate(PICTURE_HASH)
            elapsed = time.monotonic() - started
            if digest is not None and digest != before:
                return digest, elapsed
            if elapsed > limit:
                return before, elapsed
            time.sleep(0.03)

    def _settle(self, widget):
        """Let the kernel finish the last update; return the picture as it then stands."""
        time.sleep(0.15)
        self.wait_idle(timeout=30_000)
        return self.picture(widget)

    def controls(self, widget):
        return widget.locator(CONTROL)

    def unknown_controls(self, widget):
        """Operable elements of ``widget`` outside every known kind of control."""
        return widget.evaluate("""(w, [control, operable]) => [...w.querySelectorAll(operable)]
            .filter(e => !e.closest(control)).map(e => e.outerHTML.slice(0, 200))""",
                               [CONTROL, OPERABLE])

    @staticmethod
    def label(control):
        """The control's description (a checkbox has it beside the box, not before)."""
        return control.evaluate("""c => [...c.querySelectorAll('label')]
            .map(l => l.innerText.replace(/\u200b/g, '').trim()).filter(t => t).join(' ')
            """) or "(no label)"

    @staticmethod
    def kind(control):
        classes = control.get_attribute("class") or ""
        for kind in ("slider", "toggle-buttons", "checkbox", "dropdown", "radio-box"):
            if f"widget-{kind}" in classes.split():
                return kind
        raise AssertionError(f"unknown control {classes}")

    def value(self, control):
        """The control's value as the page shows it."""
        kind = self.kind(control)
        if kind == "slider":
            return control.locator(".noUi-handle").get_attribute("aria-valuenow")
        if kind == "toggle-buttons":
            active = control.locator("button.mod-active")
            return active.first.inner_text().strip() if active.count() else ""
        if kind == "checkbox":
            return str(control.locator("input").is_checked())
        if kind == "dropdown":
            return control.locator("select").input_value()
        return str(control.locator("input:checked").first.get_attribute("value"))

    def plan(self, control):
        """The moves to make on ``control``: (description, callable) pairs; [] if it cannot move.

        Sliders: one step (up, or down from the top; in Notebook 7 a click on the track),
        then Home, then End (a move to where the slider already is is skipped). Buttons:
        each other enabled option in turn, up to three. Checkbox: on and off again.
        Dropdown: up to two other options.
        """
        kind = self.kind(control)
        if kind == "slider":
            handle = control.locator(".noUi-handle")
            if control.locator(".slider[disabled]").count():
                return []
            low, high, now = (float(handle.get_attribute(a))
                              for a in ("aria-valuemin", "aria-valuemax", "aria-valuenow"))
            if low == high:
                return []
            up = now < high
            # End last: a slider left at its top leaves room for the sliders whose range
            # depends on it (a padding up to half the width, say).
            keys = ["Home", "End"]
            if self.server.app == "lab":
                step = ("ArrowRight" if up else "ArrowLeft",
                        lambda: self._slider_key(control, "ArrowRight" if up else "ArrowLeft"))
            else:
                # Notebook 7 handles keydown in the capture phase, where JupyterLab's
                # command-mode ArrowLeft/ArrowRight shortcuts (move to the heading
                # above/below) take the key before the slider sees it: a reader there
                # clicks the track instead, and so does the test.
                fraction = (now - low) / (high - low)
                target = (1 + fraction) / 2 if up else fraction / 2
                step = (f"click track at {target:.0%}",
                        lambda: self._click_track(control, target))
            return [step] + [(key, lambda key=key: self._slider_key(control, key))
                             for key in keys]
        if kind == "toggle-buttons":
            buttons = control.locator("button:not(.mod-active):not([disabled])")
            names = [buttons.nth(i).inner_text().strip() for i in range(buttons.count())][:3]
            return [(f"click {name!r}",
                     lambda name=name: control.locator(
                         f"button:text-is({json.dumps(name, ensure_ascii=False)})").click())
                    for name in names]
        if kind == "checkbox":
            box = control.locator("input")
            if box.is_disabled():
                return []
            return [("click", box.click), ("click", box.click)]
        if kind == "dropdown":
            select = control.locator("select")
            if select.is_disabled():
                return []
            current = select.input_value()
            options = [v for v in select.locator("option").evaluate_all(
                "os => os.map(o => o.value)") if v != current][:2]
            return [(f"select {v!r}", lambda v=v: select.select_option(v)) for v in options]
        radios = control.locator("input:not(:checked):not([disabled])")
        return [(f"radio {i}", lambda i=i: control.locator(
            "input:not(:checked):not([disabled])").first.click()) for i in range(
            min(2, radios.count()))]

    @staticmethod
    def _slider_end(control, key):
        attribute = "aria-valuemax" if key == "End" else "aria-valuemin"
        return control.locator(".noUi-handle").get_attribute(attribute)

    @staticmethod
    def _click_track(control, fraction):
        track = control.locator(".noUi-base")
        box = track.bounding_box()
        track.click(position={"x": box["width"] * fraction, "y": box["height"] / 2})

    def _slider_key(self, control, key):
        handle = control.locator(".noUi-handle")
        handle.focus()
        handle.press(key)

    def drive_widget(self, widget, limit=1.0):
        """Move every control of ``widget``; return the :class:`Move` list and the failures.

        The rule, per widget:

        1. every operable element belongs to a known kind of control;
        2. every move changes the control's value in the page (the key press or click
           reached it);
        3. no move makes the kernel send an error or stderr message (a callback that
           raises: see :meth:`_listen_to_kernel`), leaves an error or stderr output in the
           notebook or a traceback in the kernel's log, or raises in the page;
        4. a picture that changes does so within ``limit`` seconds: a change seen only
           after the limit (the kernel idle again) is a failure, not a pass;
        5. the first move of the widget's first control changes the picture;
        6. every control that can move (enabled, with more than one value) changes the
           picture in at least one of its moves. A single move may leave the picture alone
           (a slider step inside a flat region, say), so that is not a failure by itself;
           a control that cannot move at that point (disabled, or a range of one value
           left by an earlier move) is reported, and at least one control must move.
        """
        failures = [f"unknown control (teach the test): {html}"
                    for html in self.unknown_controls(widget)]
        moves = []
        controls = self.controls(widget)
        for index in range(controls.count()):
            control = controls.nth(index)  # located afresh: the kernel may replace a slider
            name = f"{self.kind(control)} {self.label(control)!r}"
            plan = self.plan(control)
            if not plan:
                moves.append(Move(name, NO_MOVE, "", "", "unchanged", 0.0))
                continue
            changed_any, first = False, not any(m.action != NO_MOVE for m in moves)
            for step, (action, act) in enumerate(plan):
                baseline = self._settle(widget)
                log_before = len(self.server.log_text())
                problems_before = len(self.problems())
                errors_before = len(self.page_errors)
                kernel_before = len(self.kernel_trouble())
                before = self.value(controls.nth(index))
                if action in ("End", "Home") and before == self._slider_end(
                        controls.nth(index), action):
                    continue  # already there (the step before reached it): no move to make
                started = time.monotonic()
                act()
                after = self.value(controls.nth(index))
                digest, seconds = self._wait_picture_change(widget, baseline, started, limit)
                picture = "changed" if digest != baseline else "unchanged"
                if picture == "unchanged" and self._settle(widget) != baseline:
                    picture = "late"
                move = Move(name, action, before, after, picture, seconds)
                moves.append(move)
                if before == after:
                    failures.append(f"{move}: the control's value did not change")
                if picture == "late":
                    failures.append(f"{move}: the picture changed only after {limit} s")
                changed_any |= picture == "changed"
                if first and step == 0 and picture != "changed":
                    failures.append(f"{move}: the first control must change the picture")
                kernel_said = self.kernel_trouble()[kernel_before:]
                if kernel_said:
                    failures.append(f"{move}: the kernel sent {kernel_said}")
                trouble = KERNEL_TROUBLE.findall(self.server.log_text()[log_before:])
                if trouble:
                    failures.append(f"{move}: kernel log: "
                                    f"{self.server.log_text()[log_before:][-2000:]}")
                if len(self.problems()) > problems_before:
                    failures.append(f"{move}: new output: {self.problems()[problems_before:]}")
                if len(self.page_errors) > errors_before:
                    failures.append(f"{move}: page error: {self.page_errors[errors_before:]}")
            if not changed_any and plan:
                failures.append(f"{name}: no move changed the picture "
                                f"({', '.join(a for a, _ in plan)})")
        if all(move.action == NO_MOVE for move in moves):
            failures.append("no control of this widget could be moved: nothing was tested")
        return moves, failures


def copy_chapters(chapters, folder):
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return [cleared_copy(chapter, folder) for chapter in chapters]
