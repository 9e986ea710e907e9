"""Tests of the reference experiment: runner, tables, report, figures, command."""

import contextlib
import dataclasses
import io
import json
import sys

import numpy as np
import pytest

from skinvariant import SquareFeatures
from skinvariant._cli import main
from skinvariant.reproduce import (
    REFERENCE_ROWS,
    ReferenceResults,
    RowSpec,
    RunResult,
    format_tables,
    get_protocol,
    plot_feature_maps,
    qualitative_findings,
    reference_rows,
    run_reference_experiment,
    write_report,
)
from skinvariant.reproduce._findings import NEAR_CHANCE, explain_gaps, paper_gaps

# A budget small enough for unit tests; the command itself is tested end to
# end with --quick below.
TINY = dataclasses.replace(get_protocol("clean"), name="tiny", max_iter=15, max_fun=30)

CHEAP_ROWS = ["pixels_nobias", "permutation_nobias", "pixels_averaged_bias"]


def _run(row, seed_index, accuracy, inverted, *, identical=None):
    if identical is None:
        identical = accuracy == inverted
    return RunResult(
        row=row,
        seed_index=seed_index,
        seed=seed_index,
        accuracy=accuracy,
        inverted_accuracy=inverted,
        identical_predictions=identical,
        agreement=1.0 if identical else 0.5,
        n_iter=100,
        converged=True,
        fit_time=0.5,
        score_time=0.01,
        n_train=7190,
        n_test=1795,
    )


def _results(scores, *, protocol="clean"):
    """Results built by hand: `scores` maps row names to (R, R_inv) per seed."""
    rows = [row for row in reference_rows() if row.name in scores]
    runs = [
        _run(name, k, accuracy, inverted)
        for name, per_seed in scores.items()
        for k, (accuracy, inverted) in enumerate(per_seed)
    ]
    n_seeds = len(next(iter(scores.values())))
    return ReferenceResults(
        protocol=get_protocol(protocol),
        rows=tuple(rows),
        runs=tuple(runs),
        seeds=tuple(range(n_seeds)),
        random_state=0,
        n_jobs=None,
        run_time=12.0,
        versions={"numpy": np.__version__},
    )


SYNTHETIC = {
    "pixels_nobias": [(0.95, 0.01), (0.93, 0.02)],
    "pixels_augmented_nobias": [(0.11, 0.09), (0.10, 0.12)],
    "pixels_bias": [(0.95, 0.03), (0.94, 0.05)],
    "squares_nobias": [(0.60, 0.60), (0.62, 0.62)],
    "neighbours_nobias": [(0.90, 0.90), (0.92, 0.92)],
    "quadratic_bias": [(0.97, 0.97), (0.96, 0.96)],
}


# Row definitions ------------------------------------------------------------


def test_reference_rows_cover_both_tables_of_the_paper():
    """Check that Tables I and II have all their rows, each with a paper value."""
    rows = reference_rows()
    table_one = [row for row in rows if row.table == "I"]
    table_two = [row for row in rows if row.table == "II"]

    assert len(table_one) == 4 and len(table_two) == 6
    assert all(row.paper is not None for row in table_one + table_two)
    assert all(row.invariant and not row.odd for row in table_two)
    assert {row.fit_bias for row in table_one} == {False, True}
    assert len({row.name for row in rows}) == len(rows) == len(REFERENCE_ROWS)
    assert len({row.label for row in rows}) == len(rows)


def test_reference_rows_add_the_three_ways_of_imposing_the_symmetry():
    """Check that the extra rows hold quadratic, sampled and averaged models."""
    extra = [row for row in reference_rows() if row.table == "extra"]

    assert {row.training for row in extra} == {"original", "augmented", "averaged"}
    assert any(row.training == "augmented" and row.fraction < 1 for row in extra)
    assert all(row.paper is None for row in extra)


