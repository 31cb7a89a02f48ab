import type { Command } from "commander";

/** Each command file exports one `register(program, setExitCode)`; add new commands here. */
export type RegisterCommand = (program: Command, setExitCode: (code: number) => void) => void;

export const COMMANDS: RegisterCommand[] = [];
