export { loadModelSource, type ModelSource } from "./spec-source.js";
export { splitData, selectPart, NO_SPLIT, type SplitOptions, type SplitMethod, type SplitName, type DataParts } from "./split-data.js";
export { initParams, initStd, autoScheme, INIT_SCHEMES, type InitScheme } from "./init.js";
export { createOptimizer, OPTIMIZERS, type OptimizerConfig, type OptimizerName, type Optimizer } from "./optimizers.js";
export { batchGradGraph, lossGraph, type FloatType, type ProblemGraph } from "../problem/loss-graph.js";
export { trainModel, permutation, validateTrainOptions, type TrainOptions, type TrainResult, type StepInfo, type EpochRecord } from "./train.js";
export { loadParamVector, loadParamMatrix, saveParams, paramsJson, PARAMS_FORMAT, type ParamsJson } from "./params-file.js";
export { runTraining, TRAIN_FILES, type RunTrainingOptions, type RunTrainingSummary } from "./run-training.js";
export { runtimeVersions } from "./versions.js";
