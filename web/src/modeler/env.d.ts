/** Declarations for what the modeler page imports without types of its own. */

/** The modeler's stylesheet (web/build.mjs builds it apart and defines its hashed URL). */
declare const __KIM_MODELER_CSS__: string;

/** The server's lint configuration, packed for bpmn-js-bpmnlint at build time (web/build.mjs). */
declare module 'virtual:kim-bpmnlint' {
  export const config: { extends?: string | string[]; rules?: Record<string, unknown> };
  export const resolver: { resolveRule(pkg: string, name: string): unknown; resolveConfig(pkg: string, name: string): unknown };
  /** The bpmnlint rules the configuration names. */
  export const ruleNames: string[];
}

declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: any;
  export const BpmnPropertiesProviderModule: any;
  export const CamundaPlatformPropertiesProviderModule: any;
}
declare module 'camunda-bpmn-js-behaviors/lib/camunda-platform' {
  const module: any;
  export default module;
}
declare module 'bpmn-js-bpmnlint' {
  const module: any;
  export default module;
}
declare module 'camunda-bpmn-moddle/resources/camunda.json' {
  const descriptor: any;
  export default descriptor;
}
