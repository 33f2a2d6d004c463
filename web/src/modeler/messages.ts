/**
 * German texts for what the service says about a diagram: the refusals of a deploy (`kim/…`
 * rules: scripts, listeners, Java/JUEL, FEEL that does not parse) and the bpmnlint findings (also
 * shown by the linter overlays while editing). Unknown texts stay as they are. Pure.
 */

type Rule = [RegExp, (m: RegExpExecArray) => string];

const ATTRIBUTES: Record<string, string> = {
  conditionExpression: 'der Bedingung',
  completionCondition: 'der Abschlussbedingung',
  condition: 'der Bedingung',
  assignee: 'der Zuständigkeit (assignee)',
  candidateUsers: 'den Kandidat-Benutzern',
  candidateGroups: 'den Kandidat-Gruppen',
  dueDate: 'der Fälligkeit',
  followUpDate: 'der Wiedervorlage',
  priority: 'der Priorität',
  formKey: 'dem Formularschlüssel',
  timeDate: 'dem Zeitpunkt des Timers',
  timeDuration: 'der Dauer des Timers',
  timeCycle: 'dem Zyklus des Timers',
};

function attribute(name: string): string {
  return ATTRIBUTES[name] ?? `„${name}“`;
}

const SERVER: Rule[] = [
  [/^Script tasks are not allowed: /, () => 'Skript-Aufgaben sind nicht erlaubt: Auf dem Server läuft kein Skript aus einem Diagramm. Bitte eine Service-Aufgabe (extern, mit Topic) oder eine Benutzeraufgabe verwenden.'],
  [/^camunda:class is not allowed/, () => 'camunda:class ist nicht erlaubt (Java-Klassen laufen hier nicht). Bitte „Externe Aufgabe“ mit Topic oder camunda:delegateExpression mit einem registrierten Handler verwenden.'],
  [/^camunda:expression is not allowed/, () => 'camunda:expression ist nicht erlaubt (JUEL läuft hier nicht). Bitte „Externe Aufgabe“ mit Topic oder camunda:delegateExpression mit einem registrierten Handler verwenden.'],
  [/^External task without camunda:topic/, () => 'Externe Aufgabe ohne Topic: Bitte ein Topic angeben.'],
  [/^(Execution|Task) listeners are not allowed/, (m) => `${m[1] === 'Task' ? 'Task-Listener' : 'Ausführungs-Listener'} sind nicht erlaubt: Auf dem Server läuft kein Code aus einem Diagramm.`],
  [/^Scripts are not allowed/, () => 'Skripte sind nicht erlaubt (camunda:script): Auf dem Server läuft kein Skript aus einem Diagramm.'],
  [/^Condition language "(.*)" is not allowed/, (m) => `Die Sprache „${m[1]}“ ist für Bedingungen nicht erlaubt, nur FEEL (z. B. =betrag > 1000).`],
  [/^Invalid FEEL expression in (\S+) of \S+: ([\s\S]*)$/, (m) => `Ungültiger FEEL-Ausdruck in ${attribute(m[1]!)}: ${m[2]}`],
  [/^The (\S+) of \S+ is not an expression \(=… or \$\{…\}\) and is used as literal text: ([\s\S]*)$/, (m) => `Der Wert in ${attribute(m[1]!)} ist kein Ausdruck (=… oder \${…}) und gilt als Text: ${m[2]}`],
  [/^The (\S+) of \S+ calls a method \(([\s\S]*)\); FEEL has no methods/, (m) => `${attribute(m[1]!).replace(/^\w/, (c) => c.toUpperCase())} ruft eine Methode auf (${m[2]}): FEEL kennt keine Methoden, vermutlich JUEL – das scheitert zur Laufzeit.`],
];

