/**
 * The form editor of the modeler page (form-js editor): edits one `.form` of the diagram at a
 * time; what it saves is deployed together with the diagram as a new version. Its palette and
 * properties panel speak English; the texts people see most are shown in German.
 */
import { FormEditor } from '@bpmn-io/form-js-editor';

const UI_TEXT: Record<string, string> = {
  // palette
  Components: 'Bausteine',
  Input: 'Eingabe',
  Selection: 'Auswahl',
  Presentation: 'Darstellung',
  Containers: 'Container',
  Action: 'Aktion',
  'Search components': 'Bausteine suchen',
  'Text field': 'Textfeld',
  'Text area': 'Textbereich',
  Number: 'Zahl',
  'Date time': 'Datum/Zeit',
  Checkbox: 'Ankreuzfeld',
  'Checkbox group': 'Ankreuzliste',
  'Radio group': 'Optionen',
  Select: 'Auswahlliste',
  'Tag list': 'Stichwörter',
  'Text view': 'Text',
  'HTML view': 'HTML',
  'Image view': 'Bild',
  Table: 'Tabelle',
  Spacer: 'Abstand',
  Separator: 'Trennlinie',
  Group: 'Gruppe',
  'Dynamic list': 'Liste',
  Button: 'Schaltfläche',
  Expression: 'Ausdruck',
  'File picker': 'Datei',
  'Document preview': 'Dokumentvorschau',
  // properties panel
  General: 'Allgemein',
  Condition: 'Bedingung',
  Validation: 'Prüfung',
  Appearance: 'Darstellung',
  Constraints: 'Einschränkungen',
  Serialization: 'Speicherformat',
  'Options source': 'Herkunft der Optionen',
  'Static options': 'Feste Optionen',
  'Custom properties': 'Eigene Eigenschaften',
  'Field label': 'Beschriftung',
  'Field description': 'Beschreibung',
  Key: 'Schlüssel',
  'Default value': 'Vorgabewert',
  Required: 'Pflichtfeld',
  Disabled: 'Deaktiviert',
  'Read only': 'Nur lesen',
  Label: 'Beschriftung',
  Value: 'Wert',
  'Hide if': 'Ausblenden, wenn',
  'Minimum length': 'Mindestlänge',
  'Maximum length': 'Höchstlänge',
  Columns: 'Spalten',
  'Select an element to edit its properties.': 'Ein Element auswählen, um seine Eigenschaften zu bearbeiten.',
};

const ATTRIBUTES = ['placeholder', 'title', 'aria-label'];

/** Keeps the editor's most visible texts German while it renders (it knows only English ones). */
function germanize(root: HTMLElement): MutationObserver {
  const text = (node: Text) => {
    const t = node.data.trim();
    const de = t ? UI_TEXT[t] : undefined;
    // Only real changes: writing the same text is a mutation too, and the observer would never rest.
    if (de && de !== t) node.data = node.data.replace(t, de);
  };
  const element = (el: Element) => {
    for (const a of ATTRIBUTES) {
      const v = el.getAttribute(a);
      const de = v ? UI_TEXT[v.trim()] : undefined;
      if (de && de !== v) el.setAttribute(a, de);
    }
  };
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) return text(node as Text);
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    element(node as Element);
    const it = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = it.nextNode(); n; n = it.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) text(n as Text);
      else element(n as Element);
    }
  };
  walk(root);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'characterData') text(r.target as Text);
      else if (r.type === 'attributes') element(r.target as Element);
      else r.addedNodes.forEach(walk);
    }
  });
  observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES });
  return observer;
}

export interface FormEditing {
  /** Opens a form (its JSON text); `onChange` hears every edit of the user. */
  open(name: string, text: string, onChange: (schemaText: string) => void): Promise<void>;
  /** The open form's schema as JSON text. */
  text(): string;
  destroy(): void;
}

export function createFormEditing(host: HTMLElement): FormEditing {
  const editorHost = document.createElement('div');
  editorHost.className = 'form-editor-canvas';
  host.replaceChildren(editorHost);
  const editor = new FormEditor({ container: editorHost } as any);
  const observer = germanize(host);
  let listener: (() => void) | null = null;
  const schemaText = () => JSON.stringify(editor.saveSchema(), null, 2) + '\n';
  return {
    async open(_name, text, onChange) {
      if (listener) editor.off('commandStack.changed', listener);
      listener = null;
      await editor.importSchema(JSON.parse(text));
      listener = () => onChange(schemaText());
      editor.on('commandStack.changed', listener);
    },
    text: schemaText,
    destroy() {
      observer.disconnect();
      editor.destroy();
    },
  };
}
