#!/usr/bin/env python3
"""PyTorch peer of `lss bench lss`: the three Latent Space Simulator networks.

Usage:
    python bench/pytorch/lss_bench.py [WHAT] [--json] [--threads N] [--quick]
                                      [--long-steps N] [--repeats R]

WHAT is one of lss-srv, lss-mdn, lss-gan, lss-sampler, lss-decoder, lss-long,
lss or all (the last two run every workload). The workloads are defined in
bench/lss/README.md; every one reports the same (bench, metric, unit) triple as
the Swift side, so bench/compare.py can join them (`compare.py lss`).

With --json, one JSON object per line on stdout:
    {"bench": ..., "metric": ..., "value": ..., "unit": ..., "threads": N}
Otherwise a readable table.
"""

import argparse
import json
import math
import os
import statistics
import struct
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

WORKLOADS = ("lss-srv", "lss-mdn", "lss-gan", "lss-sampler", "lss-decoder", "lss-long")

# The paper's sizes (Sidky, Chen & Ferguson, Chem. Sci. 2020): m = 3 latent coordinates,
# C = 24 mixture components, 20 C-alpha atoms decoded.
LATENT = 3
COMPONENTS = 24
MDN_OUT = COMPONENTS * (2 * LATENT + 1)  # 24 logits + 72 means + 72 scales = 168
MIN_SCALE = 1e-3                        # sigma = ELU(.) + 1 + eps
NOISE = 16
ATOMS = 20
COORDS = 3 * ATOMS
LONG_STEPS = 1_040_000                  # the paper's Trp-cage trajectories