@pytest.mark.parametrize(
    "options, match",
    [
        ({"training": "rotated"}, "`training` must be one of"),
        ({"fraction": 0.0}, r"`fraction` must be in \(0, 1\]; got 0.0"),
        ({"fraction": 1.5}, r"`fraction` must be in \(0, 1\]; got 1.5"),
    ],
)
def test_row_spec_rejects_bad_settings(options, match):
    """Check that a RowSpec with an unknown scheme or fraction is refused."""
    with pytest.raises(ValueError, match=match):
        RowSpec(
            name="bad",
            table="extra",
            features="x_i",
            make_features=_square_features,
            fit_bias=False,
            **options,
        )


# Tables, findings and the comparison with the paper -------------------------


def test_text_tables_fit_a_terminal_and_show_the_paper_column():
    """Check that the text tables stay within 100 columns and list paper values."""
    text = format_tables(_results(SYNTHETIC))
    lines = text.splitlines()

    assert max(len(line) for line in lines) <= 100
    for title in ("Table I", "Table II", "Rows the paper lacks", "Findings"):
        assert any(line.startswith(title) for line in lines)
    no_bias = next(line for line in lines if line.startswith("no    x_i    "))
    assert "0.940 ± 0.014" in no_bias and "0.84" in no_bias and "0.001" in no_bias


def test_text_tables_check_the_bound_and_invariance():
    """Check that odd rows show the bound check and invariant rows the match."""
    scores = dict(SYNTHETIC, pixels_nobias=[(0.95, 0.01), (0.70, 0.40)])
    text = format_tables(_results(scores))
    lines = text.splitlines()

    odd = next(
        line for line in lines if line.startswith("no    x_i    ") and "X  " in line
    )
    assert odd.endswith("BOUND FAILS")
    assert "bound ok" in next(line for line in lines if "X, -X" in line)
    squares = next(line for line in lines if "x_i**2" in line)
    assert squares.endswith("same 2/2")


def test_markdown_tables_are_well_formed():
    """Check that every markdown table line has the same number of cells."""
    text = format_tables(_results(SYNTHETIC), style="markdown")
    table_lines = [line for line in text.splitlines() if line.startswith("|")]

    assert table_lines
    assert {line.count("|") for line in table_lines} == {10}
    assert "### Table I: raw pixels as features" in text


def test_format_tables_rejects_an_unknown_style():
    """Check that an unknown table style is refused with the value received."""
    with pytest.raises(ValueError, match="`style` must be one of .* got 'html'"):
        format_tables(_results(SYNTHETIC), style="html")


def test_tables_place_a_new_table_after_the_known_ones():
    """Check that a row naming a new table gets its own table, printed last."""
    extra_row = RowSpec(
        name="squares_again",
        table="Complete invariants",
        features="x_i**2 again",
        make_features=_square_features,
        fit_bias=False,
        invariant=True,
    )
    results = _results(SYNTHETIC)
    results = dataclasses.replace(
        results,
        rows=(*results.rows, extra_row),
        runs=(*results.runs, _run("squares_again", 0, 0.6, 0.6)),
    )
    text = format_tables(results)

    assert text.index("Rows the paper lacks") < text.index("Complete invariants")
    assert text.index("Complete invariants") < text.index("Findings")


def test_findings_follow_the_numbers():
    """Check that each qualitative finding holds or fails as its numbers say."""
    good = {f.claim: f.holds for f in qualitative_findings(_results(SYNTHETIC))}
    bad_scores = dict(
        SYNTHETIC,
        pixels_augmented_nobias=[(0.45, 0.40), (0.40, 0.45)],
        squares_nobias=[(0.95, 0.95), (0.95, 0.95)],
    )
    bad = {f.claim: f.holds for f in qualitative_findings(_results(bad_scores))}

    assert all(good.values())
    failed = {claim for claim, holds in bad.items() if not holds}
    assert any("chance" in claim for claim in failed)
    assert any("Neighbour products beat squares" in claim for claim in failed)
    assert NEAR_CHANCE < 0.5


