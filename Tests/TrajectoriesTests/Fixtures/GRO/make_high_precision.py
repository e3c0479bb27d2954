"""Writes high-precision.gro, the GRO fixture of GROTests: two frames of a three-atom water with
%10.5f positions and %10.6f velocities (GROMACS infers the precision from the spacing of the
decimal points), titles with t= and step=, and a rectangular box line.
Run: python3 make_high_precision.py > high-precision.gro"""

frames = [
    (0.0, 0, [(1.23456, -0.00001, 12.34567), (1.31234, 0.07654, 12.29876), (1.18765, 0.06543, 12.40001)],
     [(0.123456, -1.000001, 0.000001), (2.345678, -0.987654, 1.111111), (-3.141593, 0.577216, -2.718282)],
     (3.00001, 3.10002, 3.20003)),
    (0.25, 125, [(1.23457, -0.00002, 12.34568), (1.31235, 0.07655, 12.29877), (1.18766, 0.06544, 12.40002)],
     [(0.123457, -1.000002, 0.000002), (2.345679, -0.987655, 1.111112), (-3.141594, 0.577217, -2.718283)],
     (3.00004, 3.10005, 3.20006)),
]
names = [("SOL", "OW"), ("SOL", "HW1"), ("SOL", "HW2")]
for time, step, positions, velocities, box in frames:
    print("high-precision water t= %9.5f step= %d" % (time, step))
    print("%5d" % len(positions))
    for index, ((residue, name), x, v) in enumerate(zip(names, positions, velocities)):
        print("%5d%-5s%5s%5d%10.5f%10.5f%10.5f%10.6f%10.6f%10.6f" % ((1, residue, name, index + 1) + x + v))
    print("%10.5f%10.5f%10.5f" % box)
