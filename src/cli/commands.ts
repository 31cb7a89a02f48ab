import type { Command } from "commander";
import { register as curvature } from "./curvature.js";
import { register as sign } from "./sign.js";
import { register as train } from "./train.js";
import { register as landscape } from "./landscape.js";
import { register as convexity } from "./convexity.js";
import { register as verify } from "./verify.js";
import { register as example } from "./example.js";
import { register as hessian } from "./hessian.js";
import { register as serve } from "./serve.js";
import { register as demo } from "./demo.js";
import { register as inspect } from "./inspect.js";
import { register as worker } from "./worker.js";
import { register as align } from "./align.js";
import { register as connect } from "./connect.js";

/** Each command file exports one `register(program, setExitCode)`; add new commands here. */
export type RegisterCommand = (program: Command, setExitCode: (code: number) => void) => void;

export const COMMANDS: RegisterCommand[] = [curvature, sign, train, landscape, convexity, verify, example, inspect, hessian, serve, demo, worker, connect, align];
