/**
 * What the service knows about a deployed process, read once at deploy time from the XML
 * (bpmn-moddle + camunda-bpmn-moddle) and stored with the definition as JSON.
 * The engine, the task projection and message correlation read this; they never re-parse XML.
 * Attribute values are kept raw: a value may be an expression (`=…` or `${…}`, both FEEL),
 * evaluated at run time against the instance's variables.
 */

/** `camunda:in` / `camunda:out` on a call activity. */
export interface VariableMapping {
  /** Variable name in the source scope (`source`). */
  source?: string;
  /** FEEL expression evaluated in the source scope (`sourceExpression`). */
  sourceExpression?: string;
  /** Target variable name. */
  target?: string;
  /** `variables="all"`: copy every variable. */
  all?: boolean;
  /** `businessKey="…"` on camunda:in: the child's business key (expression). */
  businessKey?: string;
  /** `local="true"`: map local variables only. */
  local?: boolean;
}

export interface IoParameter {
  name: string;
  value?: string;
  list?: string[];
  map?: Record<string, string>;
}

export interface ElementInfo {
  id: string;
  /** BPMN type with prefix, e.g. `bpmn:UserTask`. */
  type: string;
  name?: string;
  /** User task assignment (camunda:assignee etc.), raw. candidate* are comma-separated lists or expressions. */
  assignee?: string;
  candidateUsers?: string;
  candidateGroups?: string;
  dueDate?: string;
  followUpDate?: string;
  priority?: string;
  formKey?: string;
  /** Multi-instance: the variable name holding the current element (camunda:elementVariable, default `item`). */
  multiInstance?: { sequential: boolean; collection?: string; elementVariable: string; loopCardinality?: string; completionCondition?: string };
  /** Call activity. */
  calledElement?: string;
  inMappings?: VariableMapping[];
  outMappings?: VariableMapping[];
  /** Message events, receive tasks: the referenced bpmn:message (id, name). */
  message?: { id: string; name: string };
  /** Signal events. */
  signal?: { id: string; name: string };
  /** Timer events: which kind and the raw value. */
  timer?: { kind: 'timeDate' | 'timeDuration' | 'timeCycle'; value: string };
  /** Service / send / business-rule task implementation. */
  implementation?: { kind: 'external'; topic: string } | { kind: 'delegateExpression'; expression: string } | { kind: 'class' | 'expression'; value: string };
  /** Service-task jobs: `camunda:failedJobRetryTimeCycle`, e.g. `R5/PT5M` (5 tries, 5 minutes apart). */
  retryCycle?: string;
  /** Boundary events: the activity they are attached to, and whether they interrupt. */
  attachedToRef?: string;
  cancelActivity?: boolean;
  /**
   * camunda:inputOutput: input parameters become the activity's local variables (a user task's
   * task variables), output parameters set process variables when the activity completes. Values
   * are FEEL (`=…`) or literals; camunda:list / camunda:map hold such values.
   */
  inputParameters?: IoParameter[];
  outputParameters?: IoParameter[];
  /** For start events: true when inside an event sub-process. */
  inEventSubProcess?: boolean;
  /** For start events of the process (not of a sub-process). */
  isProcessStart?: boolean;
  /** Event-based gateways: the events it waits for (targets of its outgoing flows). */
  targets?: string[];
  /** The sub-process that directly contains the element (absent at the process level). */
  parentId?: string;
  /** For start events in an event sub-process: `isInterrupting` (default true). */
  interrupting?: boolean;
  /** For start events of an event sub-process directly in the process: it can be triggered while the instance runs. */
  startsProcessEventSubProcess?: boolean;
}

export interface ProcessModel {
  /** BPMN process id = Camunda definition key. */
  id: string;
  name?: string;
  isExecutable: boolean;
  versionTag?: string;
  historyTimeToLive?: string;
  /** Every flow node in the process and its sub-processes, by id. */
  elements: Record<string, ElementInfo>;
}

/** One lint or parse finding, returned to the client on deploy. */
export interface LintFinding {
  /** Rule name (bpmnlint rule, or `kim/…` for this service's own checks, `moddle` for parser warnings). */
  rule: string;
  /** Element id the finding names, when there is one. */
  elementId?: string;
  message: string;
  category: 'error' | 'warn' | 'info';
}

export interface ParsedDiagram {
  /** The moddle definitions root id (bpmn:Definitions/@id). */
  definitionsId: string;
  processes: ProcessModel[];
  /** Lint and parser warnings; deploy errors are thrown, not listed. */
  warnings: LintFinding[];
  /** The bpmn-moddle parse result ({ rootElement, elementsById, references, warnings }), for the engine's serializer. */
  moddleContext: unknown;
}
