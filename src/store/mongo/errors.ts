/**
 * Driver errors → domain errors, in one place. Every write of the adapter that can hit a unique
 * index or lose a race goes through `domainError`, so callers only ever see the port's errors
 * (`Conflict`, `VersionConflict`, `ValidationError`) or an unexpected (500) error.
 */
import { MongoBulkWriteError, MongoServerError, type WriteError } from 'mongodb';
import { Conflict, DomainError, VersionConflict } from '../../errors.ts';

const DUPLICATE_KEY = new Set([11000, 11001, 12582]);
/** WriteConflict, and the labels MongoDB puts on errors a retry of the whole command may fix. */
const WRITE_CONFLICT = 112;
const RETRYABLE_LABELS = ['TransientTransactionError', 'RetryableWriteError'];
/**
 * FerretDB 1.x reports a unique-index violation inside an upsert/update as an internal error
 * carrying SQLite's message rather than as E11000; recognise both spellings.
 */
const DUPLICATE_MESSAGE = /E11000 duplicate key|UNIQUE constraint failed/;

function writeErrorsOf(err: MongoBulkWriteError): WriteError[] {
  const list = err.writeErrors;
  return (Array.isArray(list) ? [...list] : list ? [list as WriteError] : []);
}

/** True when `err` is (only) a duplicate-key violation. */
export function isDuplicateKey(err: unknown): boolean {
  if (err instanceof MongoBulkWriteError) {
    const writeErrors = writeErrorsOf(err);
    if (writeErrors.length > 0) return writeErrors.every((e) => DUPLICATE_KEY.has(e.code));
  }
  if (err instanceof MongoServerError) {
    return DUPLICATE_KEY.has(Number(err.code)) || DUPLICATE_MESSAGE.test(err.message);
  }
  return false;
}

/** True when the server says a concurrent writer got in the way (a reload and retry may succeed). */
export function isWriteConflict(err: unknown): boolean {
  return err instanceof MongoServerError
    && (err.code === WRITE_CONFLICT || RETRYABLE_LABELS.some((label) => err.hasErrorLabel(label)));
}

/**
 * Indexes (positions in the batch) of the documents an unordered insertMany rejected as duplicates.
 * Rethrows anything that is not purely a duplicate-key failure.
 */
export function duplicateIndexes(err: unknown): number[] {
  if (err instanceof MongoBulkWriteError) {
    const writeErrors = writeErrorsOf(err);
    if (writeErrors.length > 0 && writeErrors.every((e) => DUPLICATE_KEY.has(e.code))) return writeErrors.map((e) => e.index);
  }
  throw domainError(err);
}

/**
 * The one mapping used everywhere: duplicate key → `onDuplicate()` (Conflict unless the caller
 * says otherwise, e.g. VersionConflict for an instance insert), write conflict → VersionConflict,
 * domain errors and anything else unchanged. Use as `catch (err) { throw domainError(err, …) }`.
 */
export function domainError(err: unknown, onDuplicate?: () => DomainError): unknown {
  if (err instanceof DomainError) return err;
  if (isDuplicateKey(err)) return onDuplicate ? onDuplicate() : new Conflict(`duplicate key: ${(err as Error).message}`);
  if (isWriteConflict(err)) return new VersionConflict(`concurrent write: ${(err as Error).message}`);
  return err;
}
