import { createHash, randomUUID } from 'node:crypto';

/** A random id in Camunda's UUID form. */
export function newId(): string {
  return randomUUID();
}

/**
 * A UUID-shaped id derived from its parts: the same inputs give the same id, so a
 * projection rebuilt by a retried command (task, subscription, called child) keeps its id.
 */
export function stableId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
