import { describe, it, expect } from "vitest";
import { listDatasets, loadDataset } from "./registry.js";
import { makeMoons } from "./moons.js";
import { makeBlobs } from "./blobs.js";
import { UserError } from "../../util/errors.js";

describe("registry", () => {
  it("lists every built-in dataset with a description and task", () => {
    const list = listDatasets();
    expect(list.map((d) => d.name)).toEqual(["seed", "xor", "circles", "moons", "spirals", "blobs", "regression1d", "regression2d", "iris", "mnist"]);
    for (const d of list) expect(d.description.length).toBeGreaterThan(10);
    expect(list.find((d) => d.name === "seed")!.task).toBe("regression");
  });

  it("loads the same data the builder makes", () => {
    expect(loadDataset("moons", { n: 30, seed: 4, noise: 0.2 })).toEqual(makeMoons({ n: 30, seed: 4, noise: 0.2 }));
    expect(loadDataset("blobs", { classes: 4, dim: 3, seed: 1 })).toEqual(makeBlobs({ classes: 4, dim: 3, seed: 1 }));
    expect(loadDataset("iris").n).toBe(150);
    expect(loadDataset("seed", { seed: 5 }).n).toBe(2);
  });

  it("names the valid datasets when the name is unknown", () => {
    let message = "";
    try { loadDataset("mnsit"); } catch (e) { expect(e).toBeInstanceOf(UserError); message = (e as Error).message; }
    expect(message).toMatch(/unknown dataset 'mnsit'/);
    for (const d of listDatasets()) expect(message).toContain(d.name);
  });

  it("rejects options a dataset does not take instead of ignoring them", () => {
    expect(() => loadDataset("iris", { noise: 0.1 })).toThrow(/dataset iris does not take option 'noise' \(it takes: seed\)/);
    expect(() => loadDataset("moons", { classes: 3 })).toThrow(/does not take option 'classes'/);
    expect(() => loadDataset("seed", { n: 10 })).toThrow(UserError);
    expect(loadDataset("moons", { classes: undefined }).n).toBe(200);
  });
});
