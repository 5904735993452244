"""Widget update time: compute + render to PNG, per control change (issue 3).

Each number is the median over a sweep of one control, one update per value, timed with
``perf_counter`` around ``control.value = v`` (which runs the observer: state, artists,
blit, PNG encoding). The flip's ``row`` and ``col`` sliders are swept together along a
snake path through every output cell, one slider change per step (a mode change that
changes the output's shape replaces the row and col sliders, so they are looked up after
it). Target: <= 30 ms per update. The static backgrounds of every mode/operation (flip) and
every decay (sliding) are drawn when the App is built, so the build time is reported
too, and so is the full draw of one background (what a change would cost without them).
"""

import statistics
import time

from _harness import format_seconds

TARGET = "<= 30 ms per update"


def _sweep(app, name, values, repeats=1):
    control, samples = app.controls[name], []
    for _ in range(repeats):
        for value in values:
            start = time.perf_counter()
            control.value = value
            samples.append(time.perf_counter() - start)
    return statistics.median(samples), max(samples), len(samples)


def _cell_sweep(app, repeats=1):
    """Visit every output cell (i, j), one slider change (one update) per step.

    A snake path: ``col`` runs across a row, then ``row`` steps down, then ``col`` runs
    back, so every step changes exactly one control.
    """
    rows, cols = app.controls["row"], app.controls["col"]
    steps = []
    for i in range(rows.max + 1):
        steps.append(("row", i))
        across = range(cols.max + 1) if i % 2 == 0 else range(cols.max, -1, -1)
        steps += [("col", j) for j in across]
    samples = []
    for _ in range(repeats):
        with app.hold():
            rows.value, cols.value = 0, 0
        for name, value in steps:
            control = app.controls[name]
            if control.value == value:  # (0, 0) at the start; a row's first column
                continue
            start = time.perf_counter()
            control.value = value
            samples.append(time.perf_counter() - start)
    return statistics.median(samples), max(samples), len(samples)


def _line(label, result, judge=True):
    median, worst, count = result
    if not judge:
        print(f"  {label:<44} median {format_seconds(median)}  max {format_seconds(worst)}")
        return
    verdict = "ok" if median <= 0.030 else "SLOW"
    print(f"  {label:<44} median {format_seconds(median)}  max {format_seconds(worst)}"
          f"  ({count} updates; {verdict})")


