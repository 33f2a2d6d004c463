import { randomBytes } from 'node:crypto';
import { Conflict, ValidationError } from '../errors.ts';
import type { GroupRecord, IdentityStore } from '../store/identityStore.ts';
import { ADMIN_GROUP } from './auth.ts';
import { hashPassword } from './password.ts';

/** Allowed user and group ids (also enforced by the identity REST routes). */
export const IDENTITY_ID_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

/** Candidate groups of the KIM processes (KIM-PROCESSES.md §1), type WORKFLOW. */
export const WORKFLOW_GROUPS: ReadonlyArray<GroupRecord> = [
  { id: 'cm-ki', name: 'Case Management Kommunales Integrationszentrum', type: 'WORKFLOW' },
  { id: 'cm-traeger', name: 'Case Management Träger der Freien Wohlfahrtspflege', type: 'WORKFLOW' },
  { id: 'cm-koordination', name: 'Koordinierende Case-Management-Stelle', type: 'WORKFLOW' },
  { id: 'kim-koordination', name: 'KIM-Koordination', type: 'WORKFLOW' },
  { id: 'abh', name: 'Ausländerbehörde', type: 'WORKFLOW' },
  { id: 'ebh', name: 'Einbürgerungsbehörde', type: 'WORKFLOW' },
  { id: 'buergerzentrum', name: 'Bürgerzentrum (Meldebehörde)', type: 'WORKFLOW' },
  { id: 'fb41-soziales', name: 'Fachbereich Soziales', type: 'WORKFLOW' },
  { id: 'jobcenter', name: 'Jobcenter Herne', type: 'WORKFLOW' },
  { id: 'fb42-jugend', name: 'Fachbereich Kinder-Jugend-Familie', type: 'WORKFLOW' },
  { id: 'ki-schule', name: 'KI Seiteneinsteigerberatung', type: 'WORKFLOW' },
];

/** Organisations a case manager belongs to (type ORGANISATION). */
export const ORGANISATION_GROUPS: ReadonlyArray<GroupRecord> = [
  { id: 'org-ki', name: 'Kommunales Integrationszentrum Herne', type: 'ORGANISATION' },
  { id: 'org-awo', name: 'AWO', type: 'ORGANISATION' },
  { id: 'org-drk', name: 'DRK', type: 'ORGANISATION' },
  { id: 'org-caritas', name: 'Caritas', type: 'ORGANISATION' },
  { id: 'org-planb', name: 'PlanB', type: 'ORGANISATION' },
];

export const SYSTEM_GROUPS: ReadonlyArray<GroupRecord> = [{ id: ADMIN_GROUP, name: 'Administration', type: 'SYSTEM' }];

export const ALL_GROUPS: ReadonlyArray<GroupRecord> = [...WORKFLOW_GROUPS, ...ORGANISATION_GROUPS, ...SYSTEM_GROUPS];

interface DemoUser {
  id: string;
  lastName: string;
  groups: string[];
}

/** One demo user per workflow group; two for cm-traeger (AWO and DRK). */
export const DEMO_USERS: ReadonlyArray<DemoUser> = [
  { id: 'demo-cm-ki', lastName: 'Fallmanagement KI', groups: ['cm-ki', 'org-ki'] },
  { id: 'demo-cm-traeger-awo', lastName: 'Fallmanagement AWO', groups: ['cm-traeger', 'org-awo'] },
  { id: 'demo-cm-traeger-drk', lastName: 'Fallmanagement DRK', groups: ['cm-traeger', 'org-drk'] },
  { id: 'demo-cm-koordination', lastName: 'CM-Koordination', groups: ['cm-koordination'] },
  { id: 'demo-kim-koordination', lastName: 'KIM-Koordination', groups: ['kim-koordination'] },
  { id: 'demo-abh', lastName: 'Ausländerbehörde', groups: ['abh'] },
  { id: 'demo-ebh', lastName: 'Einbürgerungsbehörde', groups: ['ebh'] },
  { id: 'demo-buergerzentrum', lastName: 'Bürgerzentrum', groups: ['buergerzentrum'] },
  { id: 'demo-fb41-soziales', lastName: 'Fachbereich Soziales', groups: ['fb41-soziales'] },
  { id: 'demo-jobcenter', lastName: 'Jobcenter', groups: ['jobcenter'] },
  { id: 'demo-fb42-jugend', lastName: 'Fachbereich Jugend', groups: ['fb42-jugend'] },
  { id: 'demo-ki-schule', lastName: 'Seiteneinsteigerberatung', groups: ['ki-schule'] },
];

export interface SeedOptions {
  adminUser?: string;
  adminPassword?: string;
  demo: boolean;
}

export interface SeededUser {
  id: string;
  password: string;
  groups: string[];
}

/** A fresh random password: 12 random bytes → 16 base64url characters. */
function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}

/** Creates the user with memberships; false if it already existed (also when another process won a race). */
async function createUserIfMissing(
  store: IdentityStore,
  user: { id: string; firstName: string | null; lastName: string | null; email: string | null },
  password: string,
  groups: string[],
): Promise<boolean> {
  if (await store.getUser(user.id)) return false;
  const passwordHash = await hashPassword(password);
  try {
    await store.createUser({ ...user, passwordHash });
  } catch (err) {
    if (err instanceof Conflict) return false;
    throw err;
  }
  for (const g of groups) await store.addMembership(g, user.id);
  return true;
}

/**
 * Idempotent identity seed, run on every start:
 * - every group of the domain spec is created if missing (existing groups are left as they are);
 * - the configured admin user is created (member of `admin`) if it does not exist;
 * - with `demo`, one demo user per workflow group is created if missing, with a random password.
 * `created` lists only users created by this call, with their clear-text passwords, so the caller
 * can print them once. Existing users are never modified (no password reset on restart).
 */
export async function seedIdentity(store: IdentityStore, opts: SeedOptions): Promise<{ created: SeededUser[] }> {
  for (const group of ALL_GROUPS) {
    if (await store.getGroup(group.id)) continue;
    try {
      await store.createGroup({ ...group });
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
    }
  }

  const created: SeededUser[] = [];

  if (opts.adminUser && opts.adminPassword) {
    if (!IDENTITY_ID_PATTERN.test(opts.adminUser)) {
      throw new ValidationError(`admin user id '${opts.adminUser}' must match ${IDENTITY_ID_PATTERN.source}`);
    }
    const groups = [ADMIN_GROUP];
    const user = { id: opts.adminUser, firstName: 'Administration', lastName: null, email: null };
    if (await createUserIfMissing(store, user, opts.adminPassword, groups)) {
      created.push({ id: user.id, password: opts.adminPassword, groups });
    }
  }

  if (opts.demo) {
    for (const demo of DEMO_USERS) {
      const password = randomPassword();
      const user = { id: demo.id, firstName: 'Demo', lastName: demo.lastName, email: null };
      if (await createUserIfMissing(store, user, password, demo.groups)) {
        created.push({ id: demo.id, password, groups: [...demo.groups] });
      }
    }
  }

  return { created };
}
