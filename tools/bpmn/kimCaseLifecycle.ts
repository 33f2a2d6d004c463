/** Not described yet: `spec` null leaves it out of the build. */
import type { Field } from './forms.ts';
import type { DiagramSpec } from './layout.ts';

export const spec: DiagramSpec | null = null;
export const forms: Record<string, Field[]> = {};
