/** `losscape serve`: the browser explorer on a local port (loopback by default). */
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UserError } from "../util/errors.js";
import type { RegisterCommand } from "./commands.js";

/**
 * web/dist of this package: two levels up from src/cli or dist/cli, in a clone and in an installed
 * package alike (the build writes it and `files` in package.json ships it).
 */
export const WEB_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));

// The caps are written out here because importing the server's CAPS would load the server (and zod)
// on every CLI start; serve-help.test.ts checks them against CAPS.
const HELP = `
Serves the losscape explorer: curvature of f(x), convexity of a network's loss with certificates,
loss landscapes with live training, and Hessian spectra. The page only draws; the analyses run in
worker processes (--workers), so a long request never holds up the others. Stop it with Ctrl-C.

Limits (a request past one is stopped, and the page says which limit it hit):
  time caps      curvature 10 s; segment 20 s; convexity its search budget (at most 30 s)
                 + 30 s; landscape, Hessian and symmetry 60 s, or less when the request asks
  memory         2048 MB of heap per analysis worker
  queue          when every worker is busy, 32 requests wait; more are told to try again

Examples:
  $ npm start                                  build the page, then serve on http://127.0.0.1:4173/
  $ losscape serve --port 8080
  $ losscape serve --host 0.0.0.0              reachable from other machines: only on a trusted network
  $ losscape serve --workers 2                 at most two analyses at a time

Exit codes: 0 stopped, 2 port busy or bad options.
`;

function parseWorkers(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UserError(`--workers must be an integer from 1 to 64, got "${v}"`);
  return n;
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UserError(`--port must be an integer from 0 to 65535, got "${v}"`);
  return n;
}

export const register: RegisterCommand = (program: Command) => {
  program
    .command("serve")
    .summary("serve the browser explorer (curvature, convexity, landscapes, Hessians)")
    .description("Serve the losscape explorer in the browser.")
    .option("--port <n>", "port to listen on (0: any free port)", "4173")
    .option("--host <address>", "address to bind; the default accepts local connections only", "127.0.0.1")
    .option("--workers <n>", "analyses that run at the same time, each in its own process (default: one per core, at least 2, at most 8)")
    .addHelpText("after", HELP)
    .action(async (o: { port: string; host: string; workers?: string }) => {
      const port = parsePort(o.port);
      const workers = o.workers === undefined ? undefined : parseWorkers(o.workers);
      const { startExplorerServer } = await import("../server/server.js");
      const running = await startExplorerServer({ staticDir: WEB_DIST, port, host: o.host.trim(), ...(workers ? { workers } : {}) });
      process.stdout.write(`losscape explorer: ${running.url}\n(Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void running.close().then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });
};