def median_time(fn, repeats, warmup=1):
    """Median wall time of one call of `fn` over `repeats` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(max(repeats, 1)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def mlp(sizes, hidden=torch.nn.Tanh, output=None):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(hidden())
        elif output is not None:
            layers.append(output())
    return torch.nn.Sequential(*layers)


def latent_process(frames, rng):
    """A 3-D AR(1) trajectory in [0, 1] with one slow coordinate: synthetic latent data."""
    s = np.zeros((frames, LATENT))
    a = np.array([0.99, 0.9, 0.5])
    noise = rng.standard_normal((frames, LATENT)) * np.sqrt(1 - a ** 2)
    for t in range(1, frames):
        s[t] = a * s[t - 1] + noise[t]
    return 1 / (1 + np.exp(-s))


# --------------------------------------------------------------------------
# lss-srv: 45 -> 100 -> 100 -> 4, reversible VAMP-2, Adam, batch 1000
# --------------------------------------------------------------------------

def reversible_vamp2(x, y, eps=1e-6):
    """1 + tr[(L^-1 C1 L^-T)^2], C0 + eps I = L L^T, symmetrized covariances, joint mean (Float64)."""
    x, y = x.double(), y.double()
    n, m = x.shape
    mean = 0.5 * (x.mean(0) + y.mean(0))
    xc, yc = x - mean, y - mean
    c00 = xc.T @ xc / (n - 1)
    c11 = yc.T @ yc / (n - 1)
    c01 = xc.T @ yc / (n - 1)
    c0 = 0.5 * (c00 + c11) + eps * torch.eye(m, dtype=x.dtype)
    c1 = 0.5 * (c01 + c01.T)
    chol = torch.linalg.cholesky(c0)
    a = torch.linalg.solve_triangular(chol, c1, upper=False)
    a = torch.linalg.solve_triangular(chol, a.T, upper=False)   # L^-1 C1 L^-T (symmetric)
    return 1 + (a * a).sum()


def srv_data(pairs, rng):
    """45 features: a tanh mix of a slow latent process plus noise, as (x_t, x_t+tau) pairs."""
    s = latent_process(pairs + 1, rng) * 2 - 1
    w = rng.standard_normal((LATENT, 45))
    features = np.tanh(s @ w) + 0.1 * rng.standard_normal((pairs + 1, 45))
    f = torch.from_numpy(features.astype(np.float32))
    return f[:-1].contiguous(), f[1:].contiguous()


def bench_srv(args):
    pairs, batch = (20_000 if args.quick else 100_000), 1000
    rng = np.random.default_rng(11)
    x0, x1 = srv_data(pairs, rng)
    model = mlp([45, 100, 100, 4])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def epoch():
        order = torch.randperm(pairs)
        for b in range(pairs // batch):
            idx = order[b * batch:(b + 1) * batch]
            out = model(torch.cat([x0[idx], x1[idx]]))   # x_t rows, then x_t+tau rows
            loss = -reversible_vamp2(out[:batch], out[batch:])
            opt.zero_grad()
            loss.backward()
            opt.step()

    secs = median_time(epoch, args.repeats) * (100_000 / pairs)
    return [("lss-srv", "epoch", secs, "s")]


# --------------------------------------------------------------------------
# lss-mdn: 3 -> 100 -> 100 -> 168 mixture density network, NLL, Adam, batch 1000
# --------------------------------------------------------------------------

def mdn_nll(raw, y):
    """Mean -log sum_c w_c prod_d N(y_d; mu_cd, sigma_cd^2), by log-sum-exp over components."""
    c, m = COMPONENTS, LATENT
    log_w = F.log_softmax(raw[:, :c], dim=1)
    mu = torch.sigmoid(raw[:, c:c + c * m]).view(-1, c, m)
    sigma = (F.elu(raw[:, c + c * m:]) + 1 + MIN_SCALE).view(-1, c, m)
    z = (y.unsqueeze(1) - mu) / sigma
    log_n = (-0.5 * z * z - torch.log(sigma)).sum(2)
    return -torch.logsumexp(log_w + log_n, dim=1).mean() + 0.5 * m * math.log(2 * math.pi)


def bench_mdn(args):
    pairs, batch = (20_000 if args.quick else 100_000), 1000
    rng = np.random.default_rng(12)
    s = torch.from_numpy(latent_process(pairs + 1, rng).astype(np.float32))
    x0, x1 = s[:-1].contiguous(), s[1:].contiguous()
    model = mlp([LATENT, 100, 100, MDN_OUT])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def epoch():
        order = torch.randperm(pairs)
        for b in range(pairs // batch):
            idx = order[b * batch:(b + 1) * batch]
            loss = mdn_nll(model(x0[idx]), x1[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()

    secs = median_time(epoch, args.repeats) * (100_000 / pairs)
    return [("lss-mdn", "epoch", secs, "s")]


# --------------------------------------------------------------------------
# lss-gan: cWGAN-GP, generator (3+16) -> 100 -> 100 -> 60, critic (60+3) -> 100 -> 100 -> 1
# --------------------------------------------------------------------------

def bench_gan(args):
    frames, batch, n_critic, lam = (4000 if args.quick else 20_000), 256, 5, 10.0
    rng = np.random.default_rng(13)
    psi = torch.from_numpy(rng.standard_normal((frames, LATENT)).astype(np.float32))
    coords = torch.from_numpy(rng.uniform(-0.9, 0.9, (frames, COORDS)).astype(np.float32))
    gen = mlp([LATENT + NOISE, 100, 100, COORDS], output=torch.nn.Tanh)
    critic = mlp([COORDS + LATENT, 100, 100, 1])
    opt_g = torch.optim.Adam(gen.parameters(), lr=1e-4, betas=(0.0, 0.9))
    opt_c = torch.optim.Adam(critic.parameters(), lr=1e-4, betas=(0.0, 0.9))
    state = {"step": 0}

    def critic_step(real, cond):
        with torch.no_grad():
            fake = gen(torch.cat([cond, torch.randn(batch, NOISE)], 1))
        scores = critic(torch.cat([torch.cat([real, cond], 1), torch.cat([fake, cond], 1)]))
        w = scores[:batch].mean() - scores[batch:].mean()
        eps = torch.rand(batch, 1)
        hat = (fake + eps * (real - fake)).requires_grad_(True)
        grad, = torch.autograd.grad(critic(torch.cat([hat, cond], 1)).sum(), hat, create_graph=True)
        norm = torch.sqrt((grad * grad).sum(1) + 1e-12)
        loss = -w + lam * ((norm - 1) ** 2).mean()
        opt_c.zero_grad()
        loss.backward()
        opt_c.step()

    def generator_step(cond):
        fake = gen(torch.cat([cond, torch.randn(batch, NOISE)], 1))
        loss = -critic(torch.cat([fake, cond], 1)).mean()
        opt_g.zero_grad()
        loss.backward()
        opt_g.step()

    def epoch():
        order = torch.randperm(frames)
        for b in range(frames // batch):
            idx = order[b * batch:(b + 1) * batch]
            cond = psi[idx]
            critic_step(coords[idx], cond)
            state["step"] += 1
            if state["step"] % n_critic == 0:
                generator_step(cond)

    secs = median_time(epoch, args.repeats) * (20_000 / frames)
    return [("lss-gan", "epoch", secs, "s")]


# --------------------------------------------------------------------------
# lss-sampler: K = 100 trajectories through the MDN, batched; FLOP fraction of sgemm
# --------------------------------------------------------------------------

def small_output_mdn():
    """An untrained 3 -> 100 -> 100 -> 168 MDN, output weights scaled by 0.1 (as the Swift side)."""
    model = mlp([LATENT, 100, 100, MDN_OUT]).eval()
    with torch.no_grad():
        model[-1].weight.mul_(0.1)
    return model


class Rollout:
    """K latent trajectories advanced together: one batched forward, then one mixture draw per row,
    reflected into the scaled box [0, 1]^m. Random numbers are drawn in blocks of steps."""

    def __init__(self, model, k, block=2048):
        self.model, self.k, self.block = model, k, block
        c, m = COMPONENTS, LATENT
        self.mean_cols = slice(c, c + c * m)
        self.scale_cols = slice(c + c * m, MDN_OUT)

    @torch.inference_mode()
    def run(self, start, steps, out=None):
        """Advances `start` (K x m) `steps` times; writes states 1..steps into out[1:] when given."""
        k, c, m = self.k, COMPONENTS, LATENT
        x = start.clone()
        for first in range(0, steps, self.block):
            n = min(self.block, steps - first)
            u = torch.rand(n, k, 1)
            z = torch.randn(n, k, m)
            for i in range(n):
                raw = self.model(x)
                cum = torch.softmax(raw[:, :c], dim=1).cumsum_(1)
                pick = (cum < u[i]).sum(1).clamp_(max=c - 1).view(k, 1, 1).expand(k, 1, m)
                mu = torch.sigmoid(raw[:, self.mean_cols].view(k, c, m).gather(1, pick).view(k, m))
                sigma = F.elu(raw[:, self.scale_cols].view(k, c, m).gather(1, pick).view(k, m)) + (1 + MIN_SCALE)
                x = torch.addcmul(mu, sigma, z[i])
                x = 1 - (1 - x.remainder(2)).abs()        # reflect into [0, 1] (fold of period 2)
                if out is not None:
                    out[first + i + 1].copy_(x)
        return x


def sgemm_rate(repeats, quick):
    """GFLOP/s of a 100 x 100 x 100 sgemm, the best of 1 and 2 threads (the FLOP bound's denominator)."""
    a, b, c = torch.randn(100, 100), torch.randn(100, 100), torch.empty(100, 100)
    saved = torch.get_num_threads()
    best = 0.0
    calls = 2000 if quick else 20_000
    for threads in (1, 2):
        torch.set_num_threads(threads)

        def run():
            for _ in range(calls):
                torch.matmul(a, b, out=c)

        secs = median_time(run, repeats)
        best = max(best, 2e6 * calls / secs / 1e9)
    torch.set_num_threads(saved)
    return best


def bench_sampler(args):
    k = 100
    steps = 1000 if args.quick else 10_000
    model = small_output_mdn()
    rollout = Rollout(model, k)
    start = torch.full((k, LATENT), 0.5)
    out = torch.empty(steps + 1, k, LATENT)
    secs = median_time(lambda: rollout.run(start, steps, out), args.repeats)
    assert torch.isfinite(out).all()
    rate = k * steps / secs
    # Multiply-adds of the forward per latent step (3*100 + 100*100 + 100*168), two flops each;
    # activations and the draw are not counted (they add well under 1 %).
    flops = 2 * (LATENT * 100 + 100 * 100 + 100 * MDN_OUT)
    gflops = rate * flops / 1e9
    return [("lss-sampler", "steps", rate, "per s"),
            ("lss-sampler", "flop-fraction", gflops / sgemm_rate(args.repeats, args.quick), "fraction")]


# --------------------------------------------------------------------------
# lss-decoder: (3+16) -> 100 -> 100 -> 60 generator, 100,000 latent points in batches of 10,000
# --------------------------------------------------------------------------

class Decoder:
    """G(standardized psi + z) -> 60 coordinates (tanh output), times the nm-per-unit scale."""

    def __init__(self):
        self.net = mlp([LATENT + NOISE, 100, 100, COORDS], output=torch.nn.Tanh).eval()
        self.mean = torch.full((LATENT,), 0.5)
        self.inv_dev = torch.full((LATENT,), 1 / 0.3)
        self.scale = 1.2

    @torch.inference_mode()
    def generate(self, latent):
        n = latent.shape[0]
        x = torch.empty(n, LATENT + NOISE)
        torch.mul(latent - self.mean, self.inv_dev, out=x[:, :LATENT])
        x[:, LATENT:].normal_()
        return self.net(x).mul_(self.scale)


def bench_decoder(args):
    points, batch = (20_000 if args.quick else 100_000), 10_000
    decoder = Decoder()
    latent = torch.rand(points, LATENT)

    def run():
        for first in range(0, points, batch):
            decoder.generate(latent[first:first + batch])

    secs = median_time(run, args.repeats)
    return [("lss-decoder", "frames", points / secs, "per s")]


# --------------------------------------------------------------------------
# lss-long: one 1.04-million-step trajectory, decoded and written as DCD
# --------------------------------------------------------------------------

def dcd_header(frames, atoms):
    """CHARMM/NAMD DCD header (little endian, version 24, no unit cell), as MDTraj and lss write it."""
    control = [frames, 0, 1, max(frames - 1, 0), 0, 0, 0, 0, 0]
    head = struct.pack("<i4s9if10i", 84, b"CORD", *control, 1.0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 24) + struct.pack("<i", 84)
    title = b"Created by lss_bench.py".ljust(80)
    head += struct.pack("<ii", 84, 1) + title + struct.pack("<i", 84)
    head += struct.pack("<iii", 4, atoms, 4)
    return head


def dcd_frames(positions_nm):
    """Frames (n x atoms x 3, nm) as DCD records: per frame x, y, z blocks in Angstrom with markers."""
    n, atoms, _ = positions_nm.shape
    rec = np.empty((n, 3, atoms + 2), dtype=np.float32)
    marker = np.array([4 * atoms], dtype=np.int32).view(np.float32)[0]
    rec[:, :, 0] = marker
    rec[:, :, -1] = marker
    rec[:, :, 1:-1] = positions_nm.transpose(0, 2, 1) * 10
    return rec.tobytes()


def run_long(steps, path, chunk=10_000):
    model = small_output_mdn()
    decoder = Decoder()
    traj = torch.empty(steps + 1, 1, LATENT)
    traj[0] = 0.5
    Rollout(model, 1).run(traj[0], steps, traj)
    latent = traj.view(steps + 1, LATENT)
    with open(path, "wb") as f:
        f.write(dcd_header(steps + 1, ATOMS))
        for first in range(0, steps + 1, chunk):
            xyz = decoder.generate(latent[first:first + chunk]).numpy().reshape(-1, ATOMS, 3)
            f.write(dcd_frames(xyz))


def bench_long(args):
    steps = args.long_steps or (10_400 if args.quick else 104_000)
    fd, path = tempfile.mkstemp(suffix=".dcd")
    os.close(fd)
    try:
        secs = median_time(lambda: run_long(steps, path), min(args.repeats, 3), warmup=0)
    finally:
        os.remove(path)
    # Everything scales with the step count, so a shorter run is scaled to 1.04 million steps.
    return [("lss-long", "trajectory", secs * LONG_STEPS / steps, "s")]


BENCHES = {
    "lss-srv": bench_srv,
    "lss-mdn": bench_mdn,
    "lss-gan": bench_gan,
    "lss-sampler": bench_sampler,
    "lss-decoder": bench_decoder,
    "lss-long": bench_long,
}


def fmt(value):
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.3f}"
    return f"{value:.4f}"


