/**
 * Writes an MLP as an ONNX model (protobuf, hand-encoded: no Python, no protobuf library).
 *
 * Graph (opset 13): features[N,F] -> Sub(mean) -> Div(std) -> [MatMul -> Add -> Relu]* ->
 * MatMul -> Add -> Sigmoid -> p_up[N,1]. Field numbers are those of onnx.proto (ModelProto,
 * GraphProto, NodeProto, TensorProto, ValueInfoProto, TypeProto).
 *
 * @example
 * writeFileSync("models/model.onnx", mlpToOnnx(weights, { producer: "ml/train.ts" }));
 */
import type { MlpWeights } from "@bot-core/analysis";

const enc = new TextEncoder();

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}

type Field = number[];
const tag = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, n: number | bigint): Field => [...tag(field, 0), ...varint(n)];
const bytes = (field: number, b: Uint8Array | number[]): Field => [...tag(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string): Field => bytes(field, enc.encode(s));
const msg = (field: number, ...parts: Field[]): Field => bytes(field, parts.flat());

const FLOAT = 1;

function tensor(name: string, dims: number[], values: ArrayLike<number>): Field {
  const raw = new Uint8Array(new Float32Array(Array.from(values)).buffer);
  return msg(5, ...dims.map((d) => int(1, d)), int(2, FLOAT), str(8, name), bytes(9, raw));
}

function node(op: string, inputs: string[], outputs: string[], name: string): Field {
  return msg(1, ...inputs.map((i) => str(1, i)), ...outputs.map((o) => str(2, o)), str(3, name), str(4, op));
}

/** ValueInfoProto of a float tensor whose first dimension is the batch ("N"). */
function valueInfo(field: number, name: string, width: number): Field {
  const shape = [msg(1, str(2, "N")), msg(1, int(1, width))];
  return msg(field, str(1, name), msg(2, msg(1, int(1, FLOAT), msg(2, ...shape))));
}

export const ONNX_INPUT = "features";
export const ONNX_OUTPUT = "p_up";

export function mlpToOnnx(w: MlpWeights, meta: { producer: string; doc?: string; metadata?: Record<string, string> }): Uint8Array {
  const f = w.mean.length;
  const nodes: Field[] = [node("Sub", [ONNX_INPUT, "mean"], ["centred"], "standardize_sub"), node("Div", ["centred", "std"], ["h0"], "standardize_div")];
  const inits: Field[] = [tensor("mean", [f], w.mean), tensor("std", [f], w.std)];
  let prev = "h0";
  w.layers.forEach((layer, i) => {
    const inDim = layer.weights[0]!.length;
    const outDim = layer.weights.length;
    // ONNX MatMul wants [in, out]: transpose weights[out][in].
    const wt: number[] = [];
    for (let r = 0; r < inDim; r++) for (let c = 0; c < outDim; c++) wt.push(layer.weights[c]![r]!);
    inits.push(tensor(`w${i}`, [inDim, outDim], wt), tensor(`b${i}`, [outDim], layer.bias));
    nodes.push(node("MatMul", [prev, `w${i}`], [`mm${i}`], `dense${i}_matmul`), node("Add", [`mm${i}`, `b${i}`], [`z${i}`], `dense${i}_add`));
    const last = i === w.layers.length - 1;
    nodes.push(node(last ? "Sigmoid" : "Relu", [`z${i}`], [last ? ONNX_OUTPUT : `h${i + 1}`], last ? "sigmoid" : `relu${i}`));
    prev = `h${i + 1}`;
  });
  const graph = msg(7, ...nodes, str(2, "signal_mlp"), ...inits, valueInfo(11, ONNX_INPUT, f), valueInfo(12, ONNX_OUTPUT, 1));
  const props = Object.entries({ version: w.version, horizon_bars: String(w.horizonBars), feature_names: w.featureNames.join(","), ...meta.metadata }).map(([k, v]) => msg(14, str(1, k), str(2, v)));
  const model = [...int(1, 8), ...str(2, meta.producer), ...str(3, w.version), ...(meta.doc ? str(6, meta.doc) : []), ...graph, ...msg(8, str(1, ""), int(2, 13)), ...props.flat()];
  return Uint8Array.from(model);
}
