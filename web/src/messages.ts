/**
 * German texts for form validation messages: the server's (src/forms/validateSubmission.ts,
 * "Field 'x' (Label) is required") and form-js's own ("Field is required."). Pure.
 */

type Rule = [RegExp, (m: RegExpExecArray) => string];

// What follows "Field 'x' (Label) " in a server problem.
const SERVER: Rule[] = [
  [/^is required$/, () => 'Pflichtfeld – bitte ausfüllen.'],
  [/^must be a text/, () => 'Bitte einen Text eingeben.'],
  [/^must have at least (\d+) characters$/, (m) => `Bitte mindestens ${m[1]} Zeichen eingeben.`],
  [/^must have at most (\d+) characters$/, (m) => `Bitte höchstens ${m[1]} Zeichen eingeben.`],
  [/^must match the pattern /, () => 'Die Eingabe hat nicht das erwartete Format.'],
  [/^must be a valid e-mail address$/, () => 'Bitte eine gültige E-Mail-Adresse eingeben.'],
  [/^must be an international phone number/, () => 'Bitte eine Telefonnummer im internationalen Format eingeben (z. B. +492323160).'],
  [/^must be a number/, () => 'Bitte eine Zahl eingeben.'],
  [/^must be at least (\S+)$/, (m) => `Der Wert muss mindestens ${m[1]} sein.`],
  [/^must be at most (\S+)$/, (m) => `Der Wert darf höchstens ${m[1]} sein.`],
  [/^must be a whole number$/, () => 'Bitte eine ganze Zahl eingeben.'],
  [/^must have at most (\d+) decimal digits$/, (m) => `Bitte höchstens ${m[1]} Nachkommastellen eingeben.`],
  [/^must be a multiple of (\S+)$/, (m) => `Der Wert muss ein Vielfaches von ${m[1]} sein.`],
  [/^must be true or false/, () => 'Ungültiger Wert (ja oder nein erwartet).'],
  [/^must be a single value/, () => 'Bitte genau einen Wert auswählen.'],
  [/^must be one of /, () => 'Bitte einen der angebotenen Werte auswählen.'],
  [/^may only contain /, () => 'Bitte nur angebotene Werte auswählen.'],
  [/^must be a list of objects$/, () => 'Ungültige Liste.'],
  [/^must be a list/, () => 'Bitte eine Auswahl treffen.'],
  [/^must be an object$/, () => 'Ungültiger Eintrag.'],
  [/^must be a date \(YYYY-MM-DD\)/, () => 'Bitte ein gültiges Datum eingeben.'],
  [/^must be a time /, () => 'Bitte eine gültige Uhrzeit eingeben.'],
  [/^must be a date and time /, () => 'Bitte ein gültiges Datum mit Uhrzeit eingeben.'],
  [/^must be a (date|time|datetime) as text/, () => 'Bitte ein gültiges Datum eingeben.'],
];

// form-js 1.x messages (Validator.runPresetValidation).
const FORM_JS: Rule[] = [
  [/^Field is required\.$/, () => 'Pflichtfeld – bitte ausfüllen.'],
  [/^Field must match pattern /, () => 'Die Eingabe hat nicht das erwartete Format.'],
  [/^Field must have minimum value of (.+)\.$/, (m) => `Der Wert muss mindestens ${m[1]} sein.`],
  [/^Field must have maximum value of (.+)\.$/, (m) => `Der Wert darf höchstens ${m[1]} sein.`],
  [/^Field must have minimum length of (.+)\.$/, (m) => `Bitte mindestens ${m[1]} Zeichen eingeben.`],
  [/^Field must have maximum length of (.+)\.$/, (m) => `Bitte höchstens ${m[1]} Zeichen eingeben.`],
  [/^Field must be a valid +international phone number/, () => 'Bitte eine Telefonnummer im internationalen Format eingeben (z. B. +492323160).'],
  [/^Field must be a valid email\.$/, () => 'Bitte eine gültige E-Mail-Adresse eingeben.'],
];

function apply(rules: Rule[], text: string): string | undefined {
  for (const [re, make] of rules) {
    const m = re.exec(text);
    if (m) return make(m);
  }
  return undefined;
}

/** One problem of the server's 400 (`details.problems[]`) in German; its own text if unknown. */
export function serverProblemText(problem: { field: string; label?: string; message: string }): string {
  const m = /^Field '(?:[^']*)'(?: \((?:.*?)\))? (.*)$/s.exec(problem.message);
  const what = m ? m[1]! : problem.message;
  return apply(SERVER, what) ?? problem.message;
}

/** A form-js validation message in German; unchanged if unknown (e.g. a form's own patternErrorMessage). */
export function formJsMessage(message: string): string {
  return apply(FORM_JS, message) ?? message;
}

/** form-js's data path (`['persons', 1, 'dateOfBirth']`) as the server writes it (`persons[1].dateOfBirth`). */
export function pathText(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

// form-js's own interface texts (buttons, placeholders, aria labels), which it has only in English.
const FORM_JS_UI: Rule[] = [
  [/^Add new$/, () => 'Eintrag hinzufügen'],
  [/^Expand all \((\d+)\)$/, (m) => `Alle anzeigen (${m[1]})`],
  [/^Collapse$/, () => 'Einklappen'],
  [/^No results$/, () => 'Keine Treffer'],
  [/^Search$/, () => 'Suchen'],
  [/^Browse$/, () => 'Durchsuchen'],
  [/^Nothing to show\.$/, () => 'Keine Einträge.'],
  [/^Remove tag$/, () => 'Entfernen'],
  [/^Remove list item (\d+)$/, (m) => `Eintrag ${m[1]} entfernen`],
  [/^Increment$/, () => 'Erhöhen'],
  [/^Decrement$/, () => 'Verringern'],
  [/^Previous page$/, () => 'Vorherige Seite'],
  [/^Next page$/, () => 'Nächste Seite'],
  [/^Download (.+)$/, (m) => `${m[1]} herunterladen`],
];

/** The German text of one of form-js's interface texts (whole text only), or undefined. */
export function formJsUiText(text: string): string | undefined {
  return apply(FORM_JS_UI, text.trim());
}
