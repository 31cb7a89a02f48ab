/** `losscape verify CERT.json [--spec SPEC]`: re-check a non-convexity certificate from scratch (no search code). */
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import type { CertificateCheck } from "../model/network-certificate.js";
import { UserError } from "../util/errors.js";
import type { RegisterCommand } from "./commands.js";

const HELP = `
Rebuilds the loss graph from the spec (the one embedded in the certificate, or --spec) and
recomputes L(θa), L(θb) and L(t·θa + (1−t)·θb): exactly in rational arithmetic when every op is
piecewise-linear or polynomial, otherwise with outward-rounded interval arithmetic. The certificate
is valid when the loss at the point is above the chord (gap > 0; the gap's lower bound > 0 for
intervals) and every number it claims agrees with the recomputation.

Exit codes: 0 valid, 1 invalid, 2 unusable input (unreadable file, not a certificate, bad spec).
`;

function show(i: { lo: number; hi: number }): string {
  return i.lo === i.hi ? String(i.lo) : `[${i.lo}, ${i.hi}]`;
}

export function renderCheck(c: CertificateCheck, path: string): string {
  const v = c.verification;
  const lines = [`${path}: ${c.valid ? "VALID" : "INVALID"} certificate that the loss is not convex (${c.parameters} parameters)`];
  if (v && !Number.isNaN(v.gap.lo)) {
    lines.push(`  checked with ${v.method}`);
    if (v.exact) lines.push(`  L(θa) = ${v.exact.a}`, `  L(θb) = ${v.exact.b}`, `  L(point) = ${v.exact.mid}`, `  gap = ${v.exact.gap}`);
    else lines.push(`  L(θa) ∈ ${show(v.losses.a)}`, `  L(θb) ∈ ${show(v.losses.b)}`, `  L(point) ∈ ${show(v.losses.mid)}`, `  gap ∈ ${show(v.gap)}`);
  }
  for (const p of c.problems) lines.push(`  problem: ${p}`);
  return lines.join("\n") + "\n";
}

export const register: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command("verify")
    .summary("re-check a certificate that a loss is not convex (exit 0 valid, 1 invalid, 2 unusable)")
    .description("Re-check a Jensen certificate with the exact or interval interpreter, independently of the search.")
    .argument("<certificate>", "certificate JSON file (from losscape convexity --certificate)")
    .option("--spec <spec>", "model spec to check against (default: the spec embedded in the certificate)")
    .option("--json", "print the result as JSON")
    .option("--no-progress", "no progress line while checking (there is none with --json either)")
    .addHelpText("after", HELP)
    .action(async (certArg: string, o: { spec?: string; json?: boolean; progress: boolean }) => {
      const [{ readFileBytes }, { parseCertificate, verifyNetworkCertificate }, { loadModelSource }] = await Promise.all([
        import("../io/read-file.js"),
        import("../model/network-certificate.js"),
        import("../model/train/spec-source.js")
      ]);
      const path = certArg.trim();
      let raw: unknown;
      try {
        raw = JSON.parse(new TextDecoder().decode(readFileBytes(path)));
      } catch (e) {
        if (e instanceof UserError) throw e;
        throw new UserError(`certificate ${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      const cert = parseCertificate(raw, `certificate ${path}`);
      const src = o.spec ? loadModelSource(o.spec) : undefined;
      // a check on a large data set runs for minutes: show that it is alive
      const bar = o.progress && !o.json ? (await import("./clock-progress.js")).clockProgress("verify", 0) : null;
      let check: CertificateCheck;
      try {
        check = verifyNetworkCertificate(cert, src ? { spec: src.spec, specDir: src.specDir } : { specDir: dirname(resolve(path)) });
      } finally {
        bar?.finish();
      }
      if (o.json) {
        const v = check.verification;
        process.stdout.write(`${JSON.stringify({ valid: check.valid, method: v?.method, losses: v?.losses, gap: v?.gap, exact: v?.exact, problems: check.problems }, null, 2)}\n`);
      } else process.stdout.write(renderCheck(check, path));
      setExitCode(check.valid ? 0 : 1);
    });
};
