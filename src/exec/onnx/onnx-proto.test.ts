import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { UserError } from "../../util/errors.js";
import {
  AttributeType,
  TensorDataType,
  attr,
  decodeModel,
  encodeModel,
  makeAttribute,
  makeGraph,
  makeModel,
  makeNode,
  makeTensor,
  makeValueInfo,
  tensorValues,
  type ModelProtoLike,
  type TensorProtoLike,
} from "./onnx-proto.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

/** Returns the model's graph.initializer[0] after an encode -> decode trip. */
function roundTripTensor(t: TensorProtoLike): TensorProtoLike {
  const model = makeModel(makeGraph({ nodes: [], inputs: [], outputs: [], initializers: [t] }));
  return decodeModel(encodeModel(model)).graph!.initializer![0]!;
}

describe("wire format matches onnx.proto field numbers", () => {
  // Expected bytes are written out by hand from onnx.proto: tag = (field << 3) | wire type, fields in id order.
  it("ModelProto.ir_version is field 1 and opset_import is field 8 holding {domain 1, version 2}", () => {
    expect(hex(encodeModel({ irVersion: 8 }))).toBe("0808");
    expect(hex(encodeModel({ opsetImport: [{ domain: "", version: 17 }] }))).toBe("42040a001011");
    expect(hex(encodeModel({ producerName: "p", producerVersion: "v", docString: "d" }))).toBe("120170" + "1a0176" + "320164");
  });

  it("ModelProto.graph is field 7; GraphProto node 1, name 2, initializer 5, input 11, output 12, value_info 13", () => {
    const bytes = encodeModel({
      graph: { node: [{}], name: "g", initializer: [{}], input: [{}], output: [{}], valueInfo: [{}] },
    });
    // graph (7, length-delimited) then its body.
    expect(hex(bytes)).toBe("3a" + "0d" + "0a00" + "120167" + "2a00" + "5a00" + "6200" + "6a00");
  });

  it("NodeProto input 1, output 2, name 3, op_type 4, attribute 5, domain 7", () => {
    const bytes = encodeModel({
      graph: { node: [{ input: ["a"], output: ["b"], name: "n", opType: "T", attribute: [{ name: "k" }], domain: "d" }] },
    });
    expect(hex(bytes)).toBe("3a16" + "0a14" + "0a0161" + "120162" + "1a016e" + "220154" + "2a03" + "0a016b" + "3a0164");
  });

  it("AttributeProto type is field 20 and f/i/ints/floats are fields 2/3/8/7, repeated unpacked as in proto2", () => {
    const attrBody = (a: Parameters<typeof makeAttribute>[1]): string => {
      const bytes = encodeModel({ graph: { node: [{ attribute: [makeAttribute("a", a)] }] } });
      // Skip graph tag+len, node tag+len, attribute tag+len (all one-byte lengths here).
      return hex(bytes.subarray(6));
    };
    expect(attrBody(attr.int(3))).toBe("0a0161" + "1803" + "a00102");
    expect(attrBody(attr.float(1))).toBe("0a0161" + "150000803f" + "a00101");
    expect(attrBody(attr.ints([1, 0]))).toBe("0a0161" + "4001" + "4000" + "a00107");
    expect(attrBody(attr.floats([1]))).toBe("0a0161" + "3d0000803f" + "a00106");
    expect(attrBody(attr.string("x"))).toBe("0a0161" + "220178" + "a00103");
  });

  it("TensorProto dims 1 (unpacked), data_type 2, name 8, raw_data 9; double_data 10 and int64_data 7 packed", () => {
    const initBody = (t: ReturnType<typeof makeTensor>): string => {
      const bytes = encodeModel({ graph: { initializer: [t] } });
      return hex(bytes.subarray(4));
    };
    expect(initBody(makeTensor("w", "float64", [1], [1]))).toBe("0801" + "100b" + "420177" + "4a08" + "000000000000f03f");
    expect(initBody({ dims: [2], dataType: TensorDataType.DOUBLE, doubleData: [1, 2] })).toBe(
      "0802" + "100b" + "5210" + "000000000000f03f" + "0000000000000040",
    );
    expect(initBody({ dataType: TensorDataType.INT64, int64Data: [1, 2] })).toBe("1007" + "3a020102");
  });

  it("ValueInfoProto name 1, type 2; TypeProto.tensor_type 1 {elem_type 1, shape 2}; Dimension dim_value 1 | dim_param 2", () => {
    const bytes = encodeModel({ graph: { input: [makeValueInfo("x", "float64", [3, "N", null])] } });
    expect(hex(bytes.subarray(4))).toBe(
      "0a0178" + "1211" + "0a0f" + "080b" + "120b" + "0a020803" + "0a0312014e" + "0a00",
    );
  });
});

