import type { Graph } from "../../ir/graph.js";
import { withFloatType } from "../../ir/rewrite.js";
import type { Tensor } from "../../ir/tensor.js";
import { checkFeeds, type Executor, type RunOptions } from "../executor.js";
import { graphToOnnx } from "./lower.js";
import { encodeModel } from "./onnx-proto.js";
import { createSession, releaseSession, runSession, type FeedTensor, type OrtSession } from "./ort-session.js";

export interface OnnxExecutorOptions {
  /** Intra-op threads (default: all cores). */
  threads?: number;
  /** Run every graph in this float type (graphs are converted once and cached). Default: as built. */
  dtype?: "float32" | "float64";
  /** e.g. ["webgpu"] on a machine with a GPU and the Vulkan loader; default ["cpu"]. */
  executionProviders?: string[];
}

interface Compiled {
  graph: Graph;
  session: Promise<OrtSession>;
}

/**
 * Runs IR graphs with onnxruntime-node. Sessions are cached per graph object: build the graph once
 * (data as constants, parameters as inputs) and call run() with new parameters as often as needed.
 */
export function createOnnxExecutor(options: OnnxExecutorOptions = {}): Executor {
  const cache = new WeakMap<Graph, Compiled>();
  const live = new Set<Compiled>();
  const compile = (graph: Graph): Compiled => {
    let c = cache.get(graph);
    if (!c) {
      const g = options.dtype ? withFloatType(graph, options.dtype) : graph;
      const bytes = encodeModel(graphToOnnx(g));
      c = {
        graph: g,
        session: createSession(bytes, {
          ...(options.threads ? { intraOpThreads: options.threads } : {}),
          ...(options.executionProviders ? { executionProviders: options.executionProviders } : {})
        })
      };
      cache.set(graph, c);
      live.add(c);
    }
    return c;
  };
  return {
    name: `onnxruntime${options.dtype ? `-${options.dtype}` : ""}`,
    async run(graph: Graph, feeds: Readonly<Record<string, Tensor>>, runOptions: RunOptions = {}) {
      checkFeeds(graph, feeds);
      const c = compile(graph);
      const session = await c.session;
      const ortFeeds: Record<string, FeedTensor> = {};
      for (const i of c.graph.inputs) {
        const node = c.graph.nodes[i.id]!;
        const t = feeds[i.name]!;
        ortFeeds[`in:${i.name}`] = { dtype: node.dtype, dims: node.shape, data: t.data };
      }
      for (const name of runOptions.outputs ?? []) {
        if (!c.graph.outputs.some((o) => o.name === name)) throw new Error(`graph has no output "${name}"`);
      }
      const wanted = runOptions.outputs ? c.graph.outputs.filter((o) => runOptions.outputs!.includes(o.name)) : c.graph.outputs;
      const res = await runSession(session, ortFeeds, runOptions.outputs ? wanted.map((o) => `out:${o.name}`) : undefined);
      const out: Record<string, Tensor> = {};
      for (const o of wanted) {
        const r = res[`out:${o.name}`]!;
        const node = c.graph.nodes[o.id]!;
        out[o.name] = { dtype: node.dtype, shape: node.shape, data: toFloat64(r.data) };
      }
      return out;
    },
    async dispose() {
      for (const c of live) await releaseSession(await c.session);
      live.clear();
    }
  };
}

function toFloat64(d: Float32Array | Float64Array | BigInt64Array | Uint8Array): Float64Array {
  if (d instanceof Float64Array) return d;
  if (d instanceof BigInt64Array) return Float64Array.from(d, (v) => Number(v));
  return Float64Array.from(d);
}