def _compute_only(fn, calls):
    samples = []
    for args in calls:
        start = time.perf_counter()
        fn(**args)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _full_draws(app, repeats=5):
    """(median, max, count) of redrawing the whole figure: what an update avoids."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        app.figure.canvas.draw()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times), repeats


def main():
    import convbook as cb
    from convbook.widgets.flip import flip_state
    from convbook.widgets.sliding import sliding_state

    print(f"\nflip widget (default 4x5 image, 3x3 kernel)   [target: {TARGET}]")
    start = time.perf_counter()
    app = cb.widgets.flip_demo()
    print(f"  {'build + first render':<44} {format_seconds(time.perf_counter() - start)}")
    start = time.perf_counter()
    cb.widgets.flip_demo()
    print(f"  {'build + first render, second app':<44} {format_seconds(time.perf_counter() - start)}")
    app.controls["mode"].value = "full"  # the largest of the three per-mode figures
    _line("a full draw ('full' mode), for comparison", _full_draws(app), judge=False)
    all_positions = []
    for operation in ("convolution", "cross-correlation"):
        for mode in ("valid", "same", "full"):
            with app.hold():
                app.controls["operation"].value = operation
                app.controls["mode"].value = mode
            result = _cell_sweep(app, repeats=2)
            all_positions.append(result)
            _line(f"(row, col) sweep, {operation}, {mode}", result)
    median_all = statistics.median(r[0] for r in all_positions)
    print(f"  {'row/col updates, median of the six sweeps':<44} median {format_seconds(median_all)}")
    _line("mode change",
          _sweep(app, "mode", ["full", "same", "valid"], repeats=3))
    _line("operation change",
          _sweep(app, "operation", ["convolution", "cross-correlation"], repeats=3))
    calls = [dict(operation="convolution", mode="full", position=(i, j))
             for i in range(6) for j in range(7)]
    print(f"  {'of which the state (flip_state) alone':<44} median "
          f"{format_seconds(_compute_only(flip_state, calls))}")

    print(f"\nsliding widget (60 readings, 60 weights)   [target: {TARGET}]")
    start = time.perf_counter()
    app = cb.widgets.sliding_demo()
    print(f"  {'build + first render':<44} {format_seconds(time.perf_counter() - start)}")
    _line("t sweep 0..59", _sweep(app, "t", list(range(60)), repeats=2))
    decays = list(app.controls["decay"].options)
    _line("decay change", _sweep(app, "decay", decays[1:] + decays[:1], repeats=2))
    _line("a full draw, for comparison (not an update)", _full_draws(app), judge=False)
    calls = [dict(t=t) for t in range(60)]
    print(f"  {'of which the state (sliding_state) alone':<44} median "
          f"{format_seconds(_compute_only(sliding_state, calls))}")
    _bench_equivariance()
    _bench_connectivity()
    _bench_pooling()
    _bench_sharing()
    _bench_invariance()
    _bench_prior()


def _bench_equivariance():
    import convbook as cb
    from convbook.widgets.equivariance import ANGLES, SCALES, SHIFTS, equivariance_state

    print(f"\nequivariance widget (48x48 image, 3x3 kernel)   [target: {TARGET}]")
    start = time.perf_counter()
    app = cb.widgets.equivariance_demo()
    print(f"  {'build + first render':<44} {format_seconds(time.perf_counter() - start)}")
    sweeps = {"shift": SHIFTS, "rotate": ANGLES, "scale": SCALES}
    for transform, values in sweeps.items():
        app.controls["transform"].value = transform  # a new amount slider each time
        app.controls["boundary"].value = "fill"  # (disabled for rotate/scale in 'valid')
        for mode in ("valid", "same", "full"):
            app.controls["mode"].value = mode
            _line(f"amount sweep, {transform}, {mode}",
                  _sweep(app, "amount", list(values[1:]) + [values[0]]))
    _line("mode change", _sweep(app, "mode", ["valid", "same", "full"], repeats=3))
    _line("boundary change", _sweep(app, "boundary", ["wrap", "fill"], repeats=3))
    kernels = list(app.controls["kernel"].options)
    _line("kernel change, a setting new to the kernel (full draw)", _sweep(app, "kernel", kernels[1:] + kernels[:1]))
    _line("kernel change (again)", _sweep(app, "kernel", kernels[1:] + kernels[:1], repeats=2))
    _line("transform change (new slider)",
          _sweep(app, "transform", ["rotate", "scale", "shift"], repeats=3))
    _line("a full draw, for comparison (not an update)", _full_draws(app), judge=False)
    calls = [dict(transform=t, amount=a) for t, values in sweeps.items() for a in values]
    print(f"  {'of which the state (equivariance_state) alone':<44} median "
          f"{format_seconds(_compute_only(equivariance_state, calls))}")


def _bench_connectivity():
    """Every control swept over its range; a width, stride, pool, depth or dense change
    builds a new network (a background of its own), so those sweeps time full draws
    except where they come back to one of the last twelve backgrounds."""
    import convbook as cb
    from convbook.widgets.connectivity import connectivity_state

    print(f"\nconnectivity widget (7 inputs, then 5..11; Figures 9.2-9.4)   [target: {TARGET}]")
    start = time.perf_counter()
    app = cb.widgets.connectivity_demo()
    print(f"  {'build + first render':<44} {format_seconds(time.perf_counter() - start)}")
    _line("unit sweep 0..6 (a blit)", _sweep(app, "unit", [0, 1, 2, 3, 4, 5, 6], repeats=2))
    _line("width sweep 1..7 (new networks)", _sweep(app, "width", [5, 7, 1, 3]))
    _line("stride sweep 1..3", _sweep(app, "stride", [2, 3, 1]))
    _line("pool sweep (none, 2, 3)", _sweep(app, "pool", [2, 3, 0]))
    _line("dense on/off", _sweep(app, "dense", [True, False]))
    _line("n sweep 5..11 (new networks)", _sweep(app, "n", [8, 9, 10, 11, 5, 6, 7]))
    _line("depth sweep 1..3 (new figure heights)", _sweep(app, "depth", [2, 3, 1]))
    app.controls["depth"].value = 3
    _line("layer sweep 0..3, depth 3", _sweep(app, "layer", [1, 2, 3, 0], repeats=2))
    calls = [dict(depth=3, layer=layer, unit=unit) for layer in range(4) for unit in range(7)]
    print(f"  {'of which the state (connectivity_state) alone':<44} median "
          f"{format_seconds(_compute_only(connectivity_state, calls))}")


def _bench_pooling():
    """Every control of the pooling widget swept, in 1-D and 2-D. kind and shift are
    blits; width, stride, padding and ceil_mode change the windows (a background of their
    own, a full draw unless one of the last twelve comes back)."""
    import convbook as cb
    from convbook.widgets.pooling_demo import KINDS, pooling_state

    print(f"\npooling widget (12-value row, 8x8 map; Figures 9.8, 9.10)   [target: {TARGET}]")
    start = time.perf_counter()
    app = cb.widgets.pooling_demo()
    print(f"  {'build + first render':<44} {format_seconds(time.perf_counter() - start)}")
    for dims in (1, 2):
        app.controls["dims"].value = dims
        _line(f"shift sweep 0..3, {dims}-D", _sweep(app, "shift", [2, 3, 0, 1], repeats=3))
        _line(f"kind change, {dims}-D", _sweep(app, "kind", [*KINDS[1:], KINDS[0]], repeats=3))
        _line(f"width sweep 1..5, {dims}-D", _sweep(app, "width", [4, 5, 1, 2, 3], repeats=2))
        _line(f"stride sweep 1..3, {dims}-D", _sweep(app, "stride", [2, 3, 1], repeats=2))
        _line(f"padding 0..1, {dims}-D", _sweep(app, "padding", [1, 0], repeats=2))
        _line(f"ceil_mode on/off, {dims}-D", _sweep(app, "ceil_mode", [True, False], repeats=2))
    _line("dims change", _sweep(app, "dims", [2, 1], repeats=3))
    calls = [dict(kind=k, shift=s, dims=d) for k in KINDS for s in range(4) for d in (1, 2)]
    print(f"  {'of which the state (pooling_state) alone':<44} median "
          f"{format_seconds(_compute_only(pooling_state, calls))}")


def _bench_sharing():
    """Every control changes W, so every update redraws the matrix (dynamic artists over
    a background per kind); also every one of the 216 settings once on a fresh drawing."""
    import convbook as cb
    from convbook.widgets.sharing import KINDS, SharingDrawing, sharing_state

    print(f"\nsharing widget (W of a 3x3..6x6 layer, Figure 9.5)   [target: {TARGET}]")
    start = time.perf_counter()
    app = cb.widgets.sharing_demo()
    print(f"  {'build + first render':<44} {format_seconds(time.perf_counter() - start)}")
    _line("kind change", _sweep(app, "kind", ["local", "dense", "conv"], repeats=2))
    _line("size sweep 3..6", _sweep(app, "size", [3, 5, 6, 4]))
    _line("kernel sweep 1..3", _sweep(app, "kernel", [1, 3, 2]))
    _line("filters sweep 1..3", _sweep(app, "filters", [2, 3, 1]))
    _line("stride sweep 1..2", _sweep(app, "stride", [2, 1]))
    drawing, samples = SharingDrawing(), []
    settings = [(kind, size, k, f, s) for kind in KINDS for size in range(3, 7)
                for k in range(1, 4) for f in range(1, 4) for s in (1, 2)]
    drawing.render_png(sharing_state(*settings[-1]))  # the first full draw of each kind
    for setting in settings:
        start = time.perf_counter()
        drawing.render_png(sharing_state(*setting))
        samples.append(time.perf_counter() - start)
    _line("every setting once (state + render + PNG)",
          (statistics.median(samples), max(samples), len(samples)))


def _bench_invariance():
    """The angle slider swept over -90..90 (a blit each: the templates and the tuning
    curves are drawn once per demo, in the background)."""
    import convbook as cb
    from convbook.widgets.invariance import CURVE_ANGLES, invariance_state

    print(f"\ninvariance widget (a 28x28 '5', 3 detectors, Figure 9.9)   [target: {TARGET}]")
    start = time.perf_counter()
    app = cb.widgets.invariance_demo()
    print(f"  {'build + first render':<44} {format_seconds(time.perf_counter() - start)}")
    angles = [int(a) for a in CURVE_ANGLES]
    _line("angle sweep -90..90 step 5", _sweep(app, "angle", angles[1:] + angles[:1], repeats=2))
    _line("a full draw, for comparison (not an update)", _full_draws(app), judge=False)
    print(f"  {'of which the state (invariance_state) alone':<44} median "
          f"{format_seconds(_compute_only(invariance_state, [dict(angle=a) for a in angles]))}")


def _bench_prior():
    """The prior-width slider over its 11 values (0 ... inf) and the n slider over 1..40, a
    blit each (the axes and the faint data are the only background)."""
    import convbook as cb
    from convbook.widgets.prior import N_MAX, TAUS, prior_state

    print(f"\nprior widget (MAP of one slope, section 9.4)   [target: {TARGET}]")
    start = time.perf_counter()
    app = cb.widgets.prior_demo()
    print(f"  {'build + first render':<44} {format_seconds(time.perf_counter() - start)}")
    _line("tau sweep 0..inf (11 values)", _sweep(app, "tau", list(TAUS[1:]) + [TAUS[0]], repeats=3))
    _line("n sweep 1..40", _sweep(app, "n", list(range(1, N_MAX + 1)), repeats=2))
    _line("a full draw, for comparison (not an update)", _full_draws(app), judge=False)
    calls = [dict(tau=t, n=n) for t in TAUS for n in (1, 5, 20, N_MAX)]
    print(f"  {'of which the state (prior_state) alone':<44} median "
          f"{format_seconds(_compute_only(prior_state, calls))}")


if __name__ == "__main__":
    main()