describe("makeTensor raw_data", () => {
  it("writes fixed-width little-endian values as ONNX requires", () => {
    expect(hex(makeTensor("a", "float32", [2], [1, -2]).rawData!)).toBe("0000803f" + "000000c0");
    expect(hex(makeTensor("a", "float64", [], [0.5]).rawData!)).toBe("000000000000e03f");
    expect(hex(makeTensor("a", "int64", [2], [-1, 258]).rawData!)).toBe("ffffffffffffffff" + "0201000000000000");
    expect(hex(makeTensor("a", "int64", [1], new BigInt64Array([-(2n ** 63n)])).rawData!)).toBe("0000000000000080");
    expect(hex(makeTensor("a", "bool", [3], [0, 1, 7]).rawData!)).toBe("000101");
  });

  it("sets data_type from the dtype", () => {
    expect(makeTensor("a", "float32", [0], []).dataType).toBe(TensorDataType.FLOAT);
    expect(makeTensor("a", "float64", [0], []).dataType).toBe(TensorDataType.DOUBLE);
    expect(makeTensor("a", "int64", [0], []).dataType).toBe(TensorDataType.INT64);
    expect(makeTensor("a", "bool", [0], []).dataType).toBe(TensorDataType.BOOL);
  });

  it("rejects data whose length does not match the shape, and non-integer int64 data", () => {
    expect(() => makeTensor("w", "float64", [2, 3], [1, 2, 3])).toThrow(/tensor 'w'.*needs 6 values, got 3/);
    expect(() => makeTensor("w", "int64", [1], [1.5])).toThrow(/not a safe integer/);
    expect(() => makeTensor("w", "float64", [-1], [])).toThrow(/dimension -1/);
  });

  it("float64 values survive encode -> decode bit for bit (NaN, -0, subnormals included)", () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 40 }), (xs) => {
        const back = tensorValues(roundTripTensor(makeTensor("t", "float64", [xs.length], xs)));
        expect(back.dtype).toBe("float64");
        expect(back.dims).toEqual([xs.length]);
        expect(Array.from(back.data as Float64Array).every((v, k) => Object.is(v, xs[k]))).toBe(true);
      }),
      { seed: 1701, numRuns: 100 },
    );
  });

  it("float32 values survive as Math.fround of the input", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 20 }), (xs) => {
        const back = tensorValues(roundTripTensor(makeTensor("t", "float32", [xs.length], xs)));
        expect(Array.from(back.data as Float32Array)).toEqual(xs.map((x) => Math.fround(x)));
      }),
      { seed: 1702, numRuns: 50 },
    );
  });

  it("int64 values survive over the full signed 64-bit range", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 20 }), (xs) => {
        const back = tensorValues(roundTripTensor(makeTensor("t", "int64", [xs.length], BigInt64Array.from(xs))));
        expect(Array.from(back.data as BigInt64Array)).toEqual(xs);
      }),
      { seed: 1703, numRuns: 50 },
    );
  });
});

describe("tensorValues reads the typed *_data fields too", () => {
  it("double_data, float_data, int64_data and int32_data (bool)", () => {
    const values = (t: TensorProtoLike): (number | bigint)[] =>
      Array.from(tensorValues(roundTripTensor(t)).data as ArrayLike<number | bigint>);
    expect(values({ dims: [2], dataType: TensorDataType.DOUBLE, doubleData: [0.1, -3] })).toEqual([0.1, -3]);
    expect(values({ dims: [1], dataType: TensorDataType.FLOAT, floatData: [0.1] })).toEqual([Math.fround(0.1)]);
    expect(values({ dims: [2], dataType: TensorDataType.INT64, int64Data: [5, 2n ** 62n] })).toEqual([5n, 2n ** 62n]);
    expect(values({ dims: [2], dataType: TensorDataType.BOOL, int32Data: [1, 0] })).toEqual([1, 0]);
  });

  it("rejects a raw_data length that does not fit the shape", () => {
    const t = { ...makeTensor("t", "float64", [2], [1, 2]), dims: [3] };
    expect(() => tensorValues(t)).toThrow(/raw_data has 16 bytes, expected 24/);
  });
});

