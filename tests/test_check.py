"""convbook.check: every verdict, and the promise never to raise."""

import sys
import contextlib
import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convbook.check import check, check_causal, check_function


def verdict(capsys, *args, **kwargs):
    ok = check(*args, **kwargs)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out  # exactly one line per check
    return ok, out.strip()


def test_exact(capsys):
    ok, out = verdict(capsys, np.arange(6.0).reshape(2, 3), [[0, 1, 2], [3, 4, 5]], name="grid")
    assert ok and out == "PASS  grid: exact"


def test_approximately_equal_reports_largest_difference_and_where(capsys):
    want = np.zeros((2, 2))
    got = want.copy()
    got[1, 0] = 3e-13
    ok, out = verdict(capsys, got, want)
    assert ok
    assert out == "PASS  answer: approximately equal (largest difference 3e-13 at index [1, 0])"


def test_tolerances_are_used(capsys):
    ok, out = verdict(capsys, [1.0 + 1e-3], [1.0], rtol=1e-2)
    assert ok and "approximately equal" in out
    ok, out = verdict(capsys, [1.0 + 1e-3], [1.0])
    assert not ok and "wrong values" in out


def test_wrong_values_name_count_largest_difference_and_position(capsys):
    ok, out = verdict(capsys, [[1.0, 2.0], [3.0, 9.0]], [[1.0, 2.5], [3.0, 4.0]], name="s")
    assert not ok
    assert out.startswith("FAIL  s: wrong values: 2 of 4 entries differ")
    assert "largest difference 5 at index [1, 1]: got 9, expected 4" in out


def test_wrong_scalar(capsys):
    ok, out = verdict(capsys, 3, 3.5)
    assert not ok and "wrong value: got 3, expected 3.5" in out


def test_shape_mismatch_shows_both_shapes(capsys):
    ok, out = verdict(capsys, np.ones((3, 4)), np.ones((2, 3)))
    assert not ok and "shape mismatch: got (3, 4), expected (2, 3)" in out
    assert "'full'" not in out  # larger is not the same as 'full': no blind guess
    ok, out = verdict(capsys, np.ones((2, 3)), np.ones((3, 2)))
    assert not ok and "transpose" in out


def test_shape_hints_name_only_the_shape_they_describe(capsys):
    hints = {(4, 5): "the 'full' shape; 'valid' was asked", (3, 4): "the 'same' shape"}
    ok, out = verdict(capsys, np.ones((4, 5)), np.ones((2, 3)), shape_hints=hints)
    assert not ok and out.endswith("expected (2, 3) (the 'full' shape; 'valid' was asked)")
    ok, out = verdict(capsys, np.ones((3, 4)), np.ones((2, 3)), shape_hints=hints)
    assert not ok and "'same'" in out and "'full'" not in out
    ok, out = verdict(capsys, np.ones((5, 5)), np.ones((2, 3)), shape_hints=hints)
    assert not ok and out.endswith("expected (2, 3)")  # a shape no hint names
    ok, out = verdict(capsys, np.ones((4, 5)), np.ones((2, 3)), shape_hints="not a table")
    assert not ok and "shape mismatch" in out  # a broken table is ignored, not raised


def test_check_function_shape_hints_follow_each_case(capsys):
    # Exercise 5's situation: a Toeplitz matrix of shape (n - k + 1, n); an (n, n) answer
    # is the 'same' matrix, not a 'full' one.
    def hints(k, n):
        return {(n + len(k) - 1, n): "the 'full' matrix", (n, n): "the 'same' matrix",
                (n, n - len(k) + 1): "transposed"}

    def same_matrix(k, n):
        return np.zeros((n, n))

    ok = check_function(same_matrix, lambda k, n: np.zeros((n - len(k) + 1, n)),
                        [(np.ones(3), 7)], shape_hints=hints)
    out = capsys.readouterr().out
    assert not ok and "(the 'same' matrix)" in out and "'full'" not in out
    ok = check_function(lambda k, n: np.zeros((n + len(k) - 1, n)),
                        lambda k, n: np.zeros((n - len(k) + 1, n)), [(np.ones(3), 7)],
                        shape_hints=hints, name="full")
    assert not ok and "(the 'full' matrix)" in capsys.readouterr().out
    ok = check_function(lambda k, n: np.zeros((n, n)), lambda k, n: np.zeros((n - 2, n)),
                        [(np.ones(3), 7)], shape_hints=lambda k, n: 1 / 0, name="broken")
    assert not ok and "shape mismatch" in capsys.readouterr().out


