/**
 * The forms of `ankommensverfahren`: one per user task, fields as KIM-PROCESSES.md §2 names them.
 * Dates are ISO dates (`2026-03-01`); the timers read them with FEEL `date and time(…)`.
 *
 * `ergebnis` and `zustimmung12a = "FINGIERT"` are recorded here by the person completing the task that
 * follows the decision or the deadline: the engine has no way for a diagram to set a variable by itself.
 */
import type { Field } from './forms.ts';

const bemerkung: Field = { key: 'bemerkung', label: 'Bemerkung', type: 'textarea' };

const ORGANISATIONEN: Array<[string, string]> = [
  ['org-ki', 'Kommunales Integrationszentrum Herne'], ['org-awo', 'AWO'], ['org-drk', 'DRK'], ['org-caritas', 'Caritas'], ['org-planb', 'PlanB'],
];

export const FORMS: Record<string, Field[]> = {
  ersterfassung: [
    { key: 'householdId', label: 'Haushalts-ID', type: 'text', required: true },
    { key: 'persons', label: 'Personen im Haushalt (antragstellende Person zuerst)', type: 'list', fields: [
      { key: 'givenName', label: 'Vorname', type: 'text', required: true },
      { key: 'familyName', label: 'Familienname', type: 'text', required: true },
      { key: 'dateOfBirth', label: 'Geburtsdatum', type: 'date', required: true },
      { key: 'nationality', label: 'Staatsangehörigkeit', type: 'text' },
      { key: 'relationship', label: 'Beziehung im Haushalt', type: 'text' },
    ] },
    { key: 'arrivalDate', label: 'Ankunftsdatum', type: 'date', required: true },
    { key: 'arrivalChannel', label: 'Zugangsweg', type: 'select', required: true, values: [
      ['ZUWEISUNG', 'Zuweisung (FlüAG)'], ['UKRAINE_24', 'Ukraine (§24 AufenthG)'], ['SEKUNDAER', 'Sekundärzuzug'],
      ['EU', 'EU-Bürger*in'], ['FAMILIENNACHZUG', 'Familiennachzug'],
    ] },
    { key: 'residenceStatus', label: 'Aufenthaltsstatus', type: 'select', values: [
      ['GESTATTUNG', 'Aufenthaltsgestattung (Asylverfahren)'], ['DULDUNG', 'Duldung'],
      ['AUFENTHALTSERLAUBNIS_24', 'Aufenthaltserlaubnis §24 AufenthG (oder beantragt)'],
      ['AUFENTHALTSERLAUBNIS_SCHUTZ', 'Aufenthaltserlaubnis nach Anerkennung (§25)'],
      ['AUFENTHALTSERLAUBNIS_FAMILIE', 'Aufenthaltserlaubnis Familiennachzug'], ['NIEDERLASSUNGSERLAUBNIS', 'Niederlassungserlaubnis'],
      ['FREIZUEGIGKEIT_EU', 'Freizügigkeit (EU)'],
    ] },
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
  schulzuweisung: [
    { key: 'schule', label: 'Zugewiesene Schule', type: 'text', required: true },
    { key: 'schulbeginn', label: 'Schulbesuch ab', type: 'date' },
  ],
  kitaBedarf: [
    { key: 'kitaStatus', label: 'Ergebnis der Klärung', type: 'select', required: true, values: [
      ['PLATZ_ZUGEWIESEN', 'Kita-Platz zugewiesen'], ['WARTELISTE', 'Auf der Warteliste'], ['KEIN_BEDARF', 'Kein Bedarf'],
    ] },
    { key: 'kitaPlatzAb', label: 'Kita-Platz ab', type: 'date' },
  ],
  integrationskurs: [
    { key: 'courseEntitlement', label: 'Berechtigung zum Integrationskurs', type: 'checkbox' },
    { key: 'entitlementIssuedAt', label: 'Berechtigung ausgestellt am', type: 'date' },
  ],
  kursbeginn: [
    { key: 'courseStartDate', label: 'Kursbeginn', type: 'date', required: true },
    { key: 'courseProvider', label: 'Kursträger', type: 'text' },
  ],
  abhAntrag24: [
    { key: 'abhApplicationDate', label: 'Antrag gestellt am', type: 'date', required: true },
    { key: 'abhAktenzeichen', label: 'Aktenzeichen der Ausländerbehörde', type: 'text' },
  ],
  fiktionsbescheinigung: [
    { key: 'fiktionIssuedAt', label: 'Fiktionsbescheinigung ausgestellt am', type: 'date', required: true },
    { key: 'fiktionValidUntil', label: 'Fiktionsbescheinigung gültig bis', type: 'date', required: true },
    { key: 'eatOrderedAt', label: 'eAT bestellt am', type: 'date' },
  ],
  interneEskalation: [bemerkung],
  eatAushaendigung: [
    { key: 'eatOrderedAt', label: 'eAT bestellt am', type: 'date', required: true },
    { key: 'eatIssuedAt', label: 'eAT ausgehändigt am', type: 'date', required: true },
  ],
  abhAktenanforderung: [
    { key: 'abhAktenzeichen', label: 'Aktenzeichen der Ausländerbehörde', type: 'text' },
    { key: 'wohnsitzauflageActive', label: 'Wohnsitzauflage (§12a) an einem anderen Ort besteht', type: 'checkbox' },
    { key: 'ersuchen12aAm', label: 'Ersuchen um Zustimmung zur Aufhebung eingegangen am (§72 Abs. 3a)', type: 'date' },
  ],
  zustimmungWohnsitzauflage: [
    { key: 'zustimmung12a', label: 'Zustimmung zur Aufhebung der Wohnsitzauflage', type: 'select', required: true, values: [
      ['ERTEILT', 'Zustimmung erteilt'], ['VERSAGT', 'Zustimmung versagt (Widerspruch)'],
    ] },
    bemerkung,
  ],
  zustimmungsfiktion: [
    { key: 'zustimmung12a', label: 'Zustimmung zur Aufhebung der Wohnsitzauflage', type: 'select', required: true, values: [
      ['FINGIERT', 'Gilt als erteilt: 4 Wochen ohne Widerspruch (§72 Abs. 3a AufenthG)'],
    ] },
    { key: 'wegzugsbehoerdeInformiert', label: 'Ausländerbehörde des bisherigen Wohnorts informiert', type: 'checkbox' },
  ],
  leistungspruefungEU: [
    { key: 'euFreizuegigkeitGeprueft', label: 'Freizügigkeit und Leistungsanspruch geprüft', type: 'checkbox' },
    bemerkung,
  ],
  leistungsantrag: [
    { key: 'benefitApplicationDate', label: 'Leistungsantrag gestellt am', type: 'date', required: true },
    { key: 'benefitDecisionDate', label: 'Bescheid vom (falls schon erteilt)', type: 'date' },
  ],
  leistungsbescheid: [{ key: 'benefitDecisionDate', label: 'Bescheid vom', type: 'date', required: true }],
  krankenversicherung: [
    { key: 'healthCoverageType', label: 'Krankenversicherung', type: 'select', required: true, values: [
      ['GKV', 'Gesetzliche Krankenversicherung'], ['EGK_ASYLBLG', 'eGK nach AsylbLG'], ['BEHANDLUNGSSCHEIN', 'Behandlungsschein'],
    ] },
  ],
  wechselAsylblg2: [
    { key: 'analogleistungenAb', label: 'Leistungen nach §2 AsylbLG ab', type: 'date', required: true },
    { key: 'healthCoverageType', label: 'Krankenversicherung ab dann', type: 'select', values: [
      ['GKV', 'Gesetzliche Krankenversicherung'], ['EGK_ASYLBLG', 'eGK (§264 Abs. 2 SGB V)'],
    ] },
    bemerkung,
  ],
  erstberatung: [
    { key: 'referralTarget', label: 'Verweis an', type: 'select', required: true, values: [
      ['MBE', 'Migrationsberatung für Erwachsene (MBE, ab 27)'], ['JMD', 'Jugendmigrationsdienst (JMD, 12–26)'], ['KEINER', 'Kein Verweis'],
    ] },
    { key: 'lifeAreasWithNeed3', label: 'Unterstützungsbedarf in mindestens drei Lebensbereichen', type: 'checkbox' },
    { key: 'agencies2', label: 'Mindestens zwei Stellen beteiligt', type: 'checkbox' },
    { key: 'regularServicesInsufficient', label: 'Regelangebote reichen nicht aus', type: 'checkbox' },
    { key: 'willingForCaseManagement', label: 'Person ist zur Mitwirkung am Case Management bereit', type: 'checkbox' },
    { key: 'ergebnis', label: 'Ergebnis des Ankommensverfahrens', type: 'select', required: true, values: [
      ['ANKOMMEN_ABGESCHLOSSEN', 'Ankommen abgeschlossen, kein weiterer Bedarf'],
      ['VERWEIS_FACHDIENST', 'Verweis an Fachdienst (MBE/JMD, Regelangebote)'],
      ['UEBERGABE_KIM_CM', 'CM-Indikation: warme Übergabe an das KIM-Case-Management'],
    ] },
    { key: 'uebernehmendeOrganisation', label: 'Übernehmende Stelle (bei Übergabe)', type: 'select', values: ORGANISATIONEN },
  ],
  wegzugAbschliessen: [
    { key: 'ergebnis', label: 'Ergebnis des Ankommensverfahrens', type: 'select', required: true, values: [['WEGZUG', 'Wegzug (Abmeldung)']] },
    { key: 'wegzugsort', label: 'Neuer Wohnort', type: 'text' },
    { key: 'zuzugskommuneInformiert', label: 'Kommunales Integrationszentrum am neuen Wohnort informiert (mit Einwilligung)', type: 'checkbox' },
  ],
  abbruchDokumentieren: [
    { key: 'ergebnis', label: 'Ergebnis des Ankommensverfahrens', type: 'select', required: true, values: [['ABBRUCH', 'Abbruch']] },
    { key: 'abbruchGrund', label: 'Grund', type: 'select', required: true, values: [
      ['NICHT_ERREICHBAR', 'Haushalt nicht erreichbar'], ['KEIN_BEDARF', 'Unterstützung nicht gewünscht'],
      ['UNBEKANNT_VERZOGEN', 'Unbekannt verzogen'], ['SONSTIGES', 'Sonstiges'],
    ] },
    bemerkung,
  ],
};
