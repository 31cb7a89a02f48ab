import { createRequire } from "node:module";
import { VERSION } from "../../version.js";

/** Versions recorded in manifests, so a result says what produced it. */
export function runtimeVersions(): Record<string, string> {
  const out: Record<string, string> = { losscape: VERSION, node: process.version };
  try {
    const req = createRequire(import.meta.url);
    out["onnxruntime-node"] = (req("onnxruntime-node/package.json") as { version: string }).version;
  } catch {
    // not installed or not resolvable: the manifest simply omits it
  }
  return out;
}
