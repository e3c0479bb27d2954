#!/usr/bin/env python3
"""The analysis toolbox: lss against MDTraj and deeptime on the same workloads, in the same session.

Featurization: a 20-residue chain (N, CA, C, O, CB per residue) with FRAMES frames, written by MDTraj
as PDB + DCD. Both sides hold the frames in memory and time only the features: the 190 Calpha
distances and the 38 backbone dihedrals (phi, psi) as (cos, sin):
  - lss:    `lss bench kinetics --file traj.dcd --topology chain.pdb` (FeatureSet "ca-distances;backbone-torsions");
  - MDTraj: compute_distances + compute_dihedrals (then cos, sin) on precomputed index lists.

TICA: 10^6 frames x 300 features, streamed in chunks of 10^4 (four slow AR(1) processes mixed into
300 columns plus noise), lag 10 frames, 5 components. Times only the estimator calls (data
generation excluded) and reports how far each process's peak resident set grew:
  - lss:      TimeLaggedCovarianceAccumulator + TICA.fit (inside `lss bench kinetics`);
  - deeptime: TICA(lagtime=10, dim=5).partial_fit per chunk, then fetch_model().

usage: bench/kinetics/compare.py [--frames 50000] [--rounds 3] [--lss PATH]
Needs: python3 with mdtraj, deeptime, numpy; a release build of lss.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

MDTRAJ_FEATURIZE = r"""
import sys, time, itertools, numpy as np, mdtraj
t = mdtraj.load(sys.argv[1], top=sys.argv[2])
ca = t.topology.select('name CA')
pairs = np.array(list(itertools.combinations(ca, 2)))
phi = mdtraj.compute_phi(t[:1])[0]; psi = mdtraj.compute_psi(t[:1])[0]
quartets = np.concatenate([phi, psi])
best = []
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    d = mdtraj.compute_distances(t, pairs, periodic=False)
    a = mdtraj.compute_dihedrals(t, quartets, periodic=False)
    f = np.concatenate([d, np.cos(a), np.sin(a)], axis=1)
    best.append(time.perf_counter() - start)
print(t.n_frames, sorted(best)[len(best) // 2], f.shape[1])
"""

DEEPTIME_TICA = r"""
import sys, time, numpy as np
from deeptime.decomposition import TICA
def status(field):
    for line in open('/proc/self/status'):
        if line.startswith(field): return float(line.split()[1]) / 1e3
frames, features, chunk = int(sys.argv[1]), int(sys.argv[2]), 10000
rng = np.random.default_rng(11)
mixing = rng.standard_normal((4, features))
decay = np.array([0.999, 0.99, 0.95, 0.9]); state = np.zeros(4)
base = status('VmRSS:')
tica = TICA(lagtime=10, dim=5)
seconds = 0.0
for start in range(0, frames, chunk):
    rows = min(chunk, frames - start)
    slow = np.empty((rows, 4))
    kicks = rng.standard_normal((rows, 4))
    for r in range(rows):
        state = decay * state + np.sqrt(1 - decay ** 2) * kicks[r]
        slow[r] = state
    x = rng.standard_normal((rows, features)) + 3 * slow @ mixing
    t0 = time.perf_counter(); tica.partial_fit(x); seconds += time.perf_counter() - t0
t0 = time.perf_counter(); model = tica.fetch_model(); seconds += time.perf_counter() - t0
print(seconds, status('VmHWM:') - base, model.singular_values[0])
"""


def write_chain(directory, frames):
    import mdtraj, numpy as np
    top = mdtraj.Topology()
    chain = top.add_chain()
    names, elements = ["N", "CA", "C", "O", "CB"], ["N", "C", "C", "O", "C"]
    for r in range(20):
        residue = top.add_residue("ALA", chain, resSeq=r + 1)
        for name, symbol in zip(names, elements):
            top.add_atom(name, mdtraj.element.get_by_symbol(symbol), residue)
    rng = np.random.default_rng(3)
    base = np.cumsum(rng.uniform(-0.075, 0.075, (100, 3)) + [0.1, 0, 0], axis=0)
    xyz = (base[None] + rng.uniform(-0.01, 0.01, (frames, 100, 3))).astype(np.float32)
    traj = mdtraj.Trajectory(xyz, top)
    pdb, dcd = os.path.join(directory, "chain.pdb"), os.path.join(directory, "chain.dcd")
    traj[0].save_pdb(pdb)
    traj.save_dcd(dcd)
    return pdb, dcd


def run_lss(lss, args):
    out = subprocess.run([lss, "bench", "kinetics", "--json", "--repeats", "3"] + args,
                         check=True, capture_output=True, text=True).stdout
    return {r["metric"]: r["value"] for r in map(json.loads, out.splitlines())}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=50000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lss", default=".build/release/lss")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        pdb, dcd = write_chain(directory, args.frames)
        lss_rates, mdtraj_rates, lss_tica, lss_memory = [], [], [], []
        for _ in range(args.rounds):
            rows = run_lss(args.lss, ["--file", dcd, "--topology", pdb])
            lss_rates.append(rows["featurize ca-distances;backbone-torsions frames/s"])
            tica_key = next(k for k in rows if k.startswith("tica") and k.endswith("seconds"))
            lss_tica.append(rows[tica_key])
            lss_memory.append(rows[tica_key.replace("seconds", "peak RSS growth")])
            frames, seconds, count = subprocess.run([sys.executable, "-c", MDTRAJ_FEATURIZE, dcd, pdb, "3"], check=True,
                                                    capture_output=True, text=True).stdout.split()[-3:]
            mdtraj_rates.append(int(frames) / float(seconds))
        dt_times, dt_memory = [], []
        for _ in range(args.rounds):
            seconds, memory, _ = subprocess.run([sys.executable, "-c", DEEPTIME_TICA, "1000000", "300"],
                                                check=True, capture_output=True, text=True).stdout.split()
            dt_times.append(float(seconds))
            dt_memory.append(float(memory))
    med = statistics.median
    print(f"featurization, {args.frames} frames, {count} features (Calpha distances, backbone cos/sin)")
    print(f"  lss     {med(lss_rates):12.0f} frames/s")
    print(f"  MDTraj  {med(mdtraj_rates):12.0f} frames/s")
    print(f"  ratio lss/MDTraj {med(lss_rates) / med(mdtraj_rates):.2f}")
    print("streaming TICA, 1000000 frames x 300 features, lag 10")
    print(f"  lss       {med(lss_tica):8.2f} s   peak RSS growth {med(lss_memory):8.1f} MB")
    print(f"  deeptime  {med(dt_times):8.2f} s   peak RSS growth {med(dt_memory):8.1f} MB")
    print(f"  speed-up lss vs deeptime {med(dt_times) / med(lss_tica):.2f}")


if __name__ == "__main__":
    main()
