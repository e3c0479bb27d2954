"""Writes charmm.psf, the PSF fixture of PSFTests: CHARMM's standard (non-EXT) columns with
numeric atom types, residue ids with insertion codes (37, 37A, 38), CHARMM ion names (SOD, CLA),
hydrogen-mass-repartitioned masses, a TIP4P-style massless site, and a blank segment id.
Run: python3 make_charmm.py > charmm.psf"""

atoms = [  # segid, resid, resname, name, type, charge, mass
    ("PROA", "37", "ALA", "N", 54, -0.47, 14.007),
    ("PROA", "37", "ALA", "HN", 1, 0.31, 3.024),
    ("PROA", "37", "ALA", "CA", 22, 0.07, 9.987),
    ("PROA", "37A", "GLY", "N", 54, -0.47, 14.007),
    ("PROA", "37A", "GLY", "CA", 23, -0.02, 12.011),
    ("PROA", "38", "SER", "OG", 73, -0.66, 15.999),
    ("SOD", "1", "SOD", "SOD", 90, 1.0, 22.98977),
    ("CLA", "1", "CLA", "CLA", 91, -1.0, 35.45),
    ("WAT", "1", "TIP4", "OH2", 75, 0.0, 15.9994),
    ("WAT", "1", "TIP4", "H1", 4, 0.52, 1.008),
    ("WAT", "1", "TIP4", "H2", 4, 0.52, 1.008),
    ("WAT", "1", "TIP4", "OM", 76, -1.04, 0.0),
    ("", "5", "LIG", "BR1", 97, -0.1, 79.904),
]
bonds = [(1, 2), (1, 3), (4, 5), (9, 10), (9, 11)]

print("PSF CMAP")
print()
print("%8d !NTITLE" % 2)
print("* lss test fixture: CHARMM columns, numeric types, insertion codes, ions,")
print("* repartitioned hydrogen masses, a massless site and a blank segment id")
print()
print("%8d !NATOM" % len(atoms))
for index, (segid, resid, resname, name, kind, charge, mass) in enumerate(atoms):
    print("%8d %-4s %-4s %-4s %-4s %4d %14.6f%14.4f%8d" % (index + 1, segid, resid, resname, name, kind, charge, mass, 0))
print()
print("%8d !NBOND: bonds" % len(bonds))
flat = [number for bond in bonds for number in bond]
for start in range(0, len(flat), 8):
    print("".join("%8d" % number for number in flat[start:start + 8]))
print()
print("%8d !NTHETA: angles" % 1)
print("%8d%8d%8d" % (2, 1, 3))
