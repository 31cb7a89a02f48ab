import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startExplorerServer } from "../server/server.js";
import { describeUserError, isUserError, type UserError } from "../util/errors.js";
import { cliFlag } from "./field-flags.js";
import { main } from "./main.js";

describe("losscape serve", () => {
  it("a busy port is a clear error with exit code 2", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as AddressInfo).port;
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const code = await main(["node", "losscape", "serve", "--port", String(port)]);
      const printed = err.mock.calls.map((c) => String(c[0])).join("");
      // Without a built web app the command says how to build it; with one, that the port is busy.
      expect(code).toBe(2);
      expect(printed).toMatch(/already in use|npm run build:web/);
      // With a built app present the reason is the port.
      const dir = mkdtempSync(join(tmpdir(), "losscape-serve-"));
      writeFileSync(join(dir, "index.html"), "<!doctype html>");
      const failure = await startExplorerServer({ staticDir: dir, port, host: "127.0.0.1" }).then(() => null, (e: unknown) => e);
      rmSync(dir, { recursive: true, force: true });
      expect(isUserError(failure)).toBe(true);
      expect((failure as Error).message).toBe(`port ${port} on 127.0.0.1 is already in use: stop the other server or pick another one (port)`);
      expect(describeUserError(failure as UserError, cliFlag)).toMatch(/pick another one \(--port\)$/);
    } finally {
      err.mockRestore();
      blocker.close();
    }
  });

  it("a bad port number exits 2 naming --port", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["node", "losscape", "serve", "--port", "http"])).toBe(2);
      expect(err.mock.calls.map((c) => String(c[0])).join("")).toContain("--port");
    } finally {
      err.mockRestore();
    }
  });
});
