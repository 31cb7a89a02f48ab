/** A rendered plot with the file name (without extension) it is saved under, e.g. "contour". */
export interface NamedPlot<Name extends string = string> {
  name: Name;
  svg: string;
}