def test_advice_follows_the_expected_kind(capsys):
    # Exercise 4 expects text: an object array must be told to return strings, not numbers.
    got = np.array([["aw + bx", "bw"]], dtype=object)
    ok, out = verdict(capsys, got, np.array([["aw + bx", "bw"]]))
    assert not ok and "not text" in out and "strings" in out and "numbers" not in out
    ok, out = verdict(capsys, np.array([1.0, None], dtype=object), [1.0, 2.0])
    assert not ok and "not numeric" in out and "return numbers" in out


def test_nan_present(capsys):
    ok, out = verdict(capsys, [1.0, np.nan, np.nan], [1.0, 2.0, 3.0])
    assert not ok and "NaNs present: 2 of 3 entries" in out and "index [1]" in out


def test_nan_expected_and_matched(capsys):
    ok, out = verdict(capsys, [np.nan, 1.0], [np.nan, 1.0])
    assert ok and out.endswith("exact")
    ok, out = verdict(capsys, [0.0, 1.0], [np.nan, 1.0])
    assert not ok and "expected NaN at index [0]" in out


def test_infinities(capsys):
    assert verdict(capsys, [np.inf, -np.inf], [np.inf, -np.inf])[0]
    ok, out = verdict(capsys, [np.inf], [1.0])
    assert not ok and "largest difference inf" in out


def test_dtype_issues(capsys):
    ok, out = verdict(capsys, "abc", [1.0])
    assert not ok and "dtype issue" in out
    ok, out = verdict(capsys, [1 + 1j], [1.0])
    assert not ok and "complex" in out
    ok, out = verdict(capsys, object(), 1.0)
    assert not ok and "not numeric" in out
    assert verdict(capsys, [1 + 0j], [1.0])[0]  # a zero imaginary part is fine


def test_integer_and_bool_answers_compare_as_numbers(capsys):
    assert verdict(capsys, [1, 2], [1.0, 2.0])[0]
    assert verdict(capsys, [True, False], [1.0, 0.0])[0]


def test_text_answers(capsys):
    assert verdict(capsys, ["aw + bx"], ["aw + bx"])[0]
    ok, out = verdict(capsys, ["a", "b"], ["a", "c"])
    assert not ok and "first at index [1]: got 'b', expected 'c'" in out
    ok, out = verdict(capsys, [1.0, 2.0], ["a", "b"])
    assert not ok and "dtype issue" in out


def test_none_answer(capsys):
    ok, out = verdict(capsys, None, [1.0])
    assert not ok and "forget to `return`" in out


def test_ragged_answer(capsys):
    ok, out = verdict(capsys, [[1, 2], [3]], [[1, 2], [3, 4]])
    assert not ok and "rows have different lengths" in out


def test_callable_answer_is_called(capsys):
    ok, out = verdict(capsys, lambda: np.eye(2), np.eye(2), name="eye")
    assert ok and out == "PASS  eye: exact"


def test_stub_becomes_a_hint(capsys):
    def stub():
        raise NotImplementedError

    ok, out = verdict(capsys, stub, [1.0], name="flip")
    assert not ok and out.startswith("TODO  flip: not written yet")


def test_other_exception_becomes_what_is_wrong(capsys):
    def broken():
        return np.ones(2) @ np.ones(3)

    ok, out = verdict(capsys, broken, 1.0)
    assert not ok and out.startswith("FAIL  answer: your code raised ValueError: ")


def test_bad_expected_value_is_reported_not_raised(capsys):
    ok, out = verdict(capsys, [1.0], None)
    assert not ok and "expected value" in out and "bug in the exercise" in out


def test_keyboard_interrupt_is_not_swallowed():
    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check(interrupted, 1.0)


class Nasty:
    """An object on which everything fails."""

    def __repr__(self):
        raise RuntimeError("no repr")

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array")

    def __eq__(self, other):
        raise RuntimeError("no eq")

    __hash__ = None

    def __len__(self):
        raise RuntimeError("no len")


