"""Writes features.pdb, the PDB fixture of PDBTests/ElementTests: insertion codes (37, 37A, 38),
alternate locations, old-style hydrogen names, blank and filled element columns, HETATM ions
(calcium named CA, sodium, chloride, potassium), a ligand with two-letter element names in
column 13 and CONECT records, TER between chains, and two MODEL blocks after a CRYST1 record.
Run: python3 make_features.py > features.pdb"""

def atom(record, serial, name, alt, resname, chain, resseq, icode, xyz, element=""):
    # Columns as in the wwPDB guide: name in 13-16 exactly as given (alignment is the caller's).
    assert len(name) == 4
    return "%-6s%5d %4s%1s%3s %1s%4d%1s   %8.3f%8.3f%8.3f%6.2f%6.2f          %2s" % (
        record, serial, name, alt, resname, chain, resseq, icode, xyz[0], xyz[1], xyz[2], 1.0, 0.0, element)

ATOMS = [  # record, name, altloc, resname, chain, resseq, icode, element
    ("ATOM", " N  ", " ", "ALA", "A", 36, " ", " N"),
    ("ATOM", " CA ", " ", "ALA", "A", 36, " ", " C"),
    ("ATOM", " C  ", " ", "ALA", "A", 36, " ", " C"),
    ("ATOM", " O  ", " ", "ALA", "A", 36, " ", " O"),
    ("ATOM", " N  ", " ", "GLY", "A", 37, " ", ""),
    ("ATOM", " CA ", " ", "GLY", "A", 37, " ", ""),
    ("ATOM", " N  ", " ", "SER", "A", 37, "A", ""),
    ("ATOM", " CA ", "A", "SER", "A", 37, "A", ""),
    ("ATOM", " CA ", "B", "SER", "A", 37, "A", ""),
    ("ATOM", " CB ", "A", "SER", "A", 37, "A", ""),
    ("ATOM", " CB ", "B", "SER", "A", 37, "A", ""),
    ("ATOM", " OG ", "A", "SER", "A", 37, "A", ""),
    ("ATOM", " N  ", " ", "LEU", "A", 38, " ", ""),
    ("ATOM", " CA ", " ", "LEU", "A", 38, " ", ""),
    ("ATOM", "HD11", " ", "LEU", "A", 38, " ", ""),
    ("ATOM", "1HD2", " ", "LEU", "A", 38, " ", ""),
    ("TER",),
    ("HETATM", "CA  ", " ", " CA", "B", 101, " ", ""),
    ("HETATM", "NA  ", " ", " NA", "B", 102, " ", ""),
    ("HETATM", "CL  ", " ", " CL", "B", 103, " ", ""),
    ("HETATM", " K  ", " ", "  K", "B", 104, " ", ""),
    ("HETATM", " C1 ", " ", "LIG", "C", 201, " ", ""),
    ("HETATM", "CL1 ", " ", "LIG", "C", 201, " ", ""),
    ("HETATM", "BR1 ", " ", "LIG", "C", 201, " ", ""),
    ("HETATM", " O1 ", " ", "LIG", "C", 201, " ", ""),
    ("HETATM", "FE  ", " ", "LIG", "C", 201, " ", "FE"),
    ("HETATM", " H11", " ", "LIG", "C", 201, " ", ""),
]

def model(shift):
    lines, serial = [], 0
    for row in ATOMS:
        serial += 1
        if row[0] == "TER":
            lines.append("TER   %5d      LEU A  38" % serial)
            continue
        record, name, alt, resname, chain, resseq, icode, element = row
        xyz = (1.0 + serial * 1.25 + shift, -2.5 + serial * 0.5 - shift, 3.125 * (serial % 4) + 2 * shift)
        lines.append(atom(record, serial, name, alt, resname, chain, resseq, icode, xyz, element))
    return lines

print("REMARK   1 lss fixture: insertion codes, altlocs, ions, CONECT, two models")
print("CRYST1   30.000   31.000   32.000  90.00  90.00  90.00 P 1           1")
for number, shift in ((1, 0.0), (2, 0.75)):
    print("MODEL     %4d" % number)
    for line in model(shift):
        print(line)
    print("ENDMDL")
# Ligand bonds: C1-CL1, C1-BR1, C1-O1, C1-H11, O1-FE (serials 22-27; TER took serial 17).
print("CONECT   22   23   24   25   27")
print("CONECT   25   26")
print("END")
