import fc from "fast-check";

/**
 * Property tests run with a fixed seed so CI is reproducible; explore new cases locally with
 * `FC_SEED=random npm test` (or a number to replay a reported failure).
 */
const seed = process.env["FC_SEED"];
if (seed !== "random") fc.configureGlobal({ seed: seed === undefined ? 20261127 : Number(seed) });
