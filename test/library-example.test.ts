import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

describe("the README's library example", () => {
  const file = readFileSync(`${root}examples/library.mjs`, "utf8");

  it("is examples/library.mjs, verbatim, with the command that runs it", () => {
    const readme = readFileSync(`${root}README.md`, "utf8");
    const section = readme.slice(readme.indexOf("## Library"), readme.indexOf("\n## ", readme.indexOf("## Library") + 1));
    expect(section).toContain("```js\n" + file + "```");
    expect(section).toContain("`node examples/library.mjs`");
  });

  it("runs as written (node examples/library.mjs, on the built package) and prints the right numbers", () => {
    // `import ... from "losscape"` is the package itself (its "exports"), so dist/ must be built: npm test does.
    expect(existsSync(`${root}dist/index.js`), "dist/ is not built: run npm run build").toBe(true);
    const out = execFileSync(process.execPath, ["examples/library.mjs"], { cwd: root, encoding: "utf8" });
    // L(w) = Σ (Xw − y)² at w = (½, ½): residuals (−½, −3/2, −2), ∇L = 2Xᵀe, H = 2XᵀX
    expect(out).toMatch(/return L = %\d+, grad:w = %\d+/);
    expect(out).toMatch(/L = 6\.5 +∇L = \[ -5, -7 \]/);
    expect(out).toMatch(/H·\[1, 0\] = \[ 4, 2 \]/);
  });
});
