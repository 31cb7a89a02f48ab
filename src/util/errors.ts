/**
 * An error the user caused (bad expression, bad spec, bad file, absurd sizes).
 * The CLI prints only its message and exits with code 2; anything else is a bug and exits 1.
 *
 * Library code names the options it was given by their field names (`momentum`, `trace.probes`),
 * marked with `field(...)`, never by a front end's spelling: the CLI shows them as its flags
 * (`--momentum`), the server as its request fields (`train.momentum`). `message` shows the plain
 * field names, so a library user reads the names of the options they passed.
 */
export class UserError extends Error {
  /** The message with its field marks, for front ends that rename fields (see describeUserError). */
  readonly template: string;
  constructor(message: string) {
    super(renderFields(message, () => undefined));
    this.name = "UserError";
    this.template = message;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

// Brackets no message uses otherwise, so a mark cannot be confused with text (JSON braces, ranges).
const OPEN = "\u27e6";
const CLOSE = "\u27e7";
const MARK = new RegExp(`${OPEN}([^${CLOSE}]*)${CLOSE}`, "g");

/** `name` as a field of the options a library function was given, for use inside a UserError message. */
export function field(name: string): string {
  return `${OPEN}${name}${CLOSE}`;
}

/** A front end's name for a library field (e.g. "--weight-decay" for "weightDecay"); undefined keeps the field name. */
export type FieldNamer = (field: string) => string | undefined;

export function renderFields(template: string, names: FieldNamer): string {
  return template.replace(MARK, (_, f: string) => names(f) ?? f);
}

/** The message of a UserError with its fields named as a front end names them. */
export function describeUserError(e: UserError, names: FieldNamer): string {
  return renderFields(e.template, names);
}
