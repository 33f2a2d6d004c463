import { expect } from 'chai';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';
import { completeByKey, start, stateOf, taskKeys } from '../helpers/flow.ts';

describe('feature: error and escalation events', () => {
  let t: TestService;
  beforeEach(async () => (t = await startTestService()));
  afterEach(() => t.close());

  it('an error end event in a sub-process is caught by the error boundary event, after a restart inside the sub-process', async () => {
    await deploy(t.api, {
      'err.bpmn': bpmn('err', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="sub"/>
        <bpmn:subProcess id="sub">
          <bpmn:startEvent id="is"/><bpmn:sequenceFlow id="i0" sourceRef="is" targetRef="check"/>
          <bpmn:userTask id="check"/><bpmn:sequenceFlow id="i1" sourceRef="check" targetRef="ig"/>
          <bpmn:exclusiveGateway id="ig" default="iok"/>
          <bpmn:sequenceFlow id="ibad" sourceRef="ig" targetRef="fail"><bpmn:conditionExpression>=complete = false</bpmn:conditionExpression></bpmn:sequenceFlow>
          <bpmn:sequenceFlow id="iok" sourceRef="ig" targetRef="ie"/>
          <bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="E1"/></bpmn:endEvent>
          <bpmn:endEvent id="ie"/>
        </bpmn:subProcess>
        <bpmn:boundaryEvent id="onError" attachedToRef="sub"><bpmn:errorEventDefinition errorRef="E1"/></bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="sub" targetRef="e"/>
        <bpmn:sequenceFlow id="f2" sourceRef="onError" targetRef="fix"/>
        <bpmn:userTask id="fix"/><bpmn:sequenceFlow id="f3" sourceRef="fix" targetRef="e"/><bpmn:endEvent id="e"/>`,
        '<bpmn:error id="E1" name="Unvollständig" errorCode="INCOMPLETE"/>'),
    });
    const inst = await start(t, 'err');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['check']);
    await t.restart();
    await completeByKey(t, inst.id, 'check', { complete: { value: false, type: 'Boolean' } });
    expect(await taskKeys(t, inst.id)).to.deep.equal(['fix']);
    const sub = (await t.api('GET', `/engine-rest/history/activity-instance?processInstanceId=${inst.id}&activityId=sub`)).body;
    expect(sub[0].canceled).to.equal(true);
    await t.restart();
    await completeByKey(t, inst.id, 'fix');
    expect(await stateOf(t, inst.id)).to.equal('COMPLETED');
  });

  it('an escalation thrown inside a sub-process starts a non-interrupting boundary path; an error event sub-process catches an error', async () => {
    await deploy(t.api, {
      'esc.bpmn': bpmn('esc', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="sub"/>
        <bpmn:subProcess id="sub">
          <bpmn:startEvent id="is"/><bpmn:sequenceFlow id="i0" sourceRef="is" targetRef="raise"/>
          <bpmn:intermediateThrowEvent id="raise"><bpmn:escalationEventDefinition escalationRef="X1"/></bpmn:intermediateThrowEvent>
          <bpmn:sequenceFlow id="i1" sourceRef="raise" targetRef="work"/>
          <bpmn:userTask id="work"/><bpmn:sequenceFlow id="i2" sourceRef="work" targetRef="ie"/><bpmn:endEvent id="ie"/>
        </bpmn:subProcess>
        <bpmn:boundaryEvent id="onEsc" attachedToRef="sub" cancelActivity="false"><bpmn:escalationEventDefinition escalationRef="X1"/></bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="onEsc" targetRef="coordinate"/>
        <bpmn:userTask id="coordinate" camunda:candidateGroups="cm-koordination"/><bpmn:sequenceFlow id="f2" sourceRef="coordinate" targetRef="e2"/><bpmn:endEvent id="e2"/>
        <bpmn:sequenceFlow id="f3" sourceRef="sub" targetRef="e"/><bpmn:endEvent id="e"/>`,
        '<bpmn:escalation id="X1" name="Frist" escalationCode="DEADLINE"/>'),
      'evsub.bpmn': bpmn('evsub', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
        <bpmn:exclusiveGateway id="g" default="fok"/>
        <bpmn:sequenceFlow id="fbad" sourceRef="g" targetRef="boom"><bpmn:conditionExpression>=bad</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="fok" sourceRef="g" targetRef="w"/>
        <bpmn:endEvent id="boom"><bpmn:errorEventDefinition errorRef="E2"/></bpmn:endEvent>
        <bpmn:userTask id="w"/><bpmn:sequenceFlow id="f1" sourceRef="w" targetRef="e"/><bpmn:endEvent id="e"/>
        <bpmn:subProcess id="handler" triggeredByEvent="true">
          <bpmn:startEvent id="hs"><bpmn:errorEventDefinition errorRef="E2"/></bpmn:startEvent>
          <bpmn:sequenceFlow id="h0" sourceRef="hs" targetRef="clear"/>
          <bpmn:userTask id="clear"/><bpmn:sequenceFlow id="h1" sourceRef="clear" targetRef="he"/><bpmn:endEvent id="he"/>
        </bpmn:subProcess>`,
        '<bpmn:error id="E2" errorCode="BAD"/>'),
    });
    const a = await start(t, 'esc');
    expect(await taskKeys(t, a.id)).to.deep.equal(['coordinate', 'work']);
    await completeByKey(t, a.id, 'work');
    expect(await taskKeys(t, a.id)).to.deep.equal(['coordinate']);
    await completeByKey(t, a.id, 'coordinate');
    expect(await stateOf(t, a.id)).to.equal('COMPLETED');

    const b = await start(t, 'evsub', { variables: { bad: { value: true, type: 'Boolean' } } });
    expect(await taskKeys(t, b.id)).to.deep.equal(['clear']);
    await completeByKey(t, b.id, 'clear');
    expect(await stateOf(t, b.id)).to.equal('COMPLETED');
  });
});

describe('feature: multi-instance user tasks', () => {
  let t: TestService;
  beforeEach(async () => (t = await startTestService()));
  afterEach(() => t.close());

  const mi = (sequential: boolean) =>
    bpmn(`mi${sequential ? 'seq' : 'par'}`, `
      <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="perChild"/>
      <bpmn:userTask id="perChild" name="Schule für \${child.name}" camunda:candidateGroups="ki-schule" camunda:assignee="=child.caseworker">
        <bpmn:multiInstanceLoopCharacteristics isSequential="${sequential}" camunda:collection="=children" camunda:elementVariable="child"/>
      </bpmn:userTask>
      <bpmn:sequenceFlow id="f1" sourceRef="perChild" targetRef="done"/><bpmn:userTask id="done"/>
      <bpmn:sequenceFlow id="f2" sourceRef="done" targetRef="e"/><bpmn:endEvent id="e"/>`);
  const children = { children: { type: 'Json', value: [{ name: 'Mila', caseworker: 'u1' }, { name: 'Taras', caseworker: 'u2' }, { name: 'Olena', caseworker: 'u3' }] } };

  it('parallel: one task per element with its own element variable; the activity ends after all', async () => {
    await deploy(t.api, { 'mipar.bpmn': mi(false) });
    const inst = await start(t, 'mipar', { variables: children });
    const tasks = (await t.api('GET', `/engine-rest/task?processInstanceId=${inst.id}&sortBy=name&sortOrder=asc`)).body;
    expect(tasks.map((x: { name: string }) => x.name)).to.deep.equal(['Schule für Mila', 'Schule für Olena', 'Schule für Taras']);
    expect(tasks.map((x: { assignee: string }) => x.assignee)).to.deep.equal(['u1', 'u3', 'u2']);
    const local = (await t.api('GET', `/engine-rest/task/${tasks[1].id}/variables`)).body;
    expect(local.child.value).to.deep.equal({ name: 'Olena', caseworker: 'u3' });
    expect(local.loopCounter.value).to.equal(2);
    await t.api('POST', `/engine-rest/task/${tasks[1].id}/complete`, {});
    await t.restart();
    await t.api('POST', `/engine-rest/task/${tasks[0].id}/complete`, {});
    expect(await taskKeys(t, inst.id)).to.deep.equal(['perChild']);
    await t.api('POST', `/engine-rest/task/${tasks[2].id}/complete`, {});
    expect(await taskKeys(t, inst.id)).to.deep.equal(['done']);
  });

  it('sequential: one task at a time, in collection order', async () => {
    await deploy(t.api, { 'miseq.bpmn': mi(true) });
    const inst = await start(t, 'miseq', { variables: children });
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const tasks = (await t.api('GET', `/engine-rest/task?processInstanceId=${inst.id}`)).body;
      expect(tasks).to.have.length(1);
      names.push(tasks[0].name);
      if (i === 1) await t.restart();
      expect((await t.api('POST', `/engine-rest/task/${tasks[0].id}/complete`, {})).status).to.equal(204);
    }
    expect(names).to.deep.equal(['Schule für Mila', 'Schule für Taras', 'Schule für Olena']);
    expect(await taskKeys(t, inst.id)).to.deep.equal(['done']);
  });
});
