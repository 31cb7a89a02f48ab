/** Names for figures: what a reader of a paper calls a loss, not its identifier in a spec. */
const LOSS_LABELS: Readonly<Record<string, string>> = {
  sse_half: "½ sum of squared errors",
  mse: "mean squared error",
  mae: "mean absolute error",
  cross_entropy: "cross-entropy loss",
  bce: "binary cross-entropy loss",
  hinge: "hinge loss"
};

/** "cross-entropy loss" for cross_entropy; an unknown name with its underscores as spaces, plus "loss". */
export function lossLabel(name: string): string {
  return LOSS_LABELS[name] ?? `${name.replace(/_/g, " ")} loss`;
}
