#!/usr/bin/env python3
"""PyTorch reference benchmarks for lss.

Usage:
    python bench/pytorch/bench.py WHAT [--json] [--threads N] [--quick]

WHAT is one of: blas, mlp, generator, sampler, elementwise, all.

Every workload mirrors one in `lss bench` and reports the same
(bench, metric, unit) triples, so bench/compare.py can join the two.
Each measurement is warmed up first, then timed over several samples;
the median is reported.

With --json, one JSON object per line on stdout:
    {"bench": ..., "metric": ..., "value": ..., "unit": ..., "threads": N}
Otherwise a readable table.
"""

import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F

WORKLOADS = ("blas", "mlp", "generator", "sampler", "elementwise")


class Timer:
    """Measures the median wall time of one call of a function.

    Each sample runs the function `inner` times back to back; `inner` is
    either given or calibrated so one sample lasts about `min_time` seconds.
    """

    def __init__(self, quick):
        self.quick = quick
        self.samples = 3 if quick else 7
        self.min_time = 0.02 if quick else 0.2

    def median_seconds(self, fn, warmup=2, inner=None, samples=None):
        for _ in range(warmup):
            fn()
        if inner is None:
            t0 = time.perf_counter()
            fn()
            one = time.perf_counter() - t0
            inner = max(1, int(math.ceil(self.min_time / max(one, 1e-9))))
        samples = samples or self.samples
        times = []
        for _ in range(samples):
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            times.append((time.perf_counter() - t0) / inner)
        return statistics.median(times)


# --------------------------------------------------------------------------
# blas: single-precision GEMM through torch.matmul(out=...)
# --------------------------------------------------------------------------

def bench_blas(timer):
    results = []

    def gemm(label, a, b):
        # C(MxN) = op(A) op(B); K is the inner dimension.
        m, k = a.shape
        k2, n = b.shape
        assert k == k2
        c = torch.empty(m, n, dtype=torch.float32)
        secs = timer.median_seconds(lambda: torch.matmul(a, b, out=c))
        gflops = 2.0 * m * n * k / secs / 1e9
        results.append(("blas", f"sgemm {label} {m}x{k}x{n}", gflops, "GFLOP/s"))

    rows, fin, fout = 200_000, 300, 100
    x = torch.randn(rows, fin)
    w = torch.randn(fin, fout)
    dz = torch.randn(rows, fout)
    gemm("NN", x, w)       # forward:          X[200000,300] @ W[300,100]
    gemm("TN", x.t(), dz)  # weight gradient:  X.T @ dZ  -> [300,100]
    gemm("NT", dz, w.t())  # input gradient:   dZ @ W.T  -> [200000,300]
    del x, dz

    for m, k, n in ((10_000, 300, 100), (10_000, 200, 200),
                    (4096, 100, 100), (256, 100, 100)):
        gemm("NN", torch.randn(m, k), torch.randn(k, n))
    return results


# --------------------------------------------------------------------------
# mlp: 300 -> 100 -> 100 -> 3, tanh hidden, MSE, Adam(lr=1e-3)
# --------------------------------------------------------------------------

def bench_mlp(timer):
    results = []
    for batch in (10_000, 200_000):
        model = torch.nn.Sequential(
            torch.nn.Linear(300, 100), torch.nn.Tanh(),
            torch.nn.Linear(100, 100), torch.nn.Tanh(),
            torch.nn.Linear(100, 3),
        )
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x = torch.randn(batch, 300)      # fixed data, reused every step
        y = torch.randn(batch, 3)

        def step():
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            opt.step()

        secs = timer.median_seconds(step, warmup=2)
        results.append(("mlp", f"train batch={batch}", batch / secs, "samples/s"))
    return results


# --------------------------------------------------------------------------
# generator: 53 -> 200 -> 200 -> 200 -> 60, SiLU hidden, forward only
# --------------------------------------------------------------------------

