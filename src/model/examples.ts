import type { ModelSpecInput } from "./spec.js";

export interface Example {
  name: string;
  description: string;
  spec: ModelSpecInput;
  /** Named parameter vectors that go with the example (flat θ in layout order). */
  params?: Readonly<Record<string, readonly number[]>>;
}

/**
 * The seed answer's network: N(x) = b2 + A2·relu(A1 x + b1), data (1,1) and (-1,-1), loss ½Σ(N(x_i) - y_i)².
 * θ1 and θ2 both fit the data exactly (x = relu(x) - relu(-x)); their midpoint is θ = 0 with loss 1.
 */
export const SEED_RELU: Example = {
  name: "seed-relu",
  description: "the seed answer's 1-2-1 ReLU network whose square loss is not convex (θ ∈ R^7)",
  spec: {
    model: { type: "mlp", layers: [1, 2, 1], activation: "relu", outputActivation: "linear", bias: true },
    loss: "sse_half",
    data: { x: [[1], [-1]], y: [[1], [-1]] }
  },
  params: {
    theta1: [1, -1, 0, 0, 1, -1, 0],
    theta2: [-1, 1, 0, 0, -1, 1, 0]
  }
};

export const EXAMPLES: readonly Example[] = [
  SEED_RELU,
  {
    name: "linear-regression",
    description: "least squares with no hidden layer: convex in the weights",
    spec: { model: { type: "mlp", layers: [1, 1] }, loss: "mse", data: { x: [[0], [1], [2], [3]], y: [[1], [3], [5], [7]] } }
  },
  {
    name: "logistic-regression",
    description: "logistic regression on a 2-D data set: convex in the weights",
    spec: { model: { type: "mlp", layers: [2, 1] }, loss: "bce", data: { name: "blobs", n: 100, classes: 2 } }
  },
  {
    name: "deep-linear",
    description: "a 1-1-1 linear network: every function in it is linear, yet the loss (w2·w1·x - y)² is not convex",
    spec: { model: { type: "mlp", layers: [1, 1, 1], activation: "linear", bias: false }, loss: "sse_half", data: { x: [[1]], y: [[1]] } },
    // the saddle: the Hessian there has eigenvalues -1 and +1
    params: { zeros: [0, 0] }
  },
  {
    name: "moons-mlp",
    description: "a 2-16-16-2 ReLU network classifying two moons with cross-entropy",
    spec: { model: { type: "mlp", layers: [2, 16, 16, 2], activation: "relu" }, loss: "cross_entropy", data: { name: "moons", n: 200, noise: 0.1 } }
  },
  {
    name: "mnist-mlp",
    description: "a 784-128-10 ReLU network on the 10,000 MNIST digits (softmax cross-entropy)",
    spec: { model: { type: "mlp", layers: [784, 128, 10], activation: "relu" }, loss: "cross_entropy", data: "mnist" }
  }
];

export function findExample(name: string): Example | undefined {
  return EXAMPLES.find((e) => e.name === name);
}
