/**
 * From what the user asked for to the direction vectors of a 1-D line or 2-D plane through θ.
 */
import type { ParamLayout } from "../../model/layout.js";
import { field, UserError } from "../../util/errors.js";
import { normalizeDirection, type Normalization } from "./normalize.js";
import { orthogonalize } from "./orthogonal.js";
import { pcaDirections } from "./pca.js";
import { gaussianDirections } from "./random.js";
import { dot, norm, sub } from "./vector.js";

export type DirectionRequest =
  | { kind: "random"; dims: 1 | 2; seed: number; normalization: Normalization; ignoreBias: boolean; orthogonal: boolean }
  /** θ2 - θ: the straight line from θ (x = 0) to θ2 (x = 1). */
  | { kind: "line"; to: Float64Array }
  | { kind: "pca"; trajectory: { rows: number; cols: number; data: Float64Array } }
  /** Used exactly as given. */
  | { kind: "files"; d1: Float64Array; d2?: Float64Array };

export interface Directions {
  dirs: [Float64Array] | [Float64Array, Float64Array];
  /** JSON-friendly description for the manifest. */
  info: Record<string, unknown>;
  pca?: { explainedVarianceRatio: [number, number]; projection: Float64Array; rows: number };
}

export function makeDirections(theta: Float64Array, layout: ParamLayout, req: DirectionRequest): Directions {
  const P = layout.size;
  const summary = (ds: Float64Array[]): Record<string, unknown> => {
    const out: Record<string, unknown> = { norms: ds.map((d) => norm(d)), thetaNorm: norm(theta) };
    if (ds.length === 2) out["cosine"] = dot(ds[0]!, ds[1]!) / (norm(ds[0]!) * norm(ds[1]!) || 1);
    return out;
  };
  switch (req.kind) {
    case "random": {
      const raw = gaussianDirections(P, req.dims, req.seed);
      const ds = raw.map((d) => normalizeDirection(d, theta, layout, req));
      if (req.dims === 2 && req.orthogonal) ds[1] = orthogonalize(ds[0]!, ds[1]!);
      const dirs = (req.dims === 2 ? [ds[0]!, ds[1]!] : [ds[0]!]) as Directions["dirs"];
      return {
        dirs,
        info: {
          kind: "random", distribution: "standard normal", seed: req.seed, normalization: req.normalization,
          biases: req.ignoreBias ? "ignored (zero)" : "included", orthogonal: req.dims === 2 ? req.orthogonal : false, ...summary(ds)
        }
      };
    }
    case "line": {
      const d = sub(req.to, theta);
      if (!(norm(d) > 0)) throw new UserError(`${field("directions.to")} names the same parameters as ${field("theta")}: the line has zero length`);
      return { dirs: [d], info: { kind: "line", description: "d = θ2 - θ (x = 0 is θ, x = 1 is θ2)", ...summary([d]) } };
    }
    case "pca": {
      const r = pcaDirections(req.trajectory, theta);
      return {
        dirs: [r.d1, r.d2],
        info: { kind: "pca", checkpoints: req.trajectory.rows, explainedVarianceRatio: r.explainedVarianceRatio, centred: true, ...summary([r.d1, r.d2]) },
        pca: { explainedVarianceRatio: r.explainedVarianceRatio, projection: r.projection, rows: req.trajectory.rows }
      };
    }
    case "files": {
      const dirs = (req.d2 ? [req.d1, req.d2] : [req.d1]) as Directions["dirs"];
      return { dirs, info: { kind: "files", description: "used as given", ...summary(dirs) } };
    }
  }
}
