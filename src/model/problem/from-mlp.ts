/**
 * The loss problem of an MLP spec: the network is built from the spec, θ is laid out layer by layer
 * (weight out×in, then bias), and the MLP's structure is offered to fast paths.
 */
import { createHash } from "node:crypto";
import { checkDataFitsModel } from "../data.js";
import type { Dataset } from "../datasets/dataset.js";
import { mlpLayout } from "../layout.js";
import { mlpHead, prepareTargets } from "../losses.js";
import { layerParams, mlpForward } from "../mlp-forward.js";
import type { ModelSpec } from "../spec.js";
import type { LossProblem } from "./loss-problem.js";

export function datasetHash(ds: Dataset): string {
  const h = createHash("sha256");
  h.update(new Uint8Array(ds.x.buffer, ds.x.byteOffset, ds.x.byteLength));
  h.update(new Uint8Array(ds.y.buffer, ds.y.byteOffset, ds.y.byteLength));
  return h.digest("hex");
}

export function mlpProblem(spec: ModelSpec, data: Dataset, source = "spec"): LossProblem {
  checkDataFitsModel(spec, data);
  const head = mlpHead(spec);
  // Targets that do not fit the loss are found now, before any analysis writes a file.
  prepareTargets(head, data);
  const layout = mlpLayout(spec);
  return {
    source,
    description: { kind: "mlp", spec, data: { name: data.name, samples: data.n, sha256: datasetHash(data) } },
    head,
    layout,
    sampleShape: [spec.model.layers[0]!],
    data,
    theta0: null,
    forward: (g, theta, x) => mlpForward(g, spec, layerParams(g, layout, theta), x),
    withData: (d) => mlpProblem(spec, d, source),
    structure: { mlp: spec }
  };
}