def test_paper_gaps_say_which_values_differ_and_how():
    """Check that the comparison lists measured values off the published ones."""
    results = _results(SYNTHETIC)
    gaps = {(gap.row.name, gap.column): gap for gap in paper_gaps(results)}

    assert gaps["pixels_nobias", "X_test"].paper == 0.84
    assert not gaps["pixels_nobias", "X_test"].agrees
    assert gaps["pixels_nobias", "-X_test"].agrees
    text = " ".join(explain_gaps(results))
    assert "Measured higher than published" in text
    assert "x_i; X; no bias on X_test (0.940 against 0.84, +0.100)" in text
    assert "L-BFGS ran 100 iterations on average (12 of 12 fits" in text


def test_paper_gaps_under_the_paper_budget_point_at_the_optimiser():
    """Check that the reasons follow the protocol: budget-bound fits vary."""
    text = " ".join(explain_gaps(_results(SYNTHETIC, protocol="paper")))

    assert "converged within 200 function evaluations" in text
    assert "L-BFGS ran" not in text and "clean split" not in text


# Running ---------------------------------------------------------------------


def _numbers(results):
    """Everything measured except the timings."""
    return [
        {k: v for k, v in dataclasses.asdict(run).items() if not k.endswith("time")}
        for run in results.runs
    ]


def test_same_random_state_gives_the_same_numbers():
    """Check that two runs with the same random_state measure the same numbers."""
    first = run_reference_experiment(protocol=TINY, rows=CHEAP_ROWS, seeds=2)
    second = run_reference_experiment(protocol=TINY, rows=CHEAP_ROWS, seeds=2)
    other = run_reference_experiment(
        protocol=TINY, rows=CHEAP_ROWS, seeds=2, random_state=1
    )

    assert _numbers(first) == _numbers(second)
    assert first.seeds == second.seeds != other.seeds
    assert _numbers(first) != _numbers(other)


def test_parallel_runs_give_the_same_numbers():
    """Check that n_jobs=2 measures what n_jobs=1 measures, in the same order."""
    serial = run_reference_experiment(protocol=TINY, rows=CHEAP_ROWS, seeds=2)
    parallel = run_reference_experiment(
        protocol=TINY, rows=CHEAP_ROWS, seeds=2, n_jobs=2
    )

    assert _numbers(serial) == _numbers(parallel)


def test_runs_are_ordered_by_row_then_seed():
    """Check that runs come in table order, then seed order, with the splits."""
    results = run_reference_experiment(protocol=TINY, rows=CHEAP_ROWS[:2], seeds=2)

    assert [(run.row, run.seed_index) for run in results.runs] == [
        ("pixels_nobias", 0),
        ("pixels_nobias", 1),
        ("permutation_nobias", 0),
        ("permutation_nobias", 1),
    ]
    assert {run.n_train + run.n_test for run in results.runs} == {8985}


def test_clean_split_keeps_copies_of_an_image_together():
    """Check that the clean protocol tests on whole groups, the paper's on rows."""
    from skinvariant.datasets import load_signed_digits
    from skinvariant.reproduce._protocols import split_indices

    digits = load_signed_digits()
    for name, leaks in (("clean", False), ("paper", True)):
        train, test = split_indices(
            get_protocol(name), digits.target, digits.groups, seed=0
        )
        shared = set(digits.groups[train]) & set(digits.groups[test])
        assert bool(shared) is leaks
        assert len(test) == pytest.approx(0.2 * len(digits.target), abs=5)


def test_paper_protocol_records_the_exhausted_budget_without_warning(recwarn):
    """Check that budget-limited fits are recorded as unconverged, not warned."""
    results = run_reference_experiment(
        protocol="paper", rows=["pixels_nobias"], seeds=1, quick=True
    )

    assert results.protocol.max_fun <= 200
    assert not results.runs[0].converged
    assert not [w for w in recwarn if "converge" in str(w.message).lower()]


