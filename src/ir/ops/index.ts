import type { OpDef } from "../op.js";
import { BatchNormalization } from "./batch-normalization.js";
import { Clip } from "./clip.js";
import { Dropout } from "./dropout.js";
import { LayerNormalization } from "./layer-normalization.js";
import { Squeeze } from "./squeeze.js";
import { Unsqueeze } from "./unsqueeze.js";
import { Abs } from "./abs.js";
import { Add } from "./add.js";
import { Cast } from "./cast.js";
import { Concat } from "./concat.js";
import { Constant } from "./constant.js";
import { Cos } from "./cos.js";
import { Div } from "./div.js";
import { Elu } from "./elu.js";
import { Equal } from "./equal.js";
import { Erf } from "./erf.js";
import { Exp } from "./exp.js";
import { Expand } from "./expand.js";
import { Flatten } from "./flatten.js";
import { Gemm } from "./gemm.js";
import { Greater } from "./greater.js";
import { Identity } from "./identity.js";
import { LeakyRelu } from "./leaky-relu.js";
import { Less } from "./less.js";
import { Log } from "./log.js";
import { LogSoftmax } from "./log-softmax.js";
import { MatMul } from "./matmul.js";
import { Max } from "./max.js";
import { Min } from "./min.js";
import { Mul } from "./mul.js";
import { Neg } from "./neg.js";
import { Pow } from "./pow.js";
import { ReduceMax } from "./reduce-max.js";
import { ReduceMean } from "./reduce-mean.js";
import { ReduceSum } from "./reduce-sum.js";
import { Relu } from "./relu.js";
import { Reshape } from "./reshape.js";
import { Sigmoid } from "./sigmoid.js";
import { Sign } from "./sign.js";
import { Sin } from "./sin.js";
import { Slice } from "./slice.js";
import { Softmax } from "./softmax.js";
import { Softplus } from "./softplus.js";
import { Sqrt } from "./sqrt.js";
import { Sub } from "./sub.js";
import { Tanh } from "./tanh.js";
import { Transpose } from "./transpose.js";
import { Where } from "./where.js";
import { Conv } from "./conv.js";
import { ConvTranspose } from "./conv-transpose.js";
import { AveragePool } from "./average-pool.js";
import { GlobalAveragePool } from "./global-average-pool.js";
import { MaxPool } from "./max-pool.js";
import { Pad } from "./pad.js";
import { SpaceToDepth } from "./space-to-depth.js";
import { DepthToSpace } from "./depth-to-space.js";
import { MaxPoolIndices } from "./max-pool-indices.js";
import { GatherElements } from "./gather-elements.js";
import { ScatterElements } from "./scatter-elements.js";
import { IndexSelect } from "./index-select.js";

export const ALL_OPS: readonly OpDef[] = [
  Abs, Add, Cast, Concat, Constant, Cos, Div, Elu, Equal, Erf, Exp, Expand, Flatten, Gemm, Greater, Identity,
  LeakyRelu, Less, Log, LogSoftmax, MatMul, Max, Min, Mul, Neg, Pow, ReduceMax, ReduceMean, ReduceSum,
  Relu, Reshape, Sigmoid, Sign, Sin, Slice, Softmax, Softplus, Sqrt, Sub, Tanh, Transpose, Where,
  Conv, ConvTranspose,
  BatchNormalization, Clip, Dropout, LayerNormalization, Squeeze, Unsqueeze,
  AveragePool, GlobalAveragePool, MaxPool, Pad,
  SpaceToDepth, DepthToSpace,
  MaxPoolIndices, GatherElements, ScatterElements, IndexSelect
];
