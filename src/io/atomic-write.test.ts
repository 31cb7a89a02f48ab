import { describe, it, expect, vi, afterEach, afterAll } from "vitest";
import * as fs from "node:fs";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic, tempPathFor } from "./atomic-write.js";
import { UserError } from "../util/errors.js";

// Partial mock so single fs calls can be made to fail (disk full, rename refused) on demand.
vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>();
  return { ...actual, writeSync: vi.fn(actual.writeSync), renameSync: vi.fn(actual.renameSync) };
});

const made: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "losscape-atomic-"));
  made.push(dir);
  return dir;
}
afterAll(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

afterEach(() => {
  vi.mocked(fs.writeSync).mockClear();
  vi.mocked(fs.renameSync).mockClear();
});

describe("writeFileAtomic", () => {
  it("writes bytes and strings and leaves no temp file behind", () => {
    const dir = freshDir();
    writeFileAtomic(join(dir, "a.bin"), Uint8Array.of(1, 2, 3));
    writeFileAtomic(join(dir, "b.txt"), "héllo\n");
    expect(Array.from(readFileSync(join(dir, "a.bin")))).toEqual([1, 2, 3]);
    expect(readFileSync(join(dir, "b.txt"), "utf8")).toBe("héllo\n");
    expect(readdirSync(dir).sort()).toEqual(["a.bin", "b.txt"]);
  });

  it("replaces an existing file completely", () => {
    const dir = freshDir();
    const p = join(dir, "x.json");
    writeFileSync(p, "a much longer original content");
    writeFileAtomic(p, "{}");
    expect(readFileSync(p, "utf8")).toBe("{}");
    expect(readdirSync(dir)).toEqual(["x.json"]);
  });

  it("keeps the original file intact and removes the temp file when writing fails midway", () => {
    const dir = freshDir();
    const p = join(dir, "keep.npy");
    writeFileSync(p, "original");
    vi.mocked(fs.writeSync).mockImplementationOnce(() => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    });
    expect(() => writeFileAtomic(p, "replacement")).toThrow(UserError);
    expect(readFileSync(p, "utf8")).toBe("original");
    expect(readdirSync(dir)).toEqual(["keep.npy"]);
  });

  it("keeps the original and cleans up when the final rename fails", () => {
    const dir = freshDir();
    const p = join(dir, "keep.txt");
    writeFileSync(p, "original");
    vi.mocked(fs.renameSync).mockImplementationOnce(() => {
      throw Object.assign(new Error("EXDEV: cross-device link not permitted"), { code: "EXDEV" });
    });
    let message = "";
    try { writeFileAtomic(p, "replacement"); } catch (e) { message = (e as Error).message; }
    expect(message).toContain(p);
    expect(message).toContain("EXDEV");
    expect(readFileSync(p, "utf8")).toBe("original");
    expect(readdirSync(dir)).toEqual(["keep.txt"]);
  });

  it("reports a missing directory as a UserError naming the path", () => {
    const p = join(freshDir(), "no", "such", "dir", "f.txt");
    expect(() => writeFileAtomic(p, "x")).toThrow(new RegExp(`cannot write file ${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}.*ENOENT`));
  });

  it("refuses to replace a directory and leaves it alone", () => {
    const dir = freshDir();
    mkdirSync(join(dir, "sub"));
    expect(() => writeFileAtomic(join(dir, "sub"), "x")).toThrow(UserError);
    expect(readdirSync(dir)).toEqual(["sub"]);
  });

  it("uses a distinct sibling temp name per call", () => {
    const a = tempPathFor("/x/y.npy");
    const b = tempPathFor("/x/y.npy");
    expect(a).toMatch(new RegExp(`^/x/y\\.npy\\.tmp-${process.pid}-[0-9a-f]+$`));
    expect(a).not.toBe(b);
  });
});
