/** losscape's library entry point. */
export { GraphBuilder, Value, trace, type Operand } from "./ir/builder.js";
export type { Graph, Node, ValueType, Attrs, AttrValue } from "./ir/graph.js";
export { interpret } from "./ir/graph.js";
export type { DType } from "./ir/dtype.js";
export { tensor, scalar, zeros, fromNested, toNested, type Tensor } from "./ir/tensor.js";
export { printGraph } from "./ir/printer.js";
export { allOps, getOp } from "./ir/registry.js";
export { grad, gradName } from "./autodiff/grad.js";
export { jvp, jvpName, tangentName } from "./autodiff/jvp.js";
export { hvp, hvpName } from "./autodiff/hvp.js";
export type { Executor, RunOptions } from "./exec/executor.js";
export { createReferenceExecutor, evaluate } from "./exec/reference.js";
export { createOnnxExecutor, type OnnxExecutorOptions } from "./exec/onnx/executor.js";
export { UserError } from "./util/errors.js";
export { VERSION } from "./version.js";
