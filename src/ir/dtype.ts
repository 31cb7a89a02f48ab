/** Element types of the IR. Reference kernels hold every dtype in a Float64Array (int64 exact to 2^53, bool as 0/1). */
export type DType = "float32" | "float64" | "int64" | "bool";

export const DTYPES: readonly DType[] = ["float32", "float64", "int64", "bool"];

export function isFloat(d: DType): d is "float32" | "float64" {
  return d === "float32" || d === "float64";
}