def bench_generator(timer):
    results = []
    model = torch.nn.Sequential(
        torch.nn.Linear(53, 200), torch.nn.SiLU(),
        torch.nn.Linear(200, 200), torch.nn.SiLU(),
        torch.nn.Linear(200, 200), torch.nn.SiLU(),
        torch.nn.Linear(200, 60),
    ).eval()
    with torch.inference_mode():
        for batch in (1000, 10_000, 100_000):
            x = torch.randn(batch, 53)
            secs = timer.median_seconds(lambda: model(x), warmup=3)
            results.append(("generator", f"forward batch={batch}", batch / secs, "rows/s"))
    return results


# --------------------------------------------------------------------------
# sampler: 3 -> 100 -> 100 -> 168 tanh MLP parameterizing a 24-component
# 3-D diagonal Gaussian mixture, sampled autoregressively one row at a time
# --------------------------------------------------------------------------

COMPONENTS = 24
DIM = 3


def bench_sampler(timer):
    model = torch.nn.Sequential(
        torch.nn.Linear(DIM, 100), torch.nn.Tanh(),
        torch.nn.Linear(100, 100), torch.nn.Tanh(),
        torch.nn.Linear(100, COMPONENTS * (1 + 2 * DIM)),  # 24 + 72 + 72 = 168
    ).eval()
    c, d = COMPONENTS, DIM
    state = {"x": torch.zeros(1, d)}

    def step():
        out = model(state["x"])[0]                       # [168]
        logits = out[:c]                                 # [24]
        means = out[c:c + c * d].view(c, d)              # [24, 3]
        log_scales = out[c + c * d:].view(c, d)          # [24, 3]
        cum = torch.cumsum(torch.softmax(logits, dim=0), dim=0)
        u = torch.rand(1)
        k = torch.searchsorted(cum, u).clamp_(max=c - 1)  # component index
        mu = means.index_select(0, k)                    # [1, 3]
        sigma = torch.exp(log_scales.index_select(0, k))
        state["x"] = mu + sigma * torch.randn(1, d)      # next input, [1, 3]

    # 5 samples x 4000 steps = 20,000 timed steps (quick: 3 x 400).
    inner = 400 if timer.quick else 4000
    with torch.inference_mode():
        secs = timer.median_seconds(step, warmup=200 if timer.quick else 1000,
                                    inner=inner, samples=3 if timer.quick else 5)
        assert torch.isfinite(state["x"]).all()
    return [("sampler", "step", secs * 1e6, "us")]


# --------------------------------------------------------------------------
# elementwise: tanh / exp / swish over 409,600 cache-resident floats
# --------------------------------------------------------------------------

def bench_elementwise(timer):
    n = 409_600
    x = torch.empty(n).uniform_(-4.0, 4.0)
    y = torch.empty(n)
    ops = (
        ("tanh", lambda: torch.tanh(x, out=y)),
        ("exp", lambda: torch.exp(x, out=y)),
        # F.silu has no out=; this is the kernel it dispatches to.
        ("swish", lambda: torch.ops.aten.silu.out(x, out=y)),
    )
    results = []
    for name, fn in ops:
        secs = timer.median_seconds(fn, warmup=20)
        results.append(("elementwise", name, secs / n * 1e9, "ns/element"))
    return results


BENCHES = {
    "blas": bench_blas,
    "mlp": bench_mlp,
    "generator": bench_generator,
    "sampler": bench_sampler,
    "elementwise": bench_elementwise,
}


def fmt(value):
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.4f}"


def main(argv=None):
    p = argparse.ArgumentParser(description="PyTorch reference benchmarks for lss.")
    p.add_argument("what", choices=WORKLOADS + ("all",))
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    p.add_argument("--quick", action="store_true", help="fewer/shorter samples (smoke test)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    timer = Timer(args.quick)
    names = WORKLOADS if args.what == "all" else (args.what,)

    if not args.json:
        print(f"# torch {torch.__version__}, threads={torch.get_num_threads()}"
              f"{', quick' if args.quick else ''}")
        print(f"{'bench':<12} {'metric':<28} {'value':>14}  unit")

    for name in names:
        for bench, metric, value, unit in BENCHES[name](timer):
            if args.json:
                print(json.dumps({"bench": bench, "metric": metric, "value": value,
                                  "unit": unit, "threads": args.threads}))
            else:
                print(f"{bench:<12} {metric:<28} {fmt(value):>14}  {unit}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