describe("attribute typing", () => {
  it("infers INT for integral numbers, FLOAT otherwise, INTS/FLOATS for lists, STRING(S) for text", () => {
    expect(makeAttribute("a", 1)).toEqual({ name: "a", type: AttributeType.INT, i: 1 });
    expect(makeAttribute("a", 0.5)).toEqual({ name: "a", type: AttributeType.FLOAT, f: 0.5 });
    expect(makeAttribute("a", 2n ** 40n)).toEqual({ name: "a", type: AttributeType.INT, i: 2n ** 40n });
    expect(makeAttribute("a", [1, 0])).toEqual({ name: "a", type: AttributeType.INTS, ints: [1, 0] });
    expect(makeAttribute("a", [1, 0.5])).toEqual({ name: "a", type: AttributeType.FLOATS, floats: [1, 0.5] });
    expect(makeAttribute("a", "NOTSET")).toEqual({ name: "a", type: AttributeType.STRING, s: utf8("NOTSET") });
    expect(makeAttribute("a", ["x", "y"])).toEqual({ name: "a", type: AttributeType.STRINGS, strings: [utf8("x"), utf8("y")] });
  });

  it("explicit kinds override inference, so an integral FLOAT stays FLOAT", () => {
    expect(makeAttribute("alpha", attr.float(1))).toEqual({ name: "alpha", type: AttributeType.FLOAT, f: 1 });
    expect(makeAttribute("fs", attr.floats([1, 2]))).toEqual({ name: "fs", type: AttributeType.FLOATS, floats: [1, 2] });
    expect(makeAttribute("e", attr.ints([]))).toEqual({ name: "e", type: AttributeType.INTS, ints: [] });
  });

  it("a bare tensor object becomes a TENSOR attribute", () => {
    const t = makeTensor("value", "float64", [], [2]);
    expect(makeAttribute("value", t)).toEqual({ name: "value", type: AttributeType.TENSOR, t });
  });

  it("refuses lists it cannot type", () => {
    expect(() => makeAttribute("axes", [])).toThrow(/attribute 'axes': an empty list has no type/);
    expect(() => makeAttribute("m", [1, "a"] as unknown as string[])).toThrow(/mixes element types/);
    expect(() => makeAttribute("i", attr.int(0.5))).toThrow(/not a safe integer/);
  });
});

