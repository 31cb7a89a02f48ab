/** `losscape serve`: the browser explorer on a local port (loopback by default). */
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UserError } from "../util/errors.js";
import type { RegisterCommand } from "./commands.js";

/** web/dist of this package: two levels up from src/cli or dist/cli. */
export const WEB_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));

const HELP = `
Serves the losscape explorer: curvature of f(x), convexity of a network's loss with certificates,
loss landscapes with live training, and Hessian spectra. The heavy work runs in this process; the
page only draws. Stop it with Ctrl-C.

Examples:
  $ npm start                                  build the page, then serve on http://127.0.0.1:4173/
  $ losscape serve --port 8080
  $ losscape serve --host 0.0.0.0              reachable from other machines: only on a trusted network

Exit codes: 0 stopped, 2 port busy or bad options.
`;

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
    .addHelpText("after", HELP)
    .action(async (o: { port: string; host: string }) => {
      const port = parsePort(o.port);
      const { startExplorerServer } = await import("../server/server.js");
      const running = await startExplorerServer({ staticDir: WEB_DIST, port, host: o.host.trim() });
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
