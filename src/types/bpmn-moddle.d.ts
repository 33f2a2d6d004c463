/**
 * Minimal declarations for bpmn-moddle 10: the package ships element types under `bpmn-moddle/types`,
 * but none for its main export. Only what this service uses is declared.
 */
declare module 'bpmn-moddle' {
  /**
   * A parsed model element. Properties of the BPMN schema and of registered extensions
   * (e.g. camunda:assignee → `assignee`) are plain fields; unknown attributes are in `$attrs`.
   */
  export interface ModdleElement {
    readonly $type: string;
    /** The containing element; absent on the root. */
    readonly $parent?: ModdleElement;
    /** Attributes the schema does not know, keyed by qualified name. */
    readonly $attrs?: Record<string, string>;
    id?: string;
    name?: string;
    /** True when the element is of the given type or a subtype (`bpmn:FlowNode`, `camunda:In` …). */
    $instanceOf(type: string): boolean;
    /** Reads a property by (qualified) name, including schema defaults. */
    get(name: string): unknown;
    set(name: string, value: unknown): void;
    [property: string]: unknown;
  }

  /** A reference by id recorded while reading; resolved after the document is read. */
  export interface ModdleReference {
    element: ModdleElement;
    property: string;
    id: string;
  }

  /** A recoverable problem found while reading (unknown attribute, unresolved reference, dropped content). */
  export interface ModdleWarning {
    message: string;
    element?: ModdleElement;
    property?: string;
    value?: unknown;
    error?: Error;
  }

  export interface FromXmlResult {
    rootElement: ModdleElement;
    elementsById: Record<string, ModdleElement>;
    references: ModdleReference[];
    warnings: ModdleWarning[];
  }

  /** Thrown by fromXML on unreadable XML or a wrong root element. */
  export interface FromXmlError extends Error {
    warnings?: ModdleWarning[];
  }

  export interface ToXmlOptions {
    format?: boolean;
    preamble?: boolean;
  }

  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string, options?: Record<string, unknown>): Promise<FromXmlResult>;
    fromXML(xml: string, options?: Record<string, unknown>): Promise<FromXmlResult>;
    toXML(element: ModdleElement, options?: ToXmlOptions): Promise<{ xml: string }>;
    create(type: string, attrs?: Record<string, unknown>): ModdleElement;
  }

  export default BpmnModdle;
}
