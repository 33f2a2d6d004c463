/**
 * The forms of `ankommensverfahren`: one per user task, fields as KIM-PROCESSES.md §2 names them.
 * Dates are ISO dates (`2026-03-01`) or date-times; the timers read `arrivalDate` with FEEL `date and time(…)`.
 */
import type { Field } from './forms.ts';

const bemerkung: Field = { key: 'bemerkung', label: 'Bemerkung', type: 'textarea' };

export const FORMS: Record<string, Field[]> = {
  ersterfassung: [
    { key: 'householdId', label: 'Haushalts-ID', type: 'text', required: true },
    { key: 'persons', label: 'Personen im Haushalt', type: 'list', fields: [
      { key: 'givenName', label: 'Vorname', type: 'text', required: true },
      { key: 'familyName', label: 'Familienname', type: 'text', required: true },
      { key: 'dateOfBirth', label: 'Geburtsdatum', type: 'date' },
      { key: 'nationality', label: 'Staatsangehörigkeit', type: 'text' },
      { key: 'relationship', label: 'Beziehung im Haushalt', type: 'text' },
    ] },
    { key: 'arrivalDate', label: 'Ankunftsdatum', type: 'date', required: true },
    { key: 'arrivalChannel', label: 'Zugangsweg', type: 'select', required: true, values: [
      ['ZUWEISUNG', 'Zuweisung (FlüAG)'], ['UKRAINE_24', 'Ukraine (§24 AufenthG)'], ['SEKUNDAER', 'Sekundärzuzug'],
      ['EU', 'EU-Bürger*in'], ['FAMILIENNACHZUG', 'Familiennachzug'],
    ] },
    { key: 'residenceStatus', label: 'Aufenthaltsstatus', type: 'text' },
    { key: 'residenceValidUntil', label: 'Aufenthaltstitel gültig bis', type: 'date' },
    { key: 'accommodationType', label: 'Unterkunft', type: 'select', values: [
      ['KEINE', 'Keine Unterkunft'], ['PRIVAT', 'Private Wohnung / bei Angehörigen'],
      ['GEMEINSCHAFTSUNTERKUNFT', 'Gemeinschaftsunterkunft'], ['KOMMUNAL', 'Kommunale Wohnung'],
    ] },
    { key: 'interpreterNeeded', label: 'Dolmetschung erforderlich', type: 'checkbox' },
  ],
  unterbringung: [
    { key: 'accommodationType', label: 'Unterkunft', type: 'select', required: true, values: [
      ['GEMEINSCHAFTSUNTERKUNFT', 'Gemeinschaftsunterkunft'], ['KOMMUNAL', 'Kommunale Wohnung'], ['PRIVAT', 'Private Wohnung'],
    ] },
    bemerkung,
  ],
  anmeldung: [{ key: 'registrationDate', label: 'Datum der Anmeldung', type: 'date', required: true }],
  erinnerungAnmeldung: [bemerkung],
  eskalationAnmeldung: [bemerkung],
  abhAntrag24: [
    { key: 'abhApplicationDate', label: 'Antrag gestellt am', type: 'date', required: true },
    { key: 'abhAktenzeichen', label: 'Aktenzeichen der Ausländerbehörde', type: 'text' },
  ],
  fiktionsbescheinigung: [
    { key: 'fiktionIssuedAt', label: 'Fiktionsbescheinigung ausgestellt am', type: 'date', required: true },
    { key: 'fiktionValidUntil', label: 'Fiktionsbescheinigung gültig bis', type: 'date', required: true },
  ],
  interneEskalation: [bemerkung],
  eatAushaendigung: [
    { key: 'eatOrderedAt', label: 'eAT bestellt am', type: 'date', required: true },
    { key: 'eatIssuedAt', label: 'eAT ausgehändigt am', type: 'date' },
  ],
  abhAktenanforderung: [
    { key: 'abhAktenzeichen', label: 'Aktenzeichen der Ausländerbehörde', type: 'text' },
    { key: 'wohnsitzauflageActive', label: 'Wohnsitzauflage (§12a) besteht', type: 'checkbox' },
  ],
  leistungspruefungEU: [
    { key: 'euFreizuegigkeitGeprueft', label: 'Freizügigkeit und Leistungsanspruch geprüft', type: 'checkbox' },
    bemerkung,
  ],
  leistungsantrag: [
    { key: 'benefitApplicationDate', label: 'Leistungsantrag gestellt am', type: 'date', required: true },
    { key: 'benefitDecisionDate', label: 'Bescheid vom', type: 'date' },
  ],
  krankenversicherung: [
    { key: 'healthCoverageType', label: 'Krankenversicherung', type: 'select', required: true, values: [
      ['GKV', 'Gesetzliche Krankenversicherung'], ['EGK_ASYLBLG', 'eGK nach AsylbLG'], ['BEHANDLUNGSSCHEIN', 'Behandlungsschein'],
    ] },
  ],
  integrationskurs: [
    { key: 'courseEntitlement', label: 'Berechtigung zum Integrationskurs', type: 'checkbox' },
    { key: 'entitlementIssuedAt', label: 'Berechtigung ausgestellt am', type: 'date' },
  ],
  erstberatung: [
    { key: 'referralTarget', label: 'Verweis an', type: 'select', required: true, values: [
      ['MBE', 'Migrationsberatung für Erwachsene (MBE)'], ['JMD', 'Jugendmigrationsdienst (JMD)'], ['KEINER', 'Kein Verweis'],
    ] },
    { key: 'cmIndication', label: 'CM-Indikation (komplexer Unterstützungsbedarf)', type: 'checkbox' },
  ],
};
