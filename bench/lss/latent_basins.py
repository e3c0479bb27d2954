#!/usr/bin/env python3
"""Where alanine dipeptide's backbone regions sit in a model's latent space.

    lss encode MODEL train.dcd -o latent.npy
    python3 bench/lss/latent_basins.py train.dcd alanine-dipeptide.pdb latent.npy [latent2.npy ...]

For each latent file (frames x m, from `lss encode` of the same trajectory) prints, in latent
coordinates standardized over the frames: the mean and standard deviation of the C5, C7eq, αR
and bridge (φ between -140° and -110°, ψ > 60°) frames, the separation of C5 from C7eq in pooled
standard deviations, and how far the bridge sits from C5 in C5's standard deviations. A decoder
conditioned on the latent point must produce every structure that shares it: the closer the
bridge sits to C5, the more the C5 conditional mixes two φ values. Needs MDTraj and NumPy.
"""
import sys

import mdtraj
import numpy as np


def regions(trajectory, topology):
    t = mdtraj.load(trajectory, top=topology)
    phi = np.degrees(mdtraj.compute_phi(t)[1][:, 0])
    psi = np.degrees(mdtraj.compute_psi(t)[1][:, 0])
    return {
        "C5": (phi < -120) & ((psi > 120) | (psi < -150)),
        "C7eq": (phi < 0) & (psi > 30) & (psi <= 120) & (phi > -110),
        "alphaR": (phi < 0) & (psi > -120) & (psi <= 30),
        "bridge": (phi > -140) & (phi < -110) & (psi > 60),
    }


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    masks = regions(argv[1], argv[2])
    n = len(next(iter(masks.values())))
    print("fractions: " + ", ".join(f"{k} {m.mean():.3f}" for k, m in masks.items()))
    for path in argv[3:]:
        z = np.load(path)
        if z.shape[0] != n:
            sys.exit(f"{path}: {z.shape[0]} rows for {n} frames; encode the same trajectory")
        z = (z - z.mean(0)) / z.std(0)
        print(path)
        for name, mask in masks.items():
            print(f"  {name:7s} mean {np.round(z[mask].mean(0), 2)} sd {np.round(z[mask].std(0), 2)}")
        c5, c7, bridge = z[masks["C5"]], z[masks["C7eq"]], z[masks["bridge"]]
        pooled = np.sqrt((c5.var(0).sum() + c7.var(0).sum()) / 2)
        print(f"  C5-C7eq separation {np.linalg.norm(c5.mean(0) - c7.mean(0)) / pooled:.2f} pooled s.d.; "
              f"bridge-C5 distance {np.linalg.norm(bridge.mean(0) - c5.mean(0)) / np.sqrt(c5.var(0).sum()):.2f} C5 s.d.")


if __name__ == "__main__":
    main(sys.argv)