def test_a_custom_row_runs_next_to_the_reference_rows():
    """Check that a new RowSpec entry is fitted, summarised and tabulated."""
    row = RowSpec(
        name="squares_custom",
        table="Custom",
        features="x_i**2 (custom)",
        make_features=_square_features,
        fit_bias=False,
        invariant=True,
    )
    results = run_reference_experiment(
        protocol=TINY, rows=[row, "pixels_nobias"], seeds=1
    )
    summary = results.summary("squares_custom")

    assert summary.n_identical == summary.n_runs == 1
    assert "Custom" in format_tables(results)


@pytest.mark.parametrize(
    "options, match",
    [
        ({"split": "stratified"}, "`split` must be one of .* got 'stratified'"),
        ({"max_iter": 0}, "`max_iter` must be a positive integer; got 0"),
        ({"max_fun": 2.5}, "`max_fun` must be a positive integer; got 2.5"),
        ({"test_size": 1.0}, r"`test_size` must be in \(0, 1\); got 1.0"),
    ],
)
def test_protocol_rejects_bad_settings(options, match):
    """Check that a Protocol with an unknown split or a bad budget is refused."""
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(TINY, **options)


def test_row_budget_scales_the_protocol_budget():
    """Check that a row's budget share sets the iterations it may run."""
    quadratic = next(row for row in reference_rows() if row.name == "quadratic_bias")
    results = run_reference_experiment(protocol=TINY, rows=[quadratic], seeds=1)

    assert quadratic.budget < 1
    assert results.runs[0].n_iter <= TINY.budget(quadratic.budget)[0] < TINY.max_iter


def _square_features(random_state):
    return SquareFeatures()


@pytest.mark.parametrize(
    "options, error, match",
    [
        ({"protocol": "leaky"}, ValueError, "`protocol` must be one of .* 'leaky'"),
        ({"protocol": TINY, "quick": True}, ValueError, "`quick` only applies"),
        ({"seeds": 0}, ValueError, "`seeds` must be a positive integer; got 0"),
        ({"seeds": 2.5}, ValueError, "`seeds` must be a positive integer; got 2.5"),
        ({"rows": ["nope"]}, ValueError, "`rows` must hold .* got 'nope'"),
        ({"rows": []}, ValueError, "`rows` must hold at least one row"),
        ({"rows": [3]}, TypeError, "`rows` must hold RowSpec objects .* got 3"),
        ({"n_jobs": 0}, ValueError, "`n_jobs` must be None or a non-zero"),
        ({"verbose": "loud"}, TypeError, "`verbose` must be an integer"),
        ({"random_state": -1}, ValueError, "`random_state` must be .* got -1"),
        ({"random_state": 2**32}, ValueError, "`random_state` must be .* got 4294"),
    ],
)
def test_run_reference_experiment_rejects_bad_arguments(options, error, match):
    """Check that bad arguments fail before any fitting, naming the parameter."""
    with pytest.raises(error, match=match):
        run_reference_experiment(**options)


# Report and figures ----------------------------------------------------------


def test_write_report_without_figures_writes_report_and_numbers(tmp_path):
    """Check that report.md and results.json carry the tables and every number."""
    results = _results(SYNTHETIC)
    paths = write_report(results, tmp_path / "out", figures=False)

    assert [path.name for path in paths] == ["report.md", "results.json"]
    document = json.loads(paths[1].read_text())
    assert document["protocol"]["name"] == "clean"
    assert [row["name"] for row in document["rows"]] == list(SYNTHETIC)
    first = document["rows"][0]
    assert first["paper"] == {"accuracy": 0.84, "inverted_accuracy": 0.001}
    assert first["summary"]["accuracy_mean"] == pytest.approx(0.94)
    assert [run["accuracy"] for run in first["runs"]] == [0.95, 0.93]
    assert {f["holds"] for f in document["findings"]} == {True}
    assert any(not gap["agrees"] for gap in document["paper_comparison"])

    report = paths[0].read_text()
    for heading in ("## Protocol", "## Results", "## Where this run differs"):
        assert heading in report
    assert "## Figures" not in report
    assert "GroupShuffleSplit" not in report and "group-aware split" in report