weird = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
        st.complex_numbers(), st.text(max_size=5), st.binary(max_size=5),
        st.builds(Nasty), st.builds(object), st.just(np.ones((2, 3))),
        st.just(np.array([], dtype=float)), st.just(np.zeros((0, 2))),
        st.just(np.array(["a", "b"])), st.just(np.datetime64("2020-01-01")),
        st.just(np.ones(3, dtype=[("x", float)])),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=2), inner, max_size=2)),
    max_leaves=8,
)


@given(answer=weird, expected=weird)
def test_check_never_raises(answer, expected):
    assert check(answer, expected) in (True, False)
    assert check(lambda: answer, expected, name=answer) in (True, False)


@given(error=st.sampled_from([ValueError, TypeError, IndexError, ZeroDivisionError, RuntimeError, AssertionError, NotImplementedError]),
       message=st.text(max_size=300))
def test_any_exception_from_the_answer_is_reported(error, message):
    def answer():
        raise error(message)

    with contextlib.redirect_stdout(io.StringIO()) as buffer:
        assert check(answer, 1.0) is False
    out = buffer.getvalue()
    assert out.startswith("TODO" if error is NotImplementedError else f"FAIL  answer: your code raised {error.__name__}")


@given(shape=st.lists(st.integers(1, 4), min_size=0, max_size=3), seed=st.integers(0, 2**16))
def test_array_compared_with_itself_is_exact(shape, seed):
    x = np.random.default_rng(seed).standard_normal(shape)
    with contextlib.redirect_stdout(io.StringIO()) as buffer:
        assert check(x, x.copy()) is True
    assert buffer.getvalue().strip().endswith("exact")


# check_function ---------------------------------------------------------------------

def test_check_function_all_pass(capsys):
    cases = [(np.arange(4.0).reshape(2, 2),), (np.ones((3, 3)),)]
    ok = check_function(lambda k: k[::-1, ::-1], lambda k: np.rot90(k, 2), cases, name="flip")
    assert ok and capsys.readouterr().out.strip() == "PASS  flip: exact on all 2 cases"


def test_check_function_approximate_reports_the_worst_case(capsys):
    # off by 2e-13, then 3e-13 at index [1], then 1e-13, then exact: the verdict names the
    # worst case, which is neither the first nor the last
    cases = [(np.array([2.0]),), (np.array([1.0, 3.0]),), (np.array([1.0]),), (np.zeros(2),)]
    ok = check_function(lambda x: x + 1e-13 * x, lambda x: x, cases, name="scale")
    out = capsys.readouterr().out.strip()
    assert ok and out == ("PASS  scale: approximately equal on all 4 cases "
                          "(largest difference 3e-13 at index [1])")


def test_check_function_reports_first_failing_case(capsys):
    cases = [(np.ones((2, 2)),), (np.arange(4.0).reshape(2, 2),)]
    ok = check_function(lambda k: k.T, lambda k: np.rot90(k, 2), cases, name="flip")
    out = capsys.readouterr().out.strip()
    assert not ok and out.startswith("FAIL  flip: wrong values") and "on case 2 of 2 (arguments (2, 2))" in out


def test_check_function_reports_the_failure_for_ragged_arguments(capsys):
    # a ragged list has no shape: the verdict still says what the learner's code did
    ok = check_function(lambda k: 1 / 0, lambda k: 0.0, [([[1, 2], [3]] * 4,)], name="f")
    out = capsys.readouterr().out.strip()
    assert not ok and out == ("FAIL  f: your code raised ZeroDivisionError: division by zero "
                              "on case 1 of 1 (arguments a ragged list of length 8)")


def test_check_function_shows_small_argument_lists_as_they_are(capsys):
    # Exercise 9.2-1's argument: a list of (kernel, stride) layers, not its shape (2, 2)
    check_function(lambda layers: 4, lambda layers: 5, [([(3, 1), (3, 1)],)], name="rf")
    assert capsys.readouterr().out.strip() == (
        "FAIL  rf: wrong value: got 4, expected 5 on case 1 of 1 (arguments [(3, 1), (3, 1)])")


def test_verdict_numbers_show_enough_digits_to_differ(capsys):
    check(lambda: [0.1234567], [0.1234568], name="v", rtol=0, atol=0)
    assert "got 0.1234567, expected 0.1234568" in capsys.readouterr().out
    check(lambda: [-0.3714707339223197, 1.0], [0.5, 1.0], name="w")
    assert "got -0.371471, expected 0.5" in capsys.readouterr().out


