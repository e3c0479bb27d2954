"""Builds a 20-residue peptide with side chains from ideal internal coordinates (NeRF) and writes
a multi-model PDB: the test fixture for lss's geometry and featurizer tests.

Usage: python3 make_peptide.py OUT.pdb [FRAMES] [SEED]
The committed fixture is `python3 make_peptide.py peptide.pdb 12 2013`.

Frame 0 is an ideal alpha helix (phi -57, psi -47 degrees), so that the fraction of native
contacts has contacts to count; later frames add growing random noise to every backbone and
side-chain torsion, and the last frames are random coils. Omega stays near 180 degrees.
Heavy atoms of every residue type used (ALA VAL SER THR CYS LEU GLY ILE) are built, including
each chi1 atom (CG, CG1, OG, OG1, SG), plus the amide H and HA hydrogens so that heavy-atom
schemes have hydrogens to leave out. Only numpy and mdtraj (to write the PDB) are needed.
"""
import sys

import mdtraj
import numpy as np

SEQUENCE = ["ALA", "VAL", "SER", "THR", "CYS", "LEU", "GLY", "ILE", "ALA", "SER",
            "VAL", "THR", "LEU", "CYS", "GLY", "ILE", "SER", "ALA", "THR", "VAL"]

# Side chains: (name, element, bonded-to, angle-from, torsion-from, bond nm, angle deg, torsion key)
# The torsion key names which random torsion to use: "chi1", "chi1+120", "chi1-120", "chi2".
SIDE_CHAINS = {
    "ALA": [],
    "GLY": [],
    "SER": [("OG", "O", "CB", "CA", "N", 0.1417, 110.8, "chi1")],
    "CYS": [("SG", "S", "CB", "CA", "N", 0.1808, 113.8, "chi1")],
    "THR": [("OG1", "O", "CB", "CA", "N", 0.1433, 109.2, "chi1"),
            ("CG2", "C", "CB", "CA", "N", 0.1521, 111.1, "chi1-120")],
    "VAL": [("CG1", "C", "CB", "CA", "N", 0.1527, 110.7, "chi1"),
            ("CG2", "C", "CB", "CA", "N", 0.1527, 110.4, "chi1+120")],
    "LEU": [("CG", "C", "CB", "CA", "N", 0.1530, 116.1, "chi1"),
            ("CD1", "C", "CG", "CB", "CA", 0.1524, 110.7, "chi2"),
            ("CD2", "C", "CG", "CB", "CA", 0.1525, 110.7, "chi2+120")],
    "ILE": [("CG1", "C", "CB", "CA", "N", 0.1530, 110.4, "chi1"),
            ("CG2", "C", "CB", "CA", "N", 0.1527, 110.5, "chi1-120"),
            ("CD1", "C", "CG1", "CB", "CA", 0.1520, 113.8, "chi2")],
}


def place(a, b, c, bond, angle, torsion):
    """NeRF (Parsons et al., J. Comput. Chem. 26, 1063 (2005)): the atom d bonded to c with
    |cd| = bond, angle bcd = angle and dihedral abcd = torsion (degrees)."""
    angle, torsion = np.radians(angle), np.radians(torsion)
    bc = (c - b) / np.linalg.norm(c - b)
    n = np.cross(b - a, bc)
    n /= np.linalg.norm(n)
    m = np.cross(n, bc)
    d = np.array([-bond * np.cos(angle), bond * np.sin(angle) * np.cos(torsion), bond * np.sin(angle) * np.sin(torsion)])
    return c + d[0] * bc + d[1] * m + d[2] * n


def build(phi, psi, omega, chi1, chi2):
    """Positions (nm) of every atom, in topology order, for one set of torsions (degrees)."""
    atoms = []
    n = np.array([0.0, 0.0, 0.0])
    ca = np.array([0.1458, 0.0, 0.0])
    c = place(np.array([0.0, 1.0, 0.0]), n, ca, 0.1525, 111.2, -60.0)
    for i, name in enumerate(SEQUENCE):
        if i > 0:
            n_new = place(prev_n, prev_ca, prev_c, 0.1329, 116.2, psi[i - 1])
            ca_new = place(prev_ca, prev_c, n_new, 0.1458, 121.7, omega[i - 1])
            c_new = place(prev_c, n_new, ca_new, 0.1525, 111.2, phi[i])
            n, ca, c = n_new, ca_new, c_new
        residue = {"N": n, "CA": ca, "C": c}
        # O lies in the peptide plane, opposite to the next N (psi + 180).
        residue["O"] = place(n, ca, c, 0.1231, 120.5, psi[i] + 180.0)
        if i > 0:
            residue["H"] = place(ca, prev_c, n, 0.1010, 119.0, 180.0)
        if name != "GLY":
            residue["CB"] = place(c, n, ca, 0.1530, 110.5, -122.5)
            residue["HA"] = place(c, n, ca, 0.1090, 109.5, 117.0)
        else:
            residue["HA2"] = place(c, n, ca, 0.1090, 109.5, 117.0)
        torsions = {"chi1": chi1[i], "chi1+120": chi1[i] + 120, "chi1-120": chi1[i] - 120,
                    "chi2": chi2[i], "chi2+120": chi2[i] + 120}
        for atom, _, bonded, angle_from, torsion_from, bond, angle, key in SIDE_CHAINS[name]:
            residue[atom] = place(residue[torsion_from], residue[angle_from], residue[bonded], bond, angle, torsions[key])
        for atom, _ in atom_names(i, name):
            atoms.append(residue[atom])
        prev_n, prev_ca, prev_c = n, ca, c
    return np.array(atoms)


def atom_names(i, name):
    names = [("N", "N"), ("CA", "C"), ("C", "C"), ("O", "O")]
    if i > 0:
        names.append(("H", "H"))
    names += [("HA", "H"), ("CB", "C")] if name != "GLY" else [("HA2", "H")]
    names += [(atom, element) for atom, element, *_ in SIDE_CHAINS[name]]
    return names


def topology():
    top = mdtraj.Topology()
    chain = top.add_chain()
    for i, name in enumerate(SEQUENCE):
        residue = top.add_residue(name, chain, resSeq=i + 1)
        for atom, element in atom_names(i, name):
            top.add_atom(atom, mdtraj.element.get_by_symbol(element), residue)
    return top


def main():
    out = sys.argv[1]
    frames = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 2013)
    count = len(SEQUENCE)
    xyz = []
    for frame in range(frames):
        noise = 0.0 if frame == 0 else min(180.0, 15.0 * frame)
        phi = -57.0 + rng.uniform(-noise, noise, count)
        psi = -47.0 + rng.uniform(-noise, noise, count)
        omega = 180.0 + rng.uniform(-8.0, 8.0, count)
        chi1 = rng.uniform(-180.0, 180.0, count)
        chi2 = rng.uniform(-180.0, 180.0, count)
        xyz.append(build(phi, psi, omega, chi1, chi2))
    trajectory = mdtraj.Trajectory(np.array(xyz), topology())
    trajectory.save_pdb(out)


if __name__ == "__main__":
    main()
