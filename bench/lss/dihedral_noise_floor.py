#!/usr/bin/env python3
"""How much of an F(φ, ψ) RMSE is the comparison's own sampling noise.

    python3 bench/lss/dihedral_noise_floor.py train.dcd heldout.dcd alanine-dipeptide.pdb [PIECES FRAMES]

Compares the free energy F(φ, ψ) of one MD run with that of an independent one by the rule
`lss validate` uses (DESIGN.md §9: 36 × 36 bins, bins where the reference F < 4 kT, after the
constant shift that minimizes the RMSE). Prints the RMSE for the whole first run, and for PIECES
evenly spread contiguous pieces of FRAMES frames each (default 10 × 4000, the amount of dynamics
`lss validate` decodes: ten synthetic trajectories, 2,000 steps of 2 ps), at several offsets. A
model whose decoded F(φ, ψ) has RMSE e against the held-out run has a systematic error of about
sqrt(e² − floor²). Needs MDTraj and NumPy.
"""
import sys

import mdtraj
import numpy as np

EDGES = np.linspace(-180.0, 180.0, 37)


def backbone(trajectory, topology):
    t = mdtraj.load(trajectory, top=topology)
    return (np.degrees(mdtraj.compute_phi(t)[1][:, 0]), np.degrees(mdtraj.compute_psi(t)[1][:, 0]))


def free_energy(phi, psi):
    counts, _, _ = np.histogram2d(phi, psi, bins=[EDGES, EDGES])
    with np.errstate(divide="ignore"):
        return -np.log(counts / counts.sum())


def rmse(model, reference):
    f_ref, f_model = free_energy(*reference), free_energy(*model)
    f_ref = f_ref - f_ref[np.isfinite(f_ref)].min()
    compared = (f_ref < 4) & np.isfinite(f_model)
    difference = f_model[compared] - f_ref[compared]
    difference -= difference.mean()
    return float(np.sqrt((difference ** 2).mean()))


def main():
    if len(sys.argv) not in (4, 6):
        sys.exit(__doc__)
    first, second = backbone(sys.argv[1], sys.argv[3]), backbone(sys.argv[2], sys.argv[3])
    pieces, frames = (int(sys.argv[4]), int(sys.argv[5])) if len(sys.argv) == 6 else (10, 4000)
    n = len(first[0])
    print(f"whole run ({n} frames) against the other: RMSE {rmse(first, second):.3f} kT")
    spacing = n // pieces
    if frames > spacing:
        sys.exit(f"{pieces} pieces of {frames} frames do not fit in {n} frames")
    values = []
    for offset in np.linspace(0, spacing - frames, 6).astype(int):
        rows = np.concatenate([np.arange(offset + k * spacing, offset + k * spacing + frames) for k in range(pieces)])
        values.append(rmse((first[0][rows], first[1][rows]), second))
    print(f"{pieces} pieces of {frames} frames against the other: RMSE {np.mean(values):.3f} ± {np.std(values):.3f} kT "
          f"over {len(values)} offsets")


if __name__ == "__main__":
    main()