/** bpmnlint's messages (bpmnlint 11, the rules of bpmnlint:recommended). */
const LINT: Rule[] = [
  [/^Element is missing label\/name$/, () => 'Element hat keine Beschriftung'],
  [/^Element is missing name$/, () => 'Element hat keinen Namen'],
  [/^Element is not connected$/, () => 'Element ist nicht verbunden'],
  [/^Element is an implicit end$/, () => 'Element ist ein impliziter Endpunkt (Endereignis fehlt)'],
  [/^Element is an implicit start$/, () => 'Element ist ein impliziter Startpunkt (Startereignis fehlt)'],
  [/^Flow splits implicitly$/, () => 'Fluss verzweigt sich ohne Gateway'],
  [/^Incoming flows do not join$/, () => 'Eingehende Flüsse werden nicht zusammengeführt'],
  [/^Gateway forks and joins$/, () => 'Gateway verzweigt und führt zugleich zusammen'],
  [/^Gateway is superfluous\. It only has one source and target\.$/, () => 'Gateway ist überflüssig: nur ein Eingang und ein Ausgang'],
  [/^Sequence flow is missing condition$/, () => 'Sequenzfluss ohne Bedingung'],
  [/^Sequence flow has superfluous label$/, () => 'Sequenzfluss hat eine überflüssige Beschriftung'],
  [/^SequenceFlow is a duplicate$/, () => 'Sequenzfluss ist doppelt'],
  [/^Duplicate outgoing sequence flows$/, () => 'Doppelte ausgehende Sequenzflüsse'],
  [/^Duplicate incoming sequence flows$/, () => 'Doppelte eingehende Sequenzflüsse'],
  [/^Element overlaps with other element$/, () => 'Element überlappt ein anderes'],
  [/^Element is outside of parent boundary$/, () => 'Element liegt außerhalb seines Containers'],
  [/^Element is missing bpmndi$/, () => 'Element hat keine Darstellung im Diagramm (BPMNDI)'],
  [/^Element is unused$/, () => 'Element wird nicht verwendet'],
  [/^Element name is not unique$/, () => 'Elementname ist nicht eindeutig'],
  [/^Element type <(.+)> is discouraged$/, (m) => `Elementtyp <${m[1]}> wird nicht empfohlen`],
  [/^Event has multiple event definitions$/, () => 'Ereignis hat mehrere Ereignisdefinitionen'],
  [/^Start event must be blank$/, () => 'Startereignis muss ein leeres Startereignis sein'],
  [/^Start event is missing event definition$/, () => 'Startereignis ohne Ereignisdefinition'],
  [/^(.+) is missing start event$/, (m) => `${m[1]} hat kein Startereignis`],
  [/^(.+) is missing end event$/, (m) => `${m[1]} hat kein Endereignis`],
  [/^(.+) has multiple blank start events$/, (m) => `${m[1]} hat mehrere leere Startereignisse`],
  [/^Termination is superfluous\.$/, () => 'Terminierung ist überflüssig'],
  [/^Conditional event is missing a condition$/, () => 'Bedingungsereignis ohne Bedingung'],
  [/^An <Event-based Gateway> must have at least 2 outgoing <Sequence Flows>$/, () => 'Ein ereignisbasiertes Gateway braucht mindestens 2 ausgehende Sequenzflüsse'],
  [/^A <Sequence Flow> outgoing from an <Event-based Gateway> must not be conditional$/, () => 'Ein Sequenzfluss aus einem ereignisbasierten Gateway darf keine Bedingung haben'],
  [/^Link event is missing link name$/, () => 'Link-Ereignis ohne Link-Namen'],
  [/^Lint rule failed: (.*)$/, (m) => `Prüfregel fehlgeschlagen: ${m[1]}`],
];

function apply(rules: Rule[], text: string): string | undefined {
  for (const [re, make] of rules) {
    const m = re.exec(text);
    if (m) return make(m);
  }
  return undefined;
}

/** A problem or warning of a deploy (server rule or lint finding) in German; its own text if unknown. */
export function problemText(message: string): string {
  return apply(SERVER, message) ?? apply(LINT, message) ?? message;
}

/** A bpmnlint message in German, or undefined. */
export function lintText(message: string): string | undefined {
  return apply(LINT, message);
}

/** The deploy's error message (ValidationError, XML errors …) in German where known. */
export function deployErrorText(status: number, message: string): string {
  if (status === 0) return message;
  if (status === 401) return 'Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.';
  if (status === 403) return 'Bereitstellen dürfen nur die KIM-Koordination und Administratoren.';
  if (status === 413) return `Eine Datei ist zu groß: ${message}`;
  if (status >= 500) return 'Der Dienst hat einen Fehler gemeldet. Bitte später erneut versuchen.';
  const known: Rule[] = [
    [/^Form (.+) is not valid JSON$/, (m) => `Das Formular ${m[1]} ist kein gültiges JSON.`],
    [/^The diagram contains no bpmn:process$/, () => 'Das Diagramm enthält keinen Prozess.'],
    [/^A bpmn:process has no id$/, () => 'Ein Prozess hat keine ID.'],
    [/^Process (.+) is defined twice in this deployment$/, (m) => `Der Prozess ${m[1]} ist in dieser Bereitstellung doppelt.`],
    [/^Invalid resource name: (.*)$/, (m) => `Ungültiger Dateiname: ${m[1]}`],
  ];
  return apply(known, message) ?? apply(SERVER, message) ?? message;
}
