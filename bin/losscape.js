#!/usr/bin/env node
// The CLI runs the compiled sources; `npm install` builds them through the `prepare` script.

// `losscape ... | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e && e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // What commander would print, without loading commander and registering every command first.
  const { VERSION } = await import("../dist/version.js");
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import("../dist/cli/main.js");
  process.exitCode = await main(process.argv);
}
