"""Every plot smoke-rendered to PNG with the Agg backend."""

from __future__ import annotations

import io
import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from scanlab import analysis as an  # noqa: E402
from scanlab import plots  # noqa: E402
from scanlab.analyze import Analyze  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def make_runs(n: int = 60, seed: int = 0, failed: int = 3) -> pd.DataFrame:
    """Runs with numeric, string, bool and missing parameter values, two rounds."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "run_id": [f"{i:012x}" for i in range(n)],
            "round": np.where(np.arange(n) < n // 2, 1, 2),
            "status": "ok",
            "activation": rng.choice(["relu", "elu", "tanh"], n),
            "dropout": rng.choice([0.0, 0.25, 0.5], n),
            "lr": rng.choice([1e-1, 1e-2, 1e-3, 1e-4], n),
            "shuffle": rng.choice([True, False], n),
            "units": rng.choice([8.0, 16.0, np.nan], n),
            "epochs": rng.choice([5, 10], n),
        }
    )
    acc = 0.8 - 0.2 * df["dropout"] + 0.05 * (df["activation"] == "relu") + rng.normal(0, 0.03, n)
    df["accuracy"] = acc + 0.05
    df["loss"] = 1 - df["accuracy"] + rng.normal(0, 0.01, n)
    df["val_accuracy"] = acc
    df["val_loss"] = 1 - acc + rng.normal(0, 0.02, n)
    df["epochs_run"] = df["epochs"]
    df["duration_s"] = 1.0
    df["error"] = ""
    bad = np.arange(failed) * 7
    df.loc[bad, "status"] = "failed"
    df.loc[bad, ["accuracy", "loss", "val_accuracy", "val_loss"]] = np.nan
    df.loc[bad, "error"] = "ValueError: bad"
    return df


def make_histories(df: pd.DataFrame) -> dict:
    out = {}
    for r in df[df["status"] == "ok"].itertuples():
        e = int(r.epochs)
        out[r.run_id] = {
            "loss": np.linspace(1.0, r.loss, e).tolist(),
            "val_loss": (np.linspace(1.0, r.val_loss, e) ** 1.1).tolist(),
            "accuracy": np.linspace(0.5, r.accuracy, e).tolist(),
            "val_accuracy": np.linspace(0.5, r.val_accuracy, e).tolist(),
        }
    return out


def render(obj: Axes | Figure) -> bytes:
    fig = obj if isinstance(obj, Figure) else obj.figure
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)
    data = buf.getvalue()
    assert data.startswith(b"\x89PNG") and len(data) > 1000
    return data


def texts(obj: Axes | Figure) -> str:
    fig = obj if isinstance(obj, Figure) else obj.figure
    return " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


@pytest.fixture(scope="module")
def data():
    return make_runs()


# --------------------------------------------------------------------------------------------
# plots module
# --------------------------------------------------------------------------------------------


def test_plot_line_marks_failures_and_rounds(data):
    ax = plots.plot_line(data, "val_accuracy")
    render(ax)
    assert "failed (3)" in texts(ax) and "round 2" in texts(ax)


@pytest.mark.parametrize("by", [None, "activation", "units", "shuffle", "lr"])
def test_plot_hist_and_kde_with_every_parameter_type(data, by):
    render(plots.plot_hist(data, "val_accuracy", by=by))
    render(plots.plot_kde(data, "val_accuracy", by=by))


def test_plot_kde_bivariate_and_degenerate(data):
    render(plots.plot_kde(data, "loss", y="val_loss"))
    one = data.assign(val_loss=1.0)
    ax = plots.plot_kde(one, "val_loss")
    assert "not enough distinct values" in texts(ax)


def test_plot_rounds(data):
    ax = plots.plot_rounds(data, "val_loss")
    render(ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2"]


def test_correlation_plots(data):
    params = ["activation", "dropout", "epochs", "lr", "shuffle", "units"]
    corr = an.correlations(data, "val_accuracy", params + ["status"])
    ax = plots.plot_correlations(corr)
    render(ax)
    assert "activation (categorical)" in texts(ax) and "status (constant)" in texts(ax)
    render(plots.plot_corr_matrix(an.corr_matrix(data, params, ["val_accuracy", "loss"])))


def test_importance_plot(data):
    imp = an.param_importance(
        data, "val_accuracy", ["activation", "dropout", "lr"], top_quantile=0.3
    )
    render(plots.plot_importance(imp))
    nan = imp.assign(importance=np.nan)
    assert "not available" in texts(plots.plot_importance(nan))


@pytest.mark.parametrize("kind", ["bars", "box"])
def test_bars_and_box_with_x_hue_col(data, kind):
    draw = plots.plot_bars if kind == "bars" else plots.plot_box
    ax = draw(data, "epochs", "val_accuracy", hue="dropout")
    assert isinstance(ax, Axes)
    render(ax)
    fig = draw(data, "epochs", "val_accuracy", hue="dropout", col="lr")
    assert isinstance(fig, Figure)
    render(fig)
    assert "lr = 0.0001" in texts(fig)
    render(draw(data, "activation", "val_loss", hue="units", col="shuffle"))
    own = plt.subplots()[1]
    assert draw(data, "lr", "val_loss", ax=own) is own


def test_plot_errors_name_the_argument(data):
    with pytest.raises(
        an.AnalysisError,
        match=r"The value for `hue` must be a column of the "
        r"results, but 'nope' was passed",
    ):
        plots.plot_bars(data, "lr", "val_loss", hue="nope")
    with pytest.raises(an.AnalysisError, match="`ax` cannot be used with `col`"):
        plots.plot_box(data, "lr", "val_loss", col="dropout", ax=plt.subplots()[1])


def test_regression_plot(data):
    reg = an.regression(data, "loss", "val_loss", threshold=1.5)
    assert len(reg.outliers)
    render(plots.plot_regression(data, reg))
    render(plots.plot_regression(data, an.regression(data, "accuracy", "val_accuracy")))


def test_entropy_and_learning_curves(data):
    histories = make_histories(data)
    entropy = an.learning_entropy(histories, data)
    render(plots.plot_entropy(entropy))
    render(plots.plot_entropy(entropy, "accuracy"))
    assert "no per-epoch histories" in texts(plots.plot_entropy(entropy.iloc[:0]))
    ids = an.best_runs(data, "val_accuracy", k=4)["run_id"].tolist()
    fig = plots.plot_learning_curves(an.learning_curves(histories, ids), title="best 4")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    render(fig)
    render(plots.plot_learning_curves(an.learning_curves({}, ids)))


def test_parallel_coordinates_plot(data):
    params = ["activation", "dropout", "lr", "shuffle", "units"]
    info = an.parallel_coordinates(data, "val_loss", params)
    ax = plots.plot_parallel(info)
    render(ax)
    assert "relu" in texts(ax)


def test_large_results_are_subsampled_and_say_so():
    big = make_runs(n=3000, failed=0)
    ax = plots.plot_line(big, "val_loss", max_points=500, seed=1)
    assert "random sample of 500 of 3,000 runs drawn (seed 1)" in texts(ax)
    ax = plots.plot_kde(big, "val_loss", by="activation", max_points=500)
    assert "500 of 3,000" in texts(ax)
    fig = plots.plot_bars(big, "epochs", "val_loss", hue="dropout", col="lr", max_points=500)
    assert "500 of 3,000" in texts(fig)
    info = an.parallel_coordinates(big, "val_loss", ["lr", "activation"], max_rows=300)
    assert "300 of 3,000 runs drawn" in texts(plots.plot_parallel(info))
    small = plots.plot_line(make_runs(n=30), "val_loss")
    assert "random sample" not in texts(small)


def test_figure_is_detached_from_pyplot_under_inline_backend(monkeypatch, data):
    monkeypatch.setattr(
        matplotlib, "get_backend", lambda: "module://matplotlib_inline.backend_inline"
    )
    fig = plots.plot_bars(data, "epochs", "val_accuracy", col="lr")
    assert fig.number not in plt.get_fignums()


# --------------------------------------------------------------------------------------------
# Analyze's plot methods (Talos names and the new ones)
# --------------------------------------------------------------------------------------------


def test_analyze_plot_methods(data):
    a = Analyze(data, histories=make_histories(data))
    drawn = [
        a.plot_line(),
        a.plot_hist(bins=10),
        a.plot_hist("val_loss", by="activation"),
        a.plot_kde(),
        a.plot_kde("val_accuracy", by="activation"),
        a.plot_kde("accuracy", "val_accuracy"),
        a.plot_corr(),
        a.plot_corr(kind="bars"),
        a.plot_regs(),
        a.plot_regs("accuracy", "val_accuracy"),
        a.plot_box("dropout"),
        a.plot_box("activation", "val_loss", hue="shuffle"),
        a.plot_bars("epochs", "val_accuracy", hue="dropout", col="lr"),
        a.plot_rounds(),
        a.plot_importance(),
        a.plot_parallel(),
        a.plot_entropy(),
        a.plot_learning_curves(k=3),
    ]
    for obj in drawn:
        render(obj)
    with pytest.raises(an.AnalysisError, match=r"`kind` must be one of \['heatmap', 'bars'\]"):
        a.plot_corr(kind="pie")


def test_plot_round_comparison():
    data = make_runs()
    comparison = an.round_comparison(data, "val_accuracy")
    fig = plots.plot_round_comparison(data, comparison, "val_accuracy")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    left, right = fig.axes
    assert [t.get_text() for t in right.get_xticklabels()] == ["1", "2"]
    assert len(right.patches) == 4  # two bars per round
    assert any("threshold" in t.get_text() for t in left.get_legend().get_texts())
    fig.savefig(io.BytesIO(), format="png")
    fig = Analyze(data).plot_round_comparison()
    assert isinstance(fig, Figure)
