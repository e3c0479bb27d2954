#!/usr/bin/env python3
"""Trajectory reading: lss against MDTraj on the same files, in the same session.

Writes one system (ATOMS atoms, FRAMES frames, a drifting random configuration in a 5 nm box) with
MDTraj as XTC, DCD, AMBER NetCDF and MDTraj HDF5, then for each file, alternating between the two
readers ROUNDS times:
  - lss:    `lss bench io --file F --chunk CHUNK` streams the file chunk by chunk in its own process;
  - MDTraj: `mdtraj.load(F)` in its own process (MDTraj's usual way to read a whole file).
Reports frames/s and MB/s (medians over rounds), the ratio lss/MDTraj, and how far each process's
peak resident set grew while reading (lss streams; the file is FRAMES/CHUNK chunks long).

usage: bench/io/compare.py [--frames 10000] [--atoms 2000] [--chunk 1000] [--rounds 3] [--lss PATH]
Needs: python3 with mdtraj, tables, netCDF4, numpy; a release build of lss.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

# Peak memory from VmHWM, not getrusage: ru_maxrss survives fork and exec, so a child started by
# this script would report this script's own peak.
MDTRAJ_READ = r"""
import sys, time, mdtraj
def status(field):
    for line in open('/proc/self/status'):
        if line.startswith(field): return float(line.split()[1]) / 1e3
path, top = sys.argv[1], sys.argv[2]
base = status('VmRSS:')
start = time.perf_counter()
t = mdtraj.load(path, top=top) if not path.endswith('.h5') else mdtraj.load(path)
seconds = time.perf_counter() - start
print(t.n_frames, seconds, status('VmHWM:') - base)
"""


def write_files(directory, frames, atoms):
    import mdtraj, numpy as np
    top = mdtraj.Topology()
    chain = top.add_chain()
    for i in range(atoms):
        residue = top.add_residue("AR", chain, resSeq=i + 1)
        top.add_atom("AR", mdtraj.element.argon, residue)
    rng = np.random.default_rng(7)
    xyz = np.empty((frames, atoms, 3), dtype=np.float32)
    xyz[0] = rng.uniform(0, 5, (atoms, 3))
    for k in range(1, frames):
        xyz[k] = xyz[k - 1] + rng.uniform(-0.01, 0.01, (atoms, 3)).astype(np.float32)
    traj = mdtraj.Trajectory(xyz, top, time=np.arange(frames, dtype=np.float32),
                             unitcell_lengths=np.full((frames, 3), 5.0), unitcell_angles=np.full((frames, 3), 90.0))
    pdb = os.path.join(directory, "top.pdb")
    traj[0].save_pdb(pdb)
    paths = []
    for ext in ["xtc", "dcd", "nc", "h5"]:
        path = os.path.join(directory, "system." + ext)
        traj.save(path)
        paths.append(path)
    return pdb, paths


def run_lss(lss, path, chunk):
    out = subprocess.run([lss, "bench", "io", "--file", path, "--chunk", str(chunk), "--repeats", "1", "--json"],
                         check=True, capture_output=True, text=True).stdout
    rows = {r["metric"].split(" ", 2)[2]: r["value"] for r in map(json.loads, out.splitlines())}
    return rows["frames/s"], rows["MB/s"], rows["peak RSS growth"]


def run_mdtraj(path, top, size_mb):
    out = subprocess.run([sys.executable, "-c", MDTRAJ_READ, path, top], check=True,
                         capture_output=True, text=True).stdout
    # MDTraj's DCD plugin prints notes to standard output first; the figures are the last line.
    frames, seconds, growth = out.strip().splitlines()[-1].split()
    seconds = float(seconds)
    return int(frames) / seconds, size_mb / seconds, float(growth)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=10000)
    parser.add_argument("--atoms", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lss", default=os.path.join(os.path.dirname(__file__), "..", "..", ".build", "release", "lss"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lss-bench-io-") as directory:
        print(f"writing {args.frames} frames x {args.atoms} atoms with MDTraj ...", file=sys.stderr)
        top, paths = write_files(directory, args.frames, args.atoms)
        results = {p: {"lss": [], "mdtraj": []} for p in paths}
        for _ in range(args.rounds):
            for path in paths:
                size_mb = os.path.getsize(path) / 1e6
                results[path]["lss"].append(run_lss(args.lss, path, args.chunk))
                results[path]["mdtraj"].append(run_mdtraj(path, top, size_mb))
        print(f"{args.frames} frames x {args.atoms} atoms; lss streams {args.chunk}-frame chunks; medians of {args.rounds} rounds")
        print(f"{'format':8}{'file MB':>9}{'lss fr/s':>11}{'MDTraj fr/s':>13}{'ratio':>7}{'lss MB/s':>10}"
              f"{'lss RSS+MB':>12}{'MDTraj RSS+MB':>15}")
        for path in paths:
            lss = [statistics.median(x) for x in zip(*results[path]["lss"])]
            ref = [statistics.median(x) for x in zip(*results[path]["mdtraj"])]
            print(f"{path.rsplit('.', 1)[1]:8}{os.path.getsize(path) / 1e6:9.1f}{lss[0]:11.0f}{ref[0]:13.0f}"
                  f"{lss[0] / ref[0]:7.2f}{lss[1]:10.0f}{lss[2]:12.1f}{ref[2]:15.1f}")


if __name__ == "__main__":
    main()
