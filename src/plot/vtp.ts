/**
 * VTK PolyData (.vtp, XML, ASCII) of a loss surface for ParaView: the grid points lifted to
 * z = the chosen field, one quad per grid cell, and every metric as point data. Cells with a
 * non-finite corner are left out and non-finite values are written as 0, since VTK readers do not
 * agree on how to parse NaN.
 */
export interface VtpSurface {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Row-major [ny, nx]: fields[name][j * nx + i] at (x_i, y_j). */
  fields: Readonly<Record<string, ArrayLike<number>>>;
  /** The field used as height. */
  heightField: string;
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : "0";
}

export function surfaceToVtp(s: VtpSurface): string {
  const nx = s.x.length, ny = s.y.length;
  const z = s.fields[s.heightField];
  if (!z) throw new Error(`surfaceToVtp: no field "${s.heightField}"`);
  for (const [name, f] of Object.entries(s.fields)) {
    if (f.length !== nx * ny) throw new Error(`surfaceToVtp: field ${name} has ${f.length} values, the grid ${nx}×${ny}`);
  }
  const points: string[] = [];
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) points.push(`${num(s.x[i]!)} ${num(s.y[j]!)} ${num(z[j * nx + i]!)}`);
  const conn: string[] = [];
  const offsets: string[] = [];
  let off = 0;
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const a = j * nx + i, b = a + 1, c = a + nx + 1, d = a + nx;
      if (![a, b, c, d].every((k) => Number.isFinite(z[k]!))) continue;
      conn.push(`${a} ${b} ${c} ${d}`);
      off += 4;
      offsets.push(String(off));
    }
  }
  const arrays = Object.entries(s.fields)
    .map(([name, f]) => `        <DataArray type="Float64" Name="${name.replace(/[^A-Za-z0-9_-]/g, "_")}" format="ascii">\n          ${Array.from(f, num).join(" ")}\n        </DataArray>`)
    .join("\n");
  return [
    `<?xml version="1.0"?>`,
    `<VTKFile type="PolyData" version="0.1" byte_order="LittleEndian">`,
    `  <PolyData>`,
    `    <Piece NumberOfPoints="${nx * ny}" NumberOfVerts="0" NumberOfLines="0" NumberOfStrips="0" NumberOfPolys="${offsets.length}">`,
    `      <PointData Scalars="${s.heightField}">`,
    arrays,
    `      </PointData>`,
    `      <Points>`,
    `        <DataArray type="Float64" NumberOfComponents="3" format="ascii">`,
    `          ${points.join(" ")}`,
    `        </DataArray>`,
    `      </Points>`,
    `      <Polys>`,
    `        <DataArray type="Int64" Name="connectivity" format="ascii">`,
    `          ${conn.join(" ")}`,
    `        </DataArray>`,
    `        <DataArray type="Int64" Name="offsets" format="ascii">`,
    `          ${offsets.join(" ")}`,
    `        </DataArray>`,
    `      </Polys>`,
    `    </Piece>`,
    `  </PolyData>`,
    `</VTKFile>`,
    ``
  ].join("\n");
}
