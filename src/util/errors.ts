/**
 * An error the user caused (bad expression, bad spec, bad file, absurd sizes).
 * The CLI prints only its message and exits with code 2; anything else is a bug and exits 1.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