def main(argv=None):
    p = argparse.ArgumentParser(description="PyTorch peer of `lss bench lss`.")
    p.add_argument("what", nargs="?", default="lss", choices=WORKLOADS + ("lss", "all"))
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    p.add_argument("--quick", action="store_true", help="smaller workloads (smoke test)")
    p.add_argument("--repeats", type=int, default=None, help="timed repeats per figure (default 5, quick 1)")
    p.add_argument("--long-steps", type=int, default=None,
                   help="steps of the lss-long run (default 104,000 scaled to 1.04 million; "
                        "1040000 runs it whole, about 2-3 minutes)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.repeats is None:
        args.repeats = 1 if args.quick else 5

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    names = WORKLOADS if args.what in ("lss", "all") else (args.what,)

    if not args.json:
        print(f"# torch {torch.__version__}, threads={torch.get_num_threads()}"
              f"{', quick' if args.quick else ''}")
        print(f"{'bench':<14} {'metric':<16} {'value':>14}  unit")
    for name in names:
        for bench, metric, value, unit in BENCHES[name](args):
            if args.json:
                print(json.dumps({"bench": bench, "metric": metric, "value": value,
                                  "unit": unit, "threads": args.threads}))
            else:
                print(f"{bench:<14} {metric:<16} {fmt(value):>14}  {unit}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
