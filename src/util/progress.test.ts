import { describe, expect, it } from "vitest";
import { createProgress, formatDuration } from "./progress.js";

function sink(isTTY: boolean) {
  const lines: string[] = [];
  return { lines, stream: { isTTY, write: (s: string) => void lines.push(s) } };
}

describe("progress", () => {
  it("off a TTY writes plain lines, throttled, with rate and ETA", () => {
    let t = 0;
    const s = sink(false);
    const p = createProgress({ total: 100, label: "landscape", unit: "points", stream: s.stream, now: () => t, lineIntervalMs: 1000 });
    t = 500;
    p.update(10);
    t = 700;
    p.update(20); // within the interval: no line
    t = 2000;
    p.update(50, { loss: "0.5" });
    p.finish();
    expect(s.lines).toHaveLength(3);
    expect(s.lines.every((l) => l.endsWith("\n") && !l.includes("\r"))).toBe(true);
    expect(s.lines[1]).toBe("landscape: 50%  50/100 points  25.0 points/s  elapsed 2s  ETA 2s  loss 0.5\n");
    expect(s.lines[2]).toMatch(/100%  100\/100 points .* ETA 0s/);
  });

  it("on a TTY redraws one line with a bar; a resumed job's reused units do not inflate the rate", () => {
    let t = 0;
    const s = sink(true);
    const p = createProgress({ total: 10, label: "x", unit: "points", stream: s.stream, now: () => t, alreadyDone: 6 });
    t = 1000;
    p.update(8);
    expect(s.lines[0]).toMatch(/^\r\x1b\[2Kx \[#{19}-{5}\]  80%  8\/10 points  2\.0 points\/s/);
    p.finish();
    expect(s.lines[1]!.endsWith("\n")).toBe(true);
  });

  it("a bar over a time budget shows seconds of the budget without a rate, and ends where the work ended", () => {
    let t = 0;
    const s = sink(false);
    const p = createProgress({ total: 10, label: "convexity", unit: "s of the budget", stream: s.stream, now: () => t, lineIntervalMs: 0, rate: false });
    t = 4000;
    p.update(4, { phase: "search" });
    t = 6500;
    p.finish({ phase: "done" });
    expect(s.lines[0]).toBe("convexity: 40%  4.0/10 s of the budget  elapsed 4s  phase search\n");
    expect(s.lines[1]).toBe("convexity: 40%  4.0/10 s of the budget  elapsed 7s  phase done\n");
  });

  it("with an unknown total, only the elapsed time and the fields", () => {
    let t = 0;
    const s = sink(false);
    const p = createProgress({ total: 0, label: "verify", unit: "s", stream: s.stream, now: () => t, lineIntervalMs: 0 });
    t = 3000;
    p.update(0, { step: "L(θa)" });
    expect(s.lines[0]).toBe("verify:  elapsed 3s  step L(θa)\n");
  });

  it("formats durations", () => {
    expect(formatDuration(5)).toBe("5s");
    expect(formatDuration(125)).toBe("2m05s");
    expect(formatDuration(3 * 3600 + 60)).toBe("3h01m");
    expect(formatDuration(NaN)).toBe("?");
  });
});