def test_check_function_stub_and_broken_reference(capsys):
    def stub(k):
        raise NotImplementedError

    assert not check_function(stub, np.sum, [(np.ones(2),)])
    assert capsys.readouterr().out.startswith("TODO  stub: not written yet")
    assert not check_function(np.sum, lambda k: 1 / 0, [(np.ones(2),)], name="s")
    out = capsys.readouterr().out
    assert "the reference failed (ZeroDivisionError" in out and "on case 1 of" in out
    assert not check_function(np.sum, np.sum, [], name="s")
    assert "no cases" in capsys.readouterr().out


@given(func=weird, reference=weird, cases=weird)
def test_check_function_never_raises(func, reference, cases):
    assert check_function(func, reference, cases) in (True, False)


# check_causal ---------------------------------------------------------------------------

def _causal_mean(x, w):
    w = np.asarray(w, dtype=float) / np.sum(w)
    return np.convolve(x, w, "full")[:len(x)]


CAUSAL_CASES = [(np.arange(8.0) ** 2, np.array([3.0, 2.0, 1.0])),
                (np.random.default_rng(1).standard_normal(12), np.ones(4))]


def test_check_causal_passes_a_causal_filter(capsys):
    def loop(x, w):
        w = np.asarray(w) / np.sum(w)
        return np.array([sum(x[n - a] * w[a] for a in range(len(w)) if n - a >= 0)
                         for n in range(len(x))])

    assert check_causal(loop, _causal_mean, CAUSAL_CASES, name="avg")
    out = capsys.readouterr().out.strip()
    assert out.startswith("PASS  avg: ") and out.endswith("no estimate looks into the future")


def test_check_causal_names_the_times_that_look_into_the_future(capsys):
    def centred(x, w):                     # the kernel centred on n: half of it is the future
        w = np.asarray(w) / np.sum(w)
        return np.convolve(x, w, "same")

    assert not check_causal(centred, _causal_mean, CAUSAL_CASES, name="avg")
    out = capsys.readouterr().out.strip()
    assert out.count("\n") == 0
    assert out.startswith("FAIL  avg: your estimate at time(s) 0 changed when later readings "
                          "changed: it looks into the future")
    assert out.endswith("on case 1 of 2 (arguments (8,), (3,))")

    def one_step_ahead(x, w):              # uses x[n + 1] only at the last-but-one time
        s = _causal_mean(x, w)
        s[-2] += 1e-3 * x[-1]
        return s

    assert not check_causal(one_step_ahead, _causal_mean, CAUSAL_CASES[:1], name="avg")
    assert "at time(s) 6 changed" in capsys.readouterr().out


def test_check_causal_catches_the_future_even_when_it_equals_the_present(capsys):
    # Constant readings: replacing the future by the last reading would change nothing, so
    # the checker changes it by 1.
    def peek(x, w):
        return np.r_[x[1:], x[-1]]

    assert not check_causal(peek, lambda x, w: x, [(np.ones(5), np.ones(1))], name="peek")
    assert "looks into the future" in capsys.readouterr().out


def test_check_causal_wants_one_estimate_per_reading(capsys):
    def full(x, w):
        return np.convolve(x, w / np.sum(w), "full")   # len(x) + len(w) - 1 values

    assert not check_causal(full, _causal_mean, CAUSAL_CASES, name="avg")
    out = capsys.readouterr().out
    assert "has shape (10,) for 8 readings; return one estimate per reading, shape (8,)" in out


def test_check_causal_wrong_values_stub_and_bad_reference(capsys):
    assert not check_causal(lambda x, w: 2 * _causal_mean(x, w), _causal_mean, CAUSAL_CASES,
                            name="avg")
    assert "wrong values" in capsys.readouterr().out

    def stub(x, w):
        raise NotImplementedError

    assert not check_causal(stub, _causal_mean, CAUSAL_CASES)
    assert capsys.readouterr().out.startswith("TODO  stub: not written yet")
    assert not check_causal(_causal_mean, lambda x, w: 1 / 0, CAUSAL_CASES, name="avg")
    out = capsys.readouterr().out
    assert "the reference failed (ZeroDivisionError" in out and "on case 1 of" in out
    assert not check_causal(_causal_mean, _causal_mean, [], name="avg")
    assert "no cases" in capsys.readouterr().out


