import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { float64Array, writeNpy } from "../io/npy.js";
import { UserError } from "../util/errors.js";
import { loadParamsFile } from "./params-file.js";

describe("loadParamsFile (--params)", () => {
  it("reads a JSON array and a .npy vector to the same θ, and names the option on a size mismatch", () => {
    const dir = mkdtempSync(join(tmpdir(), "losscape-params-"));
    try {
      const theta = [1, -1, 0, 0, 1, -1, 0.125];
      writeFileSync(join(dir, "t.json"), JSON.stringify(theta));
      writeFileSync(join(dir, "t.npy"), writeNpy(float64Array([7], theta)));
      expect(Array.from(loadParamsFile(join(dir, "t.json"), 7))).toEqual(theta);
      expect(Array.from(loadParamsFile("t.npy", 7, "--params", dir))).toEqual(theta);
      expect(() => loadParamsFile(join(dir, "t.json"), 5)).toThrow(UserError);
      expect(() => loadParamsFile(join(dir, "t.json"), 5)).toThrow(/params.*7 values.*5 parameters/);
      writeFileSync(join(dir, "bad.json"), '[1, "a"]');
      expect(() => loadParamsFile(join(dir, "bad.json"), 2)).toThrow(/array of finite numbers/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
