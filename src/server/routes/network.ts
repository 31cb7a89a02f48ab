/**
 * POST /api/segment: the loss along θa -> θb against the chord between its ends.
 * POST /api/convexity: the network convexity analysis (proof or certificate), with its picture and
 * the certificate re-checked from scratch by the independent verifier.
 */
import { sampledConvexity } from "../../convexity/sampled-convexity.js";
import { analyzeNetworkConvexity, lossAlongSegment } from "../../model/network-convexity.js";
import { verifyNetworkCertificate } from "../../model/network-certificate.js";
import { jensenPlot } from "../../plot/jensen-plot.js";
import type { ConvexityRequest, SegmentRequest } from "../api-schemas.js";
import { finiteOrNull } from "../http-util.js";
import { checkTheta, modelInput } from "../model-input.js";

export async function segmentRoute(req: SegmentRequest): Promise<Record<string, unknown>> {
  const { problem, layout } = modelInput(req.spec);
  const a = checkTheta(req.thetaA, layout, "θa (thetaA)")!;
  const b = checkTheta(req.thetaB, layout, "θb (thetaB)")!;
  const { s, loss } = await lossAlongSegment(problem, a, b, req.samples);
  // Convex along the segment means every sample on or below every chord, not only the ends' chord.
  const finite = loss.map(finiteOrNull);
  return { s, loss: finite, convexity: sampledConvexity(s, finite), parameters: layout.size, blocks: layout.blocks.map((bl) => ({ name: bl.name, offset: bl.offset, size: bl.size, shape: bl.shape })) };
}

export async function convexityRoute(req: ConvexityRequest): Promise<Record<string, unknown>> {
  const { problem, layout } = modelInput(req.spec);
  const params = checkTheta(req.params, layout, "θa (params)");
  const r = await analyzeNetworkConvexity(problem, {
    seed: req.seed, budgetSeconds: req.budgetSeconds, specInput: req.spec, blocks: req.blocks, profileSamples: 201,
    ...(params ? { params } : {})
  });
  const check = r.certificate ? verifyNetworkCertificate(r.certificate) : undefined;
  return {
    verdict: r.verdict,
    explanation: r.explanation,
    parameters: r.parameters,
    specHash: r.specHash,
    ...(r.certificate ? { certificate: r.certificate } : {}),
    ...(r.proof ? { proof: r.proof } : {}),
    ...(check ? { recheck: { valid: check.valid, problems: check.problems, method: check.verification?.method ?? null } } : {}),
    blocks: r.blocks.map((b) => ({
      params: b.params, verdict: b.verdict,
      how: b.proof ? `DCP proof: ${b.proof.summary}` : b.certificate ? `certificate by ${b.certificate.strategy ?? "search"} (${b.certificate.verifiedBy})` : (b.reason ?? "")
    })),
    search: { strategy: r.search.strategy, evaluations: r.search.evaluations, seconds: r.search.seconds, timedOut: r.search.timedOut },
    ...(r.certificate && r.profile ? { svg: jensenPlot(r.profile, r.certificate, { width: req.plotWidth ?? 760 }) } : {}),
    layout: layout.blocks.map((b) => ({ name: b.name, offset: b.offset, size: b.size }))
  };
}