def test_check_causal_does_not_let_the_learner_edit_the_readings(capsys):
    def vandal(x, w):                      # overwrites its input, then returns a causal result
        s = _causal_mean(x, w)
        x[:] = 0.0
        return s

    case = (np.arange(6.0), np.ones(2))
    # A right, causal answer does not excuse corrupting the caller's readings: FAIL.
    assert not check_causal(vandal, _causal_mean, [case], name="avg")
    out = capsys.readouterr().out
    assert out.startswith("FAIL  avg: your function changed its argument 1 in place (an "
                          "exercise function must not change its caller's data); work on a copy")
    assert np.array_equal(case[0], np.arange(6.0))

    def scales_weights(x, w):               # normalises w in place: argument 2
        w /= np.sum(w)
        return np.convolve(x, w, "full")[:len(x)]

    assert not check_causal(scales_weights, _causal_mean, [case], name="avg")
    assert "changed its argument 2 in place" in capsys.readouterr().out


@given(func=weird, reference=weird, cases=weird)
def test_check_causal_never_raises(func, reference, cases):
    assert check_causal(func, reference, cases) in (True, False)


@given(answer=weird)
def test_check_causal_never_raises_on_odd_answers(answer):
    assert check_causal(lambda x, w: answer, _causal_mean, CAUSAL_CASES[:1]) in (True, False)


# Issue 7: the learner's code cannot change what it is compared with ----------------------

def test_check_function_in_place_edit_cannot_make_a_false_pass(capsys):
    def flip(k):  # zeroes its input, and returns it
        k[...] = 0
        return k

    cases = [(np.arange(4.0).reshape(2, 2),)]
    # The reference returns a view of its input: without private copies the learner's
    # in-place edit would change the saved answer too, and this would PASS.
    assert not check_function(flip, lambda k: np.rot90(k, 2), cases)
    out = capsys.readouterr().out
    assert out.startswith("FAIL  flip: your function changed its argument 1 in place")
    assert "; also: wrong values" in out
    assert np.array_equal(cases[0][0], np.arange(4.0).reshape(2, 2))  # the exercise's data


def test_check_function_fails_an_in_place_edit_even_when_the_answer_is_right(capsys):
    def flip(k):
        k[...] = k[::-1, ::-1].copy()
        return k

    assert not check_function(flip, lambda k: np.rot90(k, 2), [(np.arange(4.0).reshape(2, 2),)])
    out = capsys.readouterr().out.strip()
    assert out == ("FAIL  flip: your function changed its argument 1 in place (an exercise "
                   "function must not change its caller's data); work on a copy, e.g. "
                   "`x = np.array(x)` on case 1 of 1 (arguments (2, 2))")


def test_check_copies_expected_before_the_answer_runs(capsys):
    data = np.arange(4.0)
    expected = data[::-1]  # a view of data the learner's code will change

    def answer():
        data[...] = 0
        return data

    assert not check(answer, expected, name="rev")
    assert capsys.readouterr().out.startswith("FAIL  rev: wrong values")


@pytest.mark.parametrize("exit_call", [lambda: exit(), lambda: sys.exit(3)])
def test_checkers_contain_system_exit(exit_call, capsys):
    def quits(*args):
        exit_call()

    assert not check(quits, [1.0], name="q")
    assert not check_function(quits, lambda x: x, [(1.0,)], name="q")
    assert not check_causal(quits, lambda x: x, [(np.arange(3.0),)], name="q")
    assert check_function(lambda x: x, lambda x: x, [(1.0,)], name="r")  # still works after
    lines = capsys.readouterr().out.splitlines()
    assert all(line.startswith("FAIL  q: your code raised SystemExit") for line in lines[:3])


def test_checkers_let_keyboard_interrupt_through():
    def interrupted(*args):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check(interrupted, [1.0])
    with pytest.raises(KeyboardInterrupt):
        check_function(interrupted, lambda x: x, [(1.0,)])


# Known mistakes: a failing answer that equals a wrong reference is named -----------------

def _correlate_valid(I, K):
    kh, kw = K.shape
    return np.array([[np.sum(I[i:i + kh, j:j + kw] * K) for j in range(I.shape[1] - kw + 1)]
                     for i in range(I.shape[0] - kh + 1)])


def _convolve_valid(I, K):
    return _correlate_valid(I, K[::-1, ::-1])


CONV_MISTAKES = {
    "the cross-correlation (no flip): flip the kernel": _correlate_valid,
    "only the rows of the kernel flipped: flip the columns too":
        lambda I, K: _correlate_valid(I, K[::-1]),
}
CONV_CASES = [(np.arange(20.0).reshape(4, 5), np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]]))]


