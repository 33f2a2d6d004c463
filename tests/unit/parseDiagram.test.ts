import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { FromXmlResult } from 'bpmn-moddle';
import { DomainError, ParseError, PayloadTooLarge } from '../../src/errors.ts';
import { lint } from '../../src/bpmn/lint.ts';
import type { ParsedDiagram, ProcessModel } from '../../src/bpmn/model.ts';
import { parseDiagram, type ParseOptions } from '../../src/bpmn/parseDiagram.ts';

const fixtures = new URL('../fixtures/bpmn/parse/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, fixtures));

/** A definitions document around one process body. */
function diagram(body: string, { executable = true, before = '' }: { executable?: boolean; before?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="Definitions_Test" targetNamespace="http://bpmn.io/schema/bpmn">
  ${before}
  <bpmn:process id="test" isExecutable="${executable}">
    ${body}
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → (flow f1) → `element` → (flow f2) → end, with `element` having id `subject`. */
function around(element: string, options?: { executable?: boolean; before?: string }): string {
  return diagram(
    `<bpmn:startEvent id="start" />
    ${element}
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="subject" />
    <bpmn:sequenceFlow id="f2" sourceRef="subject" targetRef="end" />`,
    options,
  );
}

/** An exclusive split whose flow `flowA` carries the given conditionExpression. */
function withCondition(condition: string): string {
  return diagram(`<bpmn:startEvent id="start" />
    <bpmn:exclusiveGateway id="split" default="flowB" />
    <bpmn:endEvent id="endA" />
    <bpmn:endEvent id="endB" />
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split" />
    <bpmn:sequenceFlow id="flowA" sourceRef="split" targetRef="endA">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"${condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="flowB" sourceRef="split" targetRef="endB" />`);
}

async function refusalOf(xml: string | Buffer, options?: ParseOptions): Promise<DomainError> {
  try {
    await parseDiagram(xml, options);
  } catch (err) {
    expect(err).to.be.instanceOf(DomainError);
    return err as DomainError;
  }
  throw new Error('expected parseDiagram to refuse the diagram');
}

describe('parseDiagram', () => {
  describe('reading an executable diagram', () => {
    let parsed: ParsedDiagram;
    let intake: ProcessModel;

    before(async () => {
      // Given the intake diagram (user tasks, MI, call activity, message/receive waits, timer, service tasks)
      // When it is parsed
      parsed = await parseDiagram(fixture('executable.bpmn'));
      intake = parsed.processes[0];
    });

    it('returns the definitions id and the process with its camunda attributes', () => {
      expect(parsed.definitionsId).to.equal('Definitions_Intake');
      expect(parsed.processes).to.have.length(1);
      expect(intake.id).to.equal('intake');
      expect(intake.name).to.equal('Intake');
      expect(intake.isExecutable).to.equal(true);
      expect(intake.versionTag).to.equal('1.2');
      expect(intake.historyTimeToLive).to.equal('P30D');
    });

    it('lists every flow node, including those of sub-processes, and no sequence flows', () => {
      expect(Object.keys(intake.elements)).to.have.members([
        'start', 'review', 'reviewOverdue', 'reminded', 'checkDocuments', 'callSub', 'waitDocs', 'waitConfirm',
        'notify', 'archive', 'end', 'escalation', 'escalationStart', 'escalationEnd',
      ]);
    });

    it('reads user task assignment raw', () => {
      expect(intake.elements.review).to.deep.equal({
        id: 'review',
        type: 'bpmn:UserTask',
        name: 'Review request',
        assignee: '=initiator',
        candidateGroups: 'cm-ki, abh',
        dueDate: '=now() + duration("P3D")',
        formKey: 'embedded:app:forms/review.html',
      });
    });

    it('reads multi-instance characteristics with the declared element variable', () => {
      expect(intake.elements.checkDocuments).to.deep.equal({
        id: 'checkDocuments',
        type: 'bpmn:UserTask',
        name: 'Check document',
        candidateUsers: '${reviewer}',
        multiInstance: { sequential: true, collection: '=documents', elementVariable: 'document', completionCondition: '=allChecked' },
      });
    });

    it('reads the call activity with its in/out mappings', () => {
      expect(intake.elements.callSub).to.deep.equal({
        id: 'callSub',
        type: 'bpmn:CallActivity',
        name: 'Run sub-process',
        calledElement: 'intake-detail',
        inMappings: [
          { businessKey: '=businessKey' },
          { source: 'caseId', target: 'parentCaseId' },
          { sourceExpression: '=amount * 2', target: 'doubled' },
        ],
        outMappings: [{ all: true }, { source: 'result', target: 'subResult' }],
      });
    });

    it('reads the message of a catch event and of a receive task (a nameless message is named by its id)', () => {
      expect(intake.elements.waitDocs).to.deep.equal({
        id: 'waitDocs',
        type: 'bpmn:IntermediateCatchEvent',
        name: 'Documents received',
        message: { id: 'Message_Docs', name: 'documentsReceived' },
      });
      expect(intake.elements.waitConfirm).to.deep.equal({
        id: 'waitConfirm',
        type: 'bpmn:ReceiveTask',
        name: 'Wait for confirmation',
        message: { id: 'Message_NoName', name: 'Message_NoName' },
      });
    });

    it('reads a non-interrupting boundary timer', () => {
      expect(intake.elements.reviewOverdue).to.deep.equal({
        id: 'reviewOverdue',
        type: 'bpmn:BoundaryEvent',
        name: '3 days',
        timer: { kind: 'timeDuration', value: 'P3D' },
        attachedToRef: 'review',
        cancelActivity: false,
      });
    });

    it('reads service task implementations', () => {
      expect(intake.elements.notify).to.deep.equal({
        id: 'notify',
        type: 'bpmn:ServiceTask',
        name: 'Notify',
        implementation: { kind: 'external', topic: 'kim-notify' },
        inputParameters: [{ name: 'text', value: 'Hallo ${name}' }],
        outputParameters: [{ name: 'sent', value: '=true' }],
      });
      expect(intake.elements.archive.implementation).to.deep.equal({ kind: 'delegateExpression', expression: '${archiveHandler}' });
    });

    it('tells process starts from event sub-process starts', () => {
      expect(intake.elements.start).to.deep.equal({
        id: 'start',
        type: 'bpmn:StartEvent',
        name: 'Request received',
        isProcessStart: true,
        inEventSubProcess: false,
      });
      expect(intake.elements.escalationStart).to.deep.equal({
        id: 'escalationStart',
        type: 'bpmn:StartEvent',
        name: 'Escalate',
        signal: { id: 'Signal_Escalate', name: 'escalate' },
        isProcessStart: false,
        inEventSubProcess: true,
        startsProcessEventSubProcess: true,
        interrupting: false,
        parentId: 'escalation',
      });
      expect(intake.elements.escalation).to.deep.equal({ id: 'escalation', type: 'bpmn:SubProcess' });
    });

    it('returns the moddle context for the engine', () => {
      const context = parsed.moddleContext as Record<string, unknown>;
      expect(context).to.include.keys('rootElement', 'elementsById', 'references', 'warnings');
      expect((context.elementsById as Record<string, unknown>).review).to.be.an('object');
    });

    it('reads a string the same as a Buffer', async () => {
      const fromString = await parseDiagram(fixture('executable.bpmn').toString('utf8'));
      expect(fromString.processes).to.deep.equal(parsed.processes);
    });
  });

  describe('refusing unsafe or unreadable XML', () => {
    it('refuses a DOCTYPE (XXE) before parsing', async () => {
      const err = await refusalOf(fixture('xxe.bpmn'));
      expect(err).to.be.instanceOf(ParseError);
      expect(err.message).to.equal('DOCTYPE and entity declarations are not allowed');
    });

    it('refuses entity declarations (billion laughs)', async () => {
      const err = await refusalOf(fixture('billion-laughs.bpmn'));
      expect(err).to.be.instanceOf(ParseError);
      expect(err.message).to.equal('DOCTYPE and entity declarations are not allowed');
    });

    it('refuses an entity declaration in any case, even without a DOCTYPE', async () => {
      const err = await refusalOf(diagram('<!-- <!entity x "y"> -->'));
      expect(err.message).to.equal('DOCTYPE and entity declarations are not allowed');
    });

    it('refuses malformed XML with the parser message and position', async () => {
      const err = await refusalOf(diagram('<bpmn:startEvent id="start">'));
      expect(err).to.be.instanceOf(ParseError);
      expect(err.message).to.equal('Malformed XML: unparsable content </bpmn:process> detected (line 8, column 3): closing tag mismatch');
      expect(err.details).to.deep.equal({ line: 8, column: 3 });
    });

    it('refuses a root element other than bpmn:definitions', async () => {
      const err = await refusalOf('<?xml version="1.0"?><bpmn:process xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="p" />');
      expect(err).to.be.instanceOf(ParseError);
      expect(err.message).to.contain('The root element must be bpmn:definitions').and.contain('unexpected element <bpmn:process>');
    });

    it('refuses bytes that are not UTF-8, and empty input', async () => {
      const latin1 = Buffer.from(diagram('<bpmn:task id="t" name="Prüfung" />'), 'latin1');
      expect((await refusalOf(latin1)).message).to.equal('The diagram is not valid UTF-8 text');
      expect((await refusalOf('  \n')).message).to.equal('The diagram is empty');
    });

    it('refuses characters XML does not allow', async () => {
      const err = await refusalOf(diagram('<bpmn:task id="t" name="a\u0000b" />'));
      expect(err.message).to.equal('The diagram contains a character not allowed in XML (U+0000)');
    });

    it('refuses definitions without any process', async () => {
      const xml = '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D"><bpmn:message id="m" /></bpmn:definitions>';
      expect((await refusalOf(xml)).message).to.equal('The diagram contains no bpmn:process');
    });

    it('refuses a diagram over maxBytes with PayloadTooLarge', async () => {
      const xml = fixture('executable.bpmn');
      const fromBuffer = await refusalOf(xml, { maxBytes: 1024 });
      expect(fromBuffer).to.be.instanceOf(PayloadTooLarge);
      expect(fromBuffer.message).to.equal('The diagram is larger than 1024 bytes');
      expect(await refusalOf(xml.toString('utf8'), { maxBytes: 1024 })).to.be.instanceOf(PayloadTooLarge);
    });

    it('refuses a sequence flow to an unknown element, naming the flow', async () => {
      const err = await refusalOf(diagram('<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="nowhere" />'));
      expect(err).to.be.instanceOf(ParseError);
      expect(err.message).to.equal('f1 refers to an unknown element in bpmn:targetRef: nowhere');
      expect(err.details).to.include({ elementId: 'f1' });
    });

    it('refuses duplicate ids (moddle would drop the second element)', async () => {
      const err = await refusalOf(diagram('<bpmn:task id="twice" /><bpmn:task id="twice" />', { executable: false }));
      expect(err.message).to.equal('Duplicate element id: twice');
      expect(err.details).to.include({ elementId: 'twice' });
    });
  });

  describe('refusing executable processes this engine will not run', () => {
    const cases: { title: string; xml: string; fragment: string; elementId: string }[] = [
      {
        title: 'a script task',
        xml: around('<bpmn:scriptTask id="subject" scriptFormat="javascript"><bpmn:script>1</bpmn:script></bpmn:scriptTask>'),
        fragment: 'Script tasks are not allowed: subject',
        elementId: 'subject',
      },
      {
        title: 'a javascript condition',
        xml: withCondition(' language="javascript">amount > 100'),
        fragment: 'Condition language "javascript" is not allowed, only "feel": flowA',
        elementId: 'flowA',
      },
      {
        title: 'a groovy condition',
        xml: withCondition(' language="groovy">amount &gt; 100'),
        fragment: 'Condition language "groovy" is not allowed',
        elementId: 'flowA',
      },
      {
        title: 'a condition that is not FEEL',
        xml: withCondition('>=amount &gt;'),
        fragment: 'Invalid FEEL expression in conditionExpression of flowA: =amount >',
        elementId: 'flowA',
      },
      {
        title: 'a language="feel" condition that does not parse',
        xml: withCondition(' language="FEEL">amount &gt;'),
        fragment: 'Invalid FEEL expression in conditionExpression of flowA: amount >',
        elementId: 'flowA',
      },
      {
        title: 'JUEL that FEEL cannot parse',
        xml: withCondition('>${!approved}'),
        fragment: 'Invalid FEEL expression in conditionExpression of flowA: ${!approved}',
        elementId: 'flowA',
      },
      {
        title: 'bad FEEL in candidateGroups',
        xml: around('<bpmn:userTask id="subject" camunda:candidateGroups="=[&quot;cm-ki&quot;, &quot;abh&quot;" />'),
        fragment: 'Invalid FEEL expression in camunda:candidateGroups of subject: =["cm-ki", "abh"',
        elementId: 'subject',
      },
      {
        title: 'bad FEEL in a template part',
        xml: around(`<bpmn:serviceTask id="subject" camunda:type="external" camunda:topic="mail">
          <bpmn:extensionElements><camunda:inputOutput>
            <camunda:inputParameter name="text">Hallo \${name +}</camunda:inputParameter>
          </camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>`),
        fragment: 'Invalid FEEL expression in camunda:inputParameter text of subject: Hallo ${name +}',
        elementId: 'subject',
      },
      {
        title: 'an execution listener with a script',
        xml: around(`<bpmn:task id="subject"><bpmn:extensionElements>
            <camunda:executionListener event="start"><camunda:script scriptFormat="javascript">1</camunda:script></camunda:executionListener>
          </bpmn:extensionElements></bpmn:task>`),
        fragment: 'Execution listeners are not allowed (camunda:script: no script from a diagram runs on the server): subject',
        elementId: 'subject',
      },
      {
        title: 'a task listener with a Java class',
        xml: around(`<bpmn:userTask id="subject"><bpmn:extensionElements>
            <camunda:taskListener event="create" class="org.example.Listener" />
          </bpmn:extensionElements></bpmn:userTask>`),
        fragment: 'Task listeners are not allowed (camunda:class: Java classes cannot run on this engine): subject',
        elementId: 'subject',
      },
      {
        title: 'a script in an input parameter',
        xml: around(`<bpmn:task id="subject"><bpmn:extensionElements><camunda:inputOutput>
            <camunda:inputParameter name="x"><camunda:script scriptFormat="javascript">1</camunda:script></camunda:inputParameter>
          </camunda:inputOutput></bpmn:extensionElements></bpmn:task>`),
        fragment: 'Scripts are not allowed (camunda:script in camunda:InputOutput): subject',
        elementId: 'subject',
      },
      {
        title: 'a camunda:class service task',
        xml: around('<bpmn:serviceTask id="subject" camunda:class="org.example.Delegate" />'),
        fragment: 'camunda:class is not allowed (Java classes cannot run on this engine;',
        elementId: 'subject',
      },
      {
        title: 'a camunda:expression send task',
        xml: around('<bpmn:sendTask id="subject" camunda:expression="${mailer.send(execution)}" />'),
        fragment: 'camunda:expression is not allowed (JUEL cannot run on this engine;',
        elementId: 'subject',
      },
      {
        title: 'an external task without topic',
        xml: around('<bpmn:serviceTask id="subject" camunda:type="external" />'),
        fragment: 'External task without camunda:topic: subject',
        elementId: 'subject',
      },
      {
        title: 'a message catch whose message does not exist',
        xml: around('<bpmn:intermediateCatchEvent id="subject"><bpmn:messageEventDefinition messageRef="Missing" /></bpmn:intermediateCatchEvent>'),
        fragment: 'subject refers to an unknown element in bpmn:messageRef: Missing',
        elementId: 'subject',
      },
    ];

    for (const { title, xml, fragment, elementId } of cases) {
      it(`refuses ${title}`, async () => {
        // Given an executable process with ${title}, when it is parsed, then the deploy fails naming the element
        const err = await refusalOf(xml);
        expect(err).to.be.instanceOf(ParseError);
        expect(err.message).to.contain(fragment);
        expect(err.details?.elementId).to.equal(elementId);
      });
    }

    it('lists every problem in details.problems', async () => {
      const xml = diagram(`<bpmn:scriptTask id="one" /><bpmn:scriptTask id="two" /><bpmn:serviceTask id="three" camunda:class="X" />`);
      const err = await refusalOf(xml);
      expect(err.details?.problems).to.deep.equal([
        { rule: 'kim/no-script-task', elementId: 'one', message: 'Script tasks are not allowed: one' },
        { rule: 'kim/no-script-task', elementId: 'two', message: 'Script tasks are not allowed: two' },
        {
          rule: 'kim/implementation',
          elementId: 'three',
          message: 'camunda:class is not allowed (Java classes cannot run on this engine; use camunda:type="external" with a camunda:topic, or camunda:delegateExpression naming a registered handler): three',
        },
      ]);
    });
  });

  describe('accepting what the engine can run', () => {
    it('accepts FEEL in every form: =expr, ${expr}, #{expr} and templates', async () => {
      const parsed = await parseDiagram(around(`<bpmn:userTask id="subject" camunda:assignee="\${initiator}" camunda:candidateUsers="#{reviewer}"
          camunda:candidateGroups="cm-ki, abh" camunda:dueDate="=today() + duration(&quot;P1D&quot;)" camunda:priority="50">
          <bpmn:extensionElements><camunda:inputOutput>
            <camunda:inputParameter name="greeting">Hallo \${firstName} \${lastName}</camunda:inputParameter>
            <camunda:inputParameter name="limits"><camunda:map><camunda:entry key="max">=limit * 2</camunda:entry></camunda:map></camunda:inputParameter>
          </camunda:inputOutput></bpmn:extensionElements></bpmn:userTask>`));
      expect(parsed.processes[0].elements.subject.assignee).to.equal('${initiator}');
      expect(parsed.warnings.filter((finding) => finding.rule.startsWith('kim/'))).to.deep.equal([]);
    });

    it('warns about a literal condition and about a JUEL-style method call', async () => {
      const literal = await parseDiagram(withCondition('>approved'));
      expect(literal.warnings).to.deep.include({
        rule: 'kim/literal-condition',
        elementId: 'flowA',
        message: 'The conditionExpression of flowA is not an expression (=… or ${…}) and is used as literal text: approved',
        category: 'warn',
      });
      const method = await parseDiagram(withCondition('>${execution.getVariable("approved")}'));
      expect(method.warnings.map((finding) => [finding.rule, finding.elementId])).to.deep.include(['kim/feel-method-call', 'flowA']);
    });
  });

  describe('non-executable processes', () => {
    it('stores a non-executable process with a script task, with a warning instead of an error', async () => {
      // Given a process without isExecutable that contains a script task
      // When it is parsed
      const parsed = await parseDiagram(fixture('non-executable-script.bpmn'));
      // Then it is kept for viewing and the script task is reported as a warning
      expect(parsed.processes.map((process) => [process.id, process.isExecutable])).to.deep.equal([['viewOnly', false]]);
      expect(parsed.processes[0].elements.calculate.type).to.equal('bpmn:ScriptTask');
      expect(parsed.warnings).to.deep.include({
        rule: 'kim/no-script-task',
        elementId: 'calculate',
        message: 'Script tasks are not allowed: calculate',
        category: 'warn',
      });
    });
  });

  describe('warnings', () => {
    it('reports unknown attributes as moddle warnings naming the element', async () => {
      const parsed = await parseDiagram(around('<bpmn:task id="subject" colour="red" />'));
      expect(parsed.warnings).to.deep.include({ rule: 'moddle', elementId: 'subject', message: 'unknown attribute <colour>', category: 'warn' });
    });

    it('warns that attributes in the Activiti namespace are not read', async () => {
      const xml = around('<bpmn:userTask id="subject" activiti:assignee="demo" />').replace(
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:activiti="http://activiti.org/bpmn"',
      );
      const parsed = await parseDiagram(xml);
      expect(parsed.processes[0].elements.subject.assignee).to.equal(undefined);
      expect(parsed.warnings.filter((finding) => finding.rule === 'kim/activiti-namespace')).to.have.length(1);
    });

    it('reports a disconnected task as a lint finding with rule name and element id', async () => {
      // Given a diagram with DI in which one task has no sequence flows
      const parsed = await parseDiagram(fixture('disconnected.bpmn'));
      // Then lint names the rule and the task, and nothing else is reported
      expect(parsed.warnings).to.deep.include({ rule: 'no-disconnected', elementId: 'Activity_Orphan', message: 'Element is not connected', category: 'error' });
      expect(parsed.warnings.every((finding) => finding.elementId === 'Activity_Orphan')).to.equal(true);
    });

    it('keeps no lint state between diagrams: the same diagram twice gives the same findings', async () => {
      const first = await parseDiagram(fixture('disconnected.bpmn'));
      const second = await parseDiagram(fixture('disconnected.bpmn'));
      expect(second.warnings).to.deep.equal(first.warnings);
      expect(second.warnings.map((finding) => finding.rule)).to.not.include('no-duplicate-sequence-flows');
    });

    it('turns a linter failure into one finding instead of throwing', async () => {
      const parsed = await parseDiagram(fixture('disconnected.bpmn'));
      const definitions = (parsed.moddleContext as FromXmlResult).rootElement;
      const findings = await lint(definitions, { extends: 'bpmnlint:no-such-config' });
      expect(findings).to.have.length(1);
      expect(findings[0]).to.include({ rule: 'lint', category: 'warn' });
      expect(findings[0].message).to.contain('no-such-config');
    });
  });
});