def test_results_json_has_no_nan_for_a_single_seed(tmp_path):
    """Check that the undefined std of one seed is written as null, valid JSON."""
    results = _results({"pixels_nobias": [(0.9, 0.05)]})
    write_report(results, tmp_path, figures=False)
    text = (tmp_path / "results.json").read_text()

    assert "NaN" not in text
    assert json.loads(text)["rows"][0]["summary"]["accuracy_std"] is None


def _hide_matplotlib(monkeypatch):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)


def test_write_report_explains_missing_matplotlib(tmp_path, monkeypatch):
    """Check that figures without matplotlib fail early with install advice."""
    _hide_matplotlib(monkeypatch)
    with pytest.raises(ImportError, match=r'pip install "skinvariant\[plot\]"'):
        write_report(_results(SYNTHETIC), tmp_path / "out")

    assert not (tmp_path / "out").exists()


def test_command_explains_missing_matplotlib_before_fitting(monkeypatch, capsys):
    """Check that `--out` without matplotlib exits 2 at once, naming the fix."""
    _hide_matplotlib(monkeypatch)
    code = main(["reproduce", "--out", "unused-directory", "--seeds", "1"])
    err = capsys.readouterr().err

    assert code == 2
    assert 'pip install "skinvariant[plot]"' in err and "--no-figures" in err
    assert "seed" not in err


@pytest.mark.parametrize("figures", [[], ["--no-figures"]])
def test_command_refuses_an_unusable_out_before_fitting(tmp_path, figures, capsys):
    """Check that an --out that cannot be a directory stops at once, exit 2."""
    taken = tmp_path / "taken"
    taken.write_text("a file, not a directory")
    code = main(["reproduce", "--out", str(taken / "sub"), "--seeds", "1", *figures])
    err = capsys.readouterr().err

    assert code == 2
    assert "--out" in err and str(taken / "sub") in err
    assert "seed" not in err


@pytest.mark.parametrize(
    "argv, match",
    [
        (["--seeds", "0"], "--seeds: must be a positive integer; got '0'"),
        (["--seeds", "two"], "--seeds: must be a positive integer; got 'two'"),
        (["--n-jobs", "0"], "--n-jobs: must be a non-zero integer; got '0'"),
        (["--protocol", "leaky"], "--protocol: invalid choice: 'leaky'"),
        (
            ["--random-state", "-1"],
            "--random-state: must be an integer from 0 to 4294967295; got '-1'",
        ),
    ],
)
def test_command_rejects_bad_options(argv, match, capsys):
    """Check that bad options stop the command with usage and the reason."""
    with pytest.raises(SystemExit) as exc:
        main(["reproduce", *argv])

    assert exc.value.code == 2
    assert match in capsys.readouterr().err


def test_write_report_draws_both_figures(tmp_path):
    """Check that the figures are written as PNG files and linked in the report."""
    pytest.importorskip("matplotlib")
    paths = write_report(_results(SYNTHETIC), tmp_path)

    names = [path.name for path in paths]
    assert names == ["report.md", "results.json", "figure1.png", "accuracy.png"]
    for path in paths[2:]:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "![One digit under each feature map](figure1.png)" in paths[0].read_text()


def test_feature_map_figure_shows_the_five_panels():
    """Check that figure1 shows the digit, its inversion and three feature maps."""
    pytest.importorskip("matplotlib")
    figure = plot_feature_maps()
    images = [ax for ax in figure.axes if ax.images]

    assert len(images) == 5
    raw, inverted = (ax.images[0].get_array() for ax in images[:2])
    np.testing.assert_array_equal(inverted, -raw)


def test_feature_map_figure_rejects_a_wrong_image_size():
    """Check that an image that is not 8x8 is refused with its shape."""
    pytest.importorskip("matplotlib")
    with pytest.raises(ValueError, match=r"`image` must hold .* shape \(3, 3\)"):
        plot_feature_maps(np.zeros((3, 3)))


