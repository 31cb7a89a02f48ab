#!/usr/bin/env node
// The CLI runs the compiled sources; `npm install` builds them through the `prepare` script.
import { main } from "../dist/cli/main.js";
main(process.argv).then((code) => { process.exitCode = code; });
