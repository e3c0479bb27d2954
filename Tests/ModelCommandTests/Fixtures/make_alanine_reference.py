"""Long-MD reference values for the data-poor alanine-dipeptide test (AlanineModelTests).

Reads the two 100 ns vacuum runs of bench/lss/alanine-acceptance.sh (OpenMM, amber14, 300 K,
Langevin 1/ps, 2 fs, frames every 1 ps, seeds 1 and 2) and writes alanine-vacuum-200ns.json:
populations of three Ramachandran regions of ALA2 and the decorrelation times of its phi and psi,
each with a standard error from ten blocks (five per run).

  python3 make_alanine_reference.py PDB TRAIN.dcd HELDOUT.dcd alanine-vacuum-200ns.json

(written to a file: MDTraj's DCD plugin prints chatter on standard output)

Independent of lss: angles by MDTraj, everything else in numpy. The region boundaries and the
decorrelation definition are the ones documented in Sources/LatentSimulator/Validation.
"""
import json
import sys

import mdtraj as md
import numpy as np

pdb, runs, out = sys.argv[1], sys.argv[2:-1], sys.argv[-1]
BLOCKS_PER_RUN = 5
MAX_LAG = 200  # frames (ps); both times are ~3 ps


def regions(phi, psi):
    """Boolean masks, degrees in [-180, 180): beta (C7eq/C5), alphaR, and phi > 0."""
    alpha = (phi < 0) & (psi > -125) & (psi <= 25)
    return {"beta": (phi < 0) & ~alpha, "alphaR": alpha, "positivePhi": phi > 0}


def decorrelation(theta, spacing):
    """First lag where (<cos(theta_t - theta_t+lag)> - |<e^i theta>|^2) / (1 - |<e^i theta>|^2) < 1/e,
    linearly interpolated between lags; theta in radians."""
    z = np.exp(1j * theta)
    mean_square = abs(z.mean()) ** 2
    previous = 1.0
    for lag in range(1, MAX_LAG):
        c = (np.real(z[:-lag] * np.conj(z[lag:])).mean() - mean_square) / (1 - mean_square)
        if c < 1 / np.e:
            return (lag - 1 + (previous - 1 / np.e) / (previous - c)) * spacing
        previous = c
    return float("nan")


blocks = {"beta": [], "alphaR": [], "positivePhi": [], "phi": [], "psi": []}
frames = 0
for path in runs:
    t = md.load(path, top=pdb)
    spacing = 1.0  # ps between saved frames (make_alanine_md.py --interval 1.0)
    phi = np.degrees(md.compute_phi(t)[1][:, 0])
    psi = np.degrees(md.compute_psi(t)[1][:, 0])
    frames += t.n_frames
    for b in np.array_split(np.arange(t.n_frames), BLOCKS_PER_RUN):
        for name, mask in regions(phi[b], psi[b]).items():
            blocks[name].append(float(mask.mean()))
        blocks["phi"].append(decorrelation(np.radians(phi[b]), spacing))
        blocks["psi"].append(decorrelation(np.radians(psi[b]), spacing))


def estimate(values):
    v = np.asarray(values)
    return {"value": float(v.mean()), "error": float(v.std(ddof=1) / np.sqrt(len(v)))}


document = json.dumps({
    "source": "2 x 100 ns OpenMM vacuum runs (seeds 1, 2), frames every 1 ps, %d frames" % frames,
    "regions": {"beta": "phi < 0 outside alphaR", "alphaR": "phi < 0 and -125 < psi <= 25 degrees",
                "positivePhi": "phi > 0"},
    "populations": {k: estimate(blocks[k]) for k in ("beta", "alphaR", "positivePhi")},
    "decorrelationTimes": {k: estimate(blocks[k]) for k in ("phi", "psi")},
}, indent=2)
with open(out, "w") as f:
    f.write(document + "\n")
