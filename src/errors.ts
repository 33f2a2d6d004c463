/**
 * Domain errors. Each maps to one HTTP status in src/api/middleware/errors.ts.
 * `type` is the Camunda-7-style exception name shown in error bodies
 * (`{"type":"…Exception","message":"…"}`). Add a class only when a caller branches on it.
 */
export class DomainError extends Error {
  readonly status: number = 500;
  readonly type: string = 'ProcessEngineException';
  /** Show the message to the client even for a 5xx. */
  readonly expose: boolean = false;
  /** Structured details shown to the client (e.g. lint findings, the element a deploy error names). */
  details?: Record<string, unknown>;
  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** 400: the request is malformed or a value is of the wrong type. */
export class ValidationError extends DomainError {
  override readonly status = 400;
  override readonly type = 'InvalidRequestException';
}

/** 400 on deploy: a diagram cannot be parsed or is not allowed (scripts, bad FEEL). */
export class ParseError extends DomainError {
  override readonly status = 400;
  override readonly type = 'ParseException';
}

/** 401: no or unknown credentials. */
export class Unauthorized extends DomainError {
  override readonly status = 401;
  override readonly type = 'AuthenticationException';
}

/** 403: known user, not allowed. */
export class Forbidden extends DomainError {
  override readonly status = 403;
  override readonly type = 'AuthorizationException';
}

/** 404: unknown id (Camunda answers 500 for some of these; we answer 404). */
export class NotFound extends DomainError {
  override readonly status = 404;
  override readonly type = 'InvalidRequestException';
}

/** 409: a state conflict the caller can resolve (already claimed, definition not startable …). */
export class Conflict extends DomainError {
  override readonly status = 409;
  override readonly type = 'OptimisticLockingException';
}

/** 413: body or file over the configured limit. */
export class PayloadTooLarge extends DomainError {
  override readonly status = 413;
  override readonly type = 'PayloadTooLargeException';
}

/**
 * Thrown by a store adapter when a versioned write lost against a concurrent writer.
 * The command runner catches it, reloads and retries; it reaches HTTP (409) only when retries ran out.
 */
export class VersionConflict extends Conflict {}
