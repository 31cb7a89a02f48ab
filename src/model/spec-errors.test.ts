import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cliFlag } from "../cli/field-flags.js";
import { errorStatus } from "../server/http-util.js";
import { describeUserError, field, UserError } from "../util/errors.js";
import { didYouMean, nearestName } from "../util/nearest.js";
import { resolveData } from "./data.js";
import { datasetFromArrays } from "./datasets/from-files.js";
import { prepareTargets } from "./losses.js";
import { parseProblemSpec } from "./spec.js";

const mlp = { type: "mlp", layers: [1, 2, 1] };
const specError = (raw: unknown): string => {
  try {
    parseProblemSpec(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error("the spec parsed");
};

describe("nearest names", () => {
  it("ignores case, '-' and '_', then allows about one edit in three letters", () => {
    const acts = ["linear", "relu", "leaky_relu", "sigmoid", "tanh"];
    expect(nearestName("ReLU", acts)).toBe("relu");
    expect(nearestName("leaky-relu", acts)).toBe("leaky_relu");
    expect(nearestName("sigmiod", acts)).toBe("sigmoid");
    expect(nearestName("sig", acts)).toBe("sigmoid");
    expect(nearestName("softmax", acts)).toBeUndefined();
    expect(nearestName("z", ["x", "y"])).toBeUndefined();
    expect(didYouMean("relu", acts)).toBe("");
  });
});

describe("spec errors name the field, show what was there, the valid values and the nearest", () => {
  it("an activation in the wrong case", () => {
    const m = specError({ model: { ...mlp, activation: "ReLU" }, loss: "mse", data: "seed" });
    expect(m).toMatch(/model\.activation: "ReLU" is not one of linear, relu, leaky_relu, .*silu; did you mean "relu"\?/);
    expect(m).not.toMatch(/Invalid input/);
  });

  it("one wrong entry of an activation list, a loss with a dash, an unknown field", () => {
    const m = specError({ model: { ...mlp, activation: ["Tanh"], activations: 1 }, loss: "cross-entropy", data: "seed" });
    expect(m).toMatch(/model\.activation\[0\]: "Tanh" is not one of .*; did you mean "tanh"\?/);
    expect(m).toMatch(/loss: "cross-entropy" is not one of sse_half, mse, mae, cross_entropy, bce, hinge; did you mean "cross_entropy"\?/);
    expect(m).toMatch(/model\.activations: unknown field; did you mean "activation"\? \(the fields here are type, layers, activation,/);
  });

  it("a model type", () => {
    expect(specError({ model: { ...mlp, type: "MLP" }, loss: "mse", data: "seed" })).toMatch(/model\.type: "MLP" is not a known value; it must be one of mlp, onnx; did you mean "mlp"\?/);
    expect(specError({ model: { layers: [1, 1] }, loss: "mse", data: "seed" })).toMatch(/model\.type: missing; it must be one of mlp, onnx/);
    expect(specError({ model: { type: "onnx", path: "m.onnx", layers: [1] }, loss: "mse", data: "seed" })).toMatch(/model\.layers: unknown field \(the fields here are type, path\)/);
  });

  it("data: missing, flat x, file x with inline y, ragged rows, unequal counts, a misspelt option", () => {
    expect(specError({ model: mlp, loss: "mse" })).toMatch(/data: missing; give a built-in data set name \("moons"\).*\{"x": \[\[1\], \[-1\]\], "y": \[1, -1\]\}.*\{"x": "x\.npy", "y": "y\.npy"\}/);
    expect(specError({ model: mlp, loss: "mse", data: { x: [1, -1], y: [1, -1] } })).toMatch(
      /data\.x must be rows, one per sample, e\.g\. \[\[1\], \[-1\]\]; got an array of shape \[2\] \(\[1,-1\]\); for 2 samples of one feature write \[\[1\], \[-1\]\]/
    );
    expect(specError({ model: mlp, loss: "mse", data: { x: "x.npy", y: [1, -1] } })).toMatch(/data: x is a file \("x\.npy"\) but y is inline \(an array of shape \[2\].*give both as files/);
    // zod lets these through; the data checks that follow say what they found
    const data = (d: unknown) => () => resolveData(parseProblemSpec({ model: mlp, loss: "mse", data: d }));
    expect(data({ x: [[1], [2, 3]], y: [1, 2] })).toThrow(/data\.x\[1\] has 2 values, data\.x\[0\] has 1/);
    expect(data({ x: [[1], [2]], y: [1] })).toThrow(/sample counts differ: x data\.x has shape \(2, 1\) but y data\.y has shape \(1, 1\)/);
    expect(specError({ model: mlp, loss: "mse", data: { x: [[1]] } })).toMatch(/data\.y: missing; data needs both x and y/);
    expect(specError({ model: mlp, loss: "mse", data: { name: "moons", nosie: 0.1 } })).toMatch(/data\.nosie: a built-in data set takes name, n, noise, seed, classes, not "nosie"; did you mean "noise"\?/);
    expect(specError({ model: mlp, loss: "mse", data: { X: [[1]], Y: [1] } })).toMatch(/data: an object needs "x" and "y" .* or "name"/);
  });
});

describe("a cross-entropy output width that does not fit the labels", () => {
  const ds = (y: number[], cols = 1) =>
    datasetFromArrays({ shape: [y.length / cols, 1], data: new Float64Array(y.length / cols) }, { shape: [y.length / cols, cols], data: Float64Array.from(y) }, { xSource: "x", ySource: "y", task: cols === 1 ? "classification" : "regression", name: "t" });
  it("more classes than outputs, and target rows of the wrong width", () => {
    expect(() => prepareTargets({ loss: "cross_entropy", outputs: 2 }, ds([0, 1, 2, 1]))).toThrow(
      /class labels up to 2 \(3 classes; sample 2\), but the model has 2 outputs: .*at least 3 units/
    );
    expect(() => prepareTargets({ loss: "cross_entropy", outputs: 2 }, ds([1, 0, 0, 0, 1, 0], 3))).toThrow(
      /one class label per sample or one-hot rows of 2 values \(one per output\), but the data has 3 values per sample and the model 2 output/
    );
    expect(prepareTargets({ loss: "cross_entropy", outputs: 3 }, ds([0, 1])).shape).toEqual([2, 3]);
  });
});

describe("library errors name fields; the CLI shows flags, the server request fields", () => {
  const e = new UserError(`${field("optimizer.weightDecay")} must be >= 0; or lower ${field("optimizer.lr")}, see ${field("outDir")}`);
  it("renders plain field names in message, flags for the CLI, request fields for the server", () => {
    expect(e.message).toBe("optimizer.weightDecay must be >= 0; or lower optimizer.lr, see outDir");
    expect(describeUserError(e, cliFlag)).toBe("--weight-decay must be >= 0; or lower --lr, see --out");
    expect(errorStatus(e).message).toBe("optimizer.weightDecay must be >= 0; or lower lr (train.lr), see outDir");
    expect(cliFlag("trace.probes")).toBe("--probes");
    expect(cliFlag("maxExact")).toBe("--max-exact");
  });

  it("no UserError message outside src/cli names a CLI flag", () => {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) {
          if (name !== "cli" && name !== "scratch") walk(p);
          continue;
        }
        const rel = relative(root, p);
        if (!name.endsWith(".ts") || name.endsWith(".test.ts")) continue;
        const text = readFileSync(p, "utf8");
        // each `new UserError(` up to the `);` that closes the statement
        for (const m of text.matchAll(/new UserError\(([\s\S]*?)\);/g)) {
          if (/["'`][^"'`]*--[a-z]/.test(m[1]!)) offenders.push(`${rel}: ${m[1]!.slice(0, 100)}`);
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
