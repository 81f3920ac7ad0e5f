"""The load benchmark's shares: each endpoint against the bare view measured just before and just after it."""

from __future__ import annotations

from bench import run


def test_each_endpoint_is_measured_between_two_bare_views_and_shared_against_their_mean(monkeypatch):
    bare = run.Endpoint("bare Django view", "GET", "/bench/bare/")
    study = run.Endpoint("study page", "GET", "/study/")
    missing = run.Endpoint("item analysis", "GET", "/items/", missing="no cohort")
    answer = run.Endpoint("answer (htmx)", "POST", "/study/answer/")
    # The machine slows down during the run: the bare view serves 3,000, then 2,400, then 2,000 requests/s.
    bare_rates = iter([3000.0, 2400.0, 2000.0])
    order = []

    def measure(wrk, port, endpoint, args, workdir, server):
        order.append(endpoint.label)
        if endpoint.missing:
            return run.Result(endpoint, note=endpoint.missing)
        rate = next(bare_rates) if endpoint is bare else {"study page": 270.0, "answer (htmx)": 110.0}[endpoint.label]
        return run.Result(endpoint, figures={"requests": int(rate * 10), "duration_us": 10_000_000})

    monkeypatch.setattr(run, "measure", measure)

    summary, *results = run.measure_between_bare_views("wrk", 1, [bare, study, missing, answer], None, None, None)

    # An endpoint that is not measured is not followed by another bare measurement.
    assert order == ["bare Django view", "study page", "bare Django view", "item analysis", "answer (htmx)",
                     "bare Django view"]  # fmt: skip
    by_label = {r.endpoint.label: r for r in results}
    assert by_label["study page"].bare_around == (3000.0, 2400.0)
    assert round(by_label["study page"].rate / by_label["study page"].bare_rate, 3) == 0.1  # 270 of 2,700
    assert by_label["answer (htmx)"].bare_around == (2400.0, 2000.0)
    assert round(by_label["answer (htmx)"].rate / by_label["answer (htmx)"].bare_rate, 3) == 0.05  # 110 of 2,200
    assert by_label["item analysis"].bare_around == () and by_label["item analysis"].bare_rate == 0.0
    assert summary.rate == 2400.0 and summary.bare_rate == 2400.0  # the median, shared against itself
    assert "3 measurements" in summary.note and "2,000 to 3,000" in summary.note