describe("encode -> decode round trip", () => {
  function sampleModel(): ModelProtoLike {
    const w = makeTensor("W", "float64", [2, 3], [1, 2, 3, 4, 5, 6]);
    const axes = makeTensor("axes", "int64", [1], [-1]);
    const mask = makeTensor("mask", "bool", [3], [1, 0, 1]);
    const nodes = [
      makeNode("MatMul", ["x", "W"], ["h"], {}, "mm"),
      makeNode("Gemm", ["h", "h"], ["g"], { alpha: attr.float(1), beta: 0.25, transB: 1 }, "gemm"),
      makeNode("Transpose", ["g"], ["gt"], { perm: [1, 0] }),
      makeNode("ReduceSum", ["gt", "axes"], ["r"], { keepdims: 0 }),
      makeNode("Constant", [], ["c"], { value: makeTensor("", "float32", [2], [0.5, -1]) }),
      makeNode("Custom", ["r"], ["y"], { mode: "fast", names: ["a", "b"], big: 2n ** 62n, ws: [0.5, 2] }, { name: "c1", domain: "com.example" }),
    ];
    const graph = makeGraph({
      name: "sample",
      nodes,
      inputs: [makeValueInfo("x", "float64", ["N", 2])],
      outputs: [makeValueInfo("y", "float64", [null])],
      initializers: [w, axes, mask],
      valueInfo: [makeValueInfo("h", "float64", ["N", 3])],
      docString: "graph doc",
    });
    return makeModel(graph, {
      opset: 18,
      irVersion: 8,
      extraOpsets: [{ domain: "com.example", version: 1 }],
      producerVersion: "0.1.0",
      docString: "model doc",
    });
  }

  it("preserves model metadata, opsets, nodes, attributes, value infos and initializers", () => {
    const model = sampleModel();
    const back = decodeModel(encodeModel(model));
    expect(back.irVersion).toBe(8);
    expect(back.producerName).toBe("losscape");
    expect(back.producerVersion).toBe("0.1.0");
    expect(back.docString).toBe("model doc");
    expect(back.opsetImport).toEqual([
      { domain: "", version: 18 },
      { domain: "com.example", version: 1 },
    ]);
    const g = back.graph!;
    expect(g.name).toBe("sample");
    expect(g.docString).toBe("graph doc");
    expect(g.node!.map((n) => [n.opType, n.name ?? "", n.domain ?? "", n.input, n.output])).toEqual(
      model.graph!.node!.map((n) => [n.opType, n.name ?? "", n.domain ?? "", n.input, n.output]),
    );

    const attrsOf = (k: number): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const a of g.node![k]!.attribute!) {
        switch (a.type) {
          case AttributeType.INT: out[a.name!] = ["INT", a.i]; break;
          case AttributeType.FLOAT: out[a.name!] = ["FLOAT", a.f]; break;
          case AttributeType.INTS: out[a.name!] = ["INTS", a.ints]; break;
          case AttributeType.FLOATS: out[a.name!] = ["FLOATS", a.floats]; break;
          case AttributeType.STRING: out[a.name!] = ["STRING", text(a.s)]; break;
          case AttributeType.STRINGS: out[a.name!] = ["STRINGS", a.strings!.map(text)]; break;
          case AttributeType.TENSOR: out[a.name!] = ["TENSOR", tensorValues(a.t!)]; break;
          default: out[a.name!] = ["?", a.type];
        }
      }
      return out;
    };
    expect(attrsOf(0)).toEqual({});
    expect(attrsOf(1)).toEqual({ alpha: ["FLOAT", 1], beta: ["FLOAT", 0.25], transB: ["INT", 1] });
    expect(attrsOf(2)).toEqual({ perm: ["INTS", [1, 0]] });
    expect(attrsOf(3)).toEqual({ keepdims: ["INT", 0] });
    expect(attrsOf(4)).toEqual({ value: ["TENSOR", { dtype: "float32", dims: [2], data: new Float32Array([0.5, -1]) }] });
    expect(attrsOf(5)).toEqual({
      mode: ["STRING", "fast"],
      names: ["STRINGS", ["a", "b"]],
      big: ["INT", 2n ** 62n],
      ws: ["FLOATS", [0.5, 2]],
    });

    expect(g.initializer!.map((t) => [t.name, tensorValues(t)])).toEqual([
      ["W", { dtype: "float64", dims: [2, 3], data: new Float64Array([1, 2, 3, 4, 5, 6]) }],
      ["axes", { dtype: "int64", dims: [1], data: new BigInt64Array([-1n]) }],
      ["mask", { dtype: "bool", dims: [3], data: new Uint8Array([1, 0, 1]) }],
    ]);
    expect(g.input).toEqual([makeValueInfo("x", "float64", ["N", 2])]);
    expect(g.output).toEqual([makeValueInfo("y", "float64", [null])]);
    expect(g.valueInfo).toEqual([makeValueInfo("h", "float64", ["N", 3])]);
  });

  it("bytes that are not a ModelProto are a UserError", () => {
    // 0x0f: field 1 with wire type 7, which protobuf does not define.
    expect(() => decodeModel(new Uint8Array([0x0f, 0x01]))).toThrow(UserError);
    // ir_version's varint is cut off.
    expect(() => decodeModel(new Uint8Array([0x08, 0x80]))).toThrow(/not a valid ONNX model/);
  });

  it("re-encoding a decoded model gives the same bytes", () => {
    const bytes = encodeModel(sampleModel());
    expect(hex(encodeModel(decodeModel(bytes)))).toBe(hex(bytes));
  });
});