def test_check_function_names_a_known_mistake(capsys):
    ok = check_function(_correlate_valid, _convolve_valid, CONV_CASES, name="conv",
                        mistakes=CONV_MISTAKES)
    out = capsys.readouterr().out.strip()
    assert not ok and out.count("\n") == 0
    assert out.startswith("FAIL  conv: known mistake: the cross-correlation (no flip): flip the "
                          "kernel (your answer equals it on this case); wrong values: ")
    assert out.endswith("on case 1 of 1 (arguments (4, 5), (2, 3))")
    ok = check_function(lambda I, K: _correlate_valid(I, K[::-1]), _convolve_valid, CONV_CASES,
                        name="conv", mistakes=CONV_MISTAKES)
    assert not ok and "known mistake: only the rows of the kernel flipped" in capsys.readouterr().out


def test_a_mistake_is_named_only_when_the_answer_equals_it(capsys):
    # A different wrong answer gets the plain verdict; a right answer passes.
    assert not check_function(lambda I, K: _convolve_valid(I, K) + 1, _convolve_valid,
                              CONV_CASES, name="conv", mistakes=CONV_MISTAKES)
    out = capsys.readouterr().out
    assert "known mistake" not in out and out.startswith("FAIL  conv: wrong values")
    assert check_function(_convolve_valid, _convolve_valid, CONV_CASES, name="conv",
                          mistakes=CONV_MISTAKES)
    assert capsys.readouterr().out.startswith("PASS")


def test_mistakes_are_matched_within_the_tolerances_and_by_kind(capsys):
    # Not normalised: off by the factor sum(w) = 3, up to rounding.
    mistakes = {"not normalised: divide by the sum of the weights": lambda x: 3 * x}
    assert not check_function(lambda x: 3 * x + 1e-14, lambda x: x, [(np.arange(4.0),)],
                              name="avg", mistakes=mistakes)
    assert "known mistake: not normalised" in capsys.readouterr().out
    # An integer dtype: truncated values, named by a mistake that truncates too.
    mistakes = {"an integer array: make the output float": lambda k: k[::-1].astype(int)}
    assert not check_function(lambda k: k[::-1].astype(int), lambda k: k[::-1],
                              [(np.array([0.5, 1.5, -2.5]),)], name="flip", mistakes=mistakes)
    assert "known mistake: an integer array" in capsys.readouterr().out


def test_a_broken_mistake_table_never_hides_the_verdict(capsys):
    broken = {"raises": lambda I, K: 1 / 0, "not an array": lambda I, K: object(),
              "a wrong shape": lambda I, K: np.zeros(3)}
    for mistakes in (broken, "not a table", {1: 2}):
        assert not check_function(lambda I, K: _convolve_valid(I, K) + 1, _convolve_valid,
                                  CONV_CASES, name="conv", mistakes=mistakes)
        out = capsys.readouterr().out
        assert out.startswith("FAIL  conv: wrong values") and "known mistake" not in out


def test_mistakes_do_not_see_the_learners_in_place_edits(capsys):
    def zeroes_then_correlates(I, K):       # changes I, so it fails for that first
        result = _correlate_valid(I, K)
        I[...] = 0
        return result

    assert not check_function(zeroes_then_correlates, _convolve_valid, CONV_CASES, name="conv",
                              mistakes=CONV_MISTAKES)
    out = capsys.readouterr().out
    assert out.startswith("FAIL  conv: your function changed its argument 1 in place")
    assert "also: known mistake: the cross-correlation" in out


def test_check_causal_names_a_known_mistake(capsys):
    def delayed(x, w):                      # causal, but one step late
        return np.r_[0.0, _causal_mean(x, w)[:-1]]

    mistakes = {"a one-step delay: the reading of age 0 is x[n], not x[n - 1]": delayed,
                "not normalised": lambda x, w: np.convolve(x, w, "full")[:len(x)]}
    assert not check_causal(delayed, _causal_mean, CAUSAL_CASES, name="avg", mistakes=mistakes)
    out = capsys.readouterr().out
    assert out.startswith("FAIL  avg: known mistake: a one-step delay")
    assert not check_causal(lambda x, w: np.convolve(x, w, "full")[:len(x)], _causal_mean,
                            CAUSAL_CASES, name="avg", mistakes=mistakes)
    assert "known mistake: not normalised" in capsys.readouterr().out


