/** The model trained on the Landscape page, kept in memory so the Hessian page can analyse the same θ. */
export interface TrainedModel {
  spec: Record<string, unknown>;
  train: Record<string, unknown>;
  theta: number[];
  label: string;
}

let current: TrainedModel | null = null;
const listeners = new Set<(m: TrainedModel | null) => void>();

export function setTrainedModel(m: TrainedModel | null): void {
  current = m;
  for (const l of listeners) l(m);
}

export function trainedModel(): TrainedModel | null {
  return current;
}

export function onTrainedModel(l: (m: TrainedModel | null) => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
