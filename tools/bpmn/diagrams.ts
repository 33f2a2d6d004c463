/**
 * Every generated diagram with its forms. Each process's description lives in a file of its own
 * (`<processId>.ts` in camelCase) that exports `spec` and `forms`; add new ones here.
 */
import type { Field } from './forms.ts';
import type { DiagramSpec } from './layout.ts';
import * as ankommensverfahren from './ankommensverfahren.ts';
import * as kimCaseLifecycle from './kimCaseLifecycle.ts';
import * as kimFallkonferenz from './kimFallkonferenz.ts';
import * as baustein3Ueberleitung from './baustein3Ueberleitung.ts';
import * as abhEskalation from './abhEskalation.ts';

export interface DiagramTarget {
  spec: DiagramSpec;
  forms: Record<string, Field[]>;
}

export const DIAGRAMS: DiagramTarget[] = [ankommensverfahren, kimCaseLifecycle, kimFallkonferenz, baustein3Ueberleitung, abhEskalation]
  .filter((m): m is DiagramTarget => m.spec !== null);