def test_check_names_a_known_mistake(capsys):
    ok, out = verdict(capsys, [[1, 2]], [[1, 2, 3]], name="full",
                      mistakes={"the 'valid' shape": lambda: [[1, 2]]})
    assert not ok and out.startswith("FAIL  full: known mistake: the 'valid' shape")


@given(func=weird, reference=weird, cases=weird, mistakes=weird)
def test_check_function_with_mistakes_never_raises(func, reference, cases, mistakes):
    assert check_function(func, reference, cases, mistakes=mistakes) in (True, False)


# The chapters' own mistake tables: each names the mistake it was written for ---------------

CHAPTER_MISTAKES = {
    # exercise: [(a wrong solution, words its verdict must contain)]
    "causal_average": [
        ("return np.convolve(x, w)[:len(x)]", "known mistake: not normalised"),
        ("return np.convolve(x, w[::-1] / np.sum(w))[:len(x)]", "known mistake: w reversed"),
        ("return np.r_[0.0, np.convolve(x, w / np.sum(w))[:len(x) - 1]]",
         "known mistake: one step late"),
        ("w = np.asarray(w, float)\n    return np.array([sum(x[t - a] * w[a] for a in range(len(w)) "
         "if t - a >= 0) / sum(w[:t + 1]) for t in range(len(x))])",
         "known mistake: renormalised at the start-up"),
        ("w /= np.sum(w)\n    return np.convolve(x, w)[:len(x)]",
         "changed its argument 2 in place"),
    ],
    "flip_kernel": [
        ("return K[::-1]", "known mistake: only the rows flipped"),
        ("return K[:, ::-1]", "known mistake: only the columns flipped"),
        ("out = np.zeros(K.shape, dtype=int)\n    out[...] = K[::-1, ::-1]\n    return out",
         "known mistake: an integer array"),
    ],
    "convolve_valid": [
        ("return scipy.signal.correlate2d(I, K, 'valid')", "known mistake: the cross-correlation"),
        ("kh, kw = K.shape\n    S = np.zeros((I.shape[0] - kh + 1, I.shape[1] - kw + 1))\n"
         "    for i, j in np.ndindex(S.shape):\n"
         "        S[i, j] = sum(I[i - m, j - n] * K[m, n] for m in range(kh) for n in range(kw))\n"
         "    return S", "known mistake: Eq. 9.5 with wrapped negative indices"),
        ("return scipy.signal.correlate2d(I, K[::-1], 'valid')",
         "known mistake: only the kernel's rows flipped"),
    ],
    "toeplitz_matrix": [
        ("T = np.zeros((N - len(k) + 1, N))\n    for i in range(T.shape[0]):\n"
         "        T[i, i:i + len(k)] = k[::-1]\n    return T",
         "known mistake: the convolution matrix"),
    ],
}


def test_chapter_9_1_checkers_name_the_likely_mistakes():
    import pathlib
    import re

    import jupytext
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    source = pathlib.Path(__file__).resolve().parent.parent / "chapters" / "09.1-convolution.md"
    stub = re.compile(r"def (\w+)\(([^)]*)\):\n\s+raise NotImplementedError\n")
    namespace, checkers = {}, {}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in jupytext.read(source).cells:
            if cell.cell_type == "code":
                code = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
                exec(compile(code, "<chapter cell>", "exec"), namespace)
                plt.close("all")
                found = stub.search(code)
                if found:
                    checkers[found.group(1)] = (found.group(2), stub.sub("", code))
    for exercise, wrong_solutions in CHAPTER_MISTAKES.items():
        arguments, checker = checkers[exercise]
        for body, words in wrong_solutions:
            exec(f"def {exercise}({arguments}):\n    {body}\n", namespace)
            with contextlib.redirect_stdout(io.StringIO()) as out:
                exec(checker, namespace)
            verdict = out.getvalue()
            assert verdict.startswith(f"FAIL  {exercise}: ") and words in verdict, (body, verdict)


def test_check_function_shows_a_short_tuple_argument_as_it_is(capsys):
    check_function(lambda x, shape: x, lambda x, shape: x + 1, [(np.zeros((12, 30)), (3, 3))],
                   name="f")
    assert "(arguments (12, 30), (3, 3))" in capsys.readouterr().out