# The command, end to end -----------------------------------------------------


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """Run `skinvariant reproduce --quick` once; return its outputs."""
    out_dir = tmp_path_factory.mktemp("reproduce")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["reproduce", "--quick", "--out", str(out_dir), "--no-figures"])
    document = json.loads((out_dir / "results.json").read_text())
    rows = {row["name"]: row for row in document["rows"]}
    return code, stdout.getvalue(), stderr.getvalue(), rows, out_dir


@pytest.mark.slow
def test_quick_command_prints_tables_and_progress(quick_run):
    """Check that tables go to stdout and progress with time left to stderr."""
    code, stdout, stderr, rows, out_dir = quick_run

    assert code == 0
    assert "Table I" in stdout and "Table II" in stdout and "0.84" in stdout
    assert "seed 2/2" in stderr and "left" in stderr and "Table" not in stderr
    assert sorted(path.name for path in out_dir.iterdir()) == [
        "report.md",
        "results.json",
    ]
    assert set(rows) == {row.name for row in reference_rows()}


@pytest.mark.slow
def test_quick_odd_network_fails_on_inverted_digits(quick_run):
    """Check that the bias-free network trained on X fails on -X_test."""
    runs = quick_run[3]["pixels_nobias"]["runs"]

    assert all(run["accuracy"] > 0.7 for run in runs)
    assert all(run["inverted_accuracy"] < 0.05 for run in runs)


@pytest.mark.slow
def test_quick_odd_network_trained_on_both_is_near_chance(quick_run):
    """Check that the bias-free network trained on X and -X is near chance.

    Trained on x and -x with the same label, the loss of an odd network no
    longer depends on the label at its minimum (zero logits), so what is
    left of its predictions is unrelated to the digit: chance is 0.1, and
    0.3 leaves room for a few of the ten digit clusters to land on their
    own label by coincidence, while a model that learned anything scores
    far higher (above 0.6 with biases).
    """
    runs = quick_run[3]["pixels_augmented_nobias"]["runs"]

    for run in runs:
        assert run["accuracy"] < NEAR_CHANCE and run["inverted_accuracy"] < NEAR_CHANCE
        assert run["accuracy"] + run["inverted_accuracy"] <= 1


@pytest.mark.slow
def test_quick_invariant_rows_predict_identically(quick_run):
    """Check that invariant rows give the very same predictions on X and -X."""
    invariant = [row for row in quick_run[3].values() if row["invariant"]]

    assert len(invariant) >= 8
    for row in invariant:
        for run in row["runs"]:
            assert run["identical_predictions"]
            assert run["accuracy"] == run["inverted_accuracy"]


@pytest.mark.slow
def test_quick_bound_holds_for_every_odd_row(quick_run):
    """Check that R + R_inv <= 1 on every seed of every odd row."""
    odd = [row for row in quick_run[3].values() if row["odd"]]

    assert {row["name"] for row in odd} >= {"pixels_nobias", "pixels_sampled_nobias"}
    for row in odd:
        assert row["summary"]["bound_holds"]
        assert all(r["accuracy"] + r["inverted_accuracy"] <= 1 for r in row["runs"])


@pytest.mark.slow
@pytest.mark.parametrize("suffix", ["nobias", "bias"])
def test_quick_neighbour_products_beat_squares(quick_run, suffix):
    """Check that neighbour products, which keep relative signs, beat squares."""
    rows = quick_run[3]
    neighbours = rows[f"neighbours_{suffix}"]["summary"]["accuracy_mean"]
    squares = rows[f"squares_{suffix}"]["summary"]["accuracy_mean"]

    assert neighbours > squares


@pytest.mark.slow
def test_quick_report_states_protocol_gaps_and_versions(quick_run):
    """Check that report.md holds protocol, tables, gaps, cost and versions."""
    report = (quick_run[4] / "report.md").read_text(encoding="utf-8")

    assert "quick budget" in report
    assert "published values lie within" in report
    assert "## Training cost" in report and "## Versions" in report
    assert "scikit-learn" in report
