#!/usr/bin/env node
// The CLI runs the compiled sources; `npm install` builds them through the `prepare` script.
import { main } from "../dist/cli/main.js";

// `losscape ... | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e && e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}
main(process.argv).then((code) => { process.exitCode = code; });
