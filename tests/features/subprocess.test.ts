import { expect } from 'chai';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';
import { completeByKey, start, stateOf, taskKeys, tasksOf, varsOf } from '../helpers/flow.ts';

describe('feature: embedded sub-processes and call activities', () => {
  let t: TestService;
  beforeEach(async () => (t = await startTestService()));
  afterEach(() => t.close());

  it('embedded sub-process: its task waits, variables set inside are process variables, restart in between', async () => {
    await deploy(t.api, {
      'sub.bpmn': bpmn('sub', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="inner"/>
        <bpmn:subProcess id="inner">
          <bpmn:startEvent id="is"/><bpmn:sequenceFlow id="i0" sourceRef="is" targetRef="check"/>
          <bpmn:userTask id="check"/><bpmn:sequenceFlow id="i1" sourceRef="check" targetRef="ie"/><bpmn:endEvent id="ie"/>
        </bpmn:subProcess>
        <bpmn:sequenceFlow id="f1" sourceRef="inner" targetRef="g"/>
        <bpmn:exclusiveGateway id="g" default="fno"/>
        <bpmn:sequenceFlow id="fyes" sourceRef="g" targetRef="after"><bpmn:conditionExpression>=checked = true</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="fno" sourceRef="g" targetRef="e"/>
        <bpmn:userTask id="after"/><bpmn:sequenceFlow id="f2" sourceRef="after" targetRef="e"/><bpmn:endEvent id="e"/>`),
    });
    const inst = await start(t, 'sub');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['check']);
    await t.restart();
    await completeByKey(t, inst.id, 'check', { checked: { value: true, type: 'Boolean' } });
    expect(await taskKeys(t, inst.id)).to.deep.equal(['after']);
    await completeByKey(t, inst.id, 'after');
    expect(await stateOf(t, inst.id)).to.equal('COMPLETED');
  });

  it('call activity across diagrams: latest version of the called process, camunda:in/out, business key, restart while the child waits', async () => {
    const parent = bpmn('parent', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="call"/>
        <bpmn:callActivity id="call" calledElement="child">
          <bpmn:extensionElements>
            <camunda:in source="householdId" target="hid"/>
            <camunda:in sourceExpression="=size * 2" target="doubled"/>
            <camunda:in businessKey="#{execution.processBusinessKey}"/>
            <camunda:out source="result" target="childResult"/>
          </bpmn:extensionElements>
        </bpmn:callActivity>
        <bpmn:sequenceFlow id="f1" sourceRef="call" targetRef="after"/>
        <bpmn:userTask id="after"/><bpmn:sequenceFlow id="f2" sourceRef="after" targetRef="e"/><bpmn:endEvent id="e"/>`);
    const child = (v: string) => bpmn('child', `
        <bpmn:startEvent id="cs"/><bpmn:sequenceFlow id="c0" sourceRef="cs" targetRef="work${v}"/>
        <bpmn:userTask id="work${v}"/><bpmn:sequenceFlow id="c1" sourceRef="work${v}" targetRef="ce"/><bpmn:endEvent id="ce"/>`);
    await deploy(t.api, { 'parent.bpmn': parent });
    await deploy(t.api, { 'child.bpmn': child('1') });
    await deploy(t.api, { 'child.bpmn': child('2') });

    const inst = await start(t, 'parent', { businessKey: 'HH-7', variables: { householdId: { value: 'HH-7', type: 'String' }, size: { value: 3, type: 'Integer' }, secret: { value: 'x', type: 'String' } } });
    const children = (await t.api('GET', `/engine-rest/process-instance?superProcessInstance=${inst.id}`)).body;
    expect(children).to.have.length(1);
    expect(children[0]).to.include({ businessKey: 'HH-7' });
    expect(children[0].definitionId).to.match(/^child:2:/);
    const childVars = (await t.api('GET', `/engine-rest/process-instance/${children[0].id}/variables`)).body;
    expect(childVars).to.deep.equal({ hid: { type: 'String', value: 'HH-7', valueInfo: {} }, doubled: { type: 'Integer', value: 6, valueInfo: {} } });
    expect(await taskKeys(t, children[0].id)).to.deep.equal(['work2']);

    await t.restart();
    await completeByKey(t, children[0].id, 'work2', { result: { value: 'erledigt', type: 'String' }, other: { value: 1, type: 'Integer' } });
    expect(await stateOf(t, children[0].id)).to.equal('COMPLETED');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['after']);
    const vars = await varsOf(t, inst.id);
    expect(vars.childResult).to.equal('erledigt');
    expect(vars).to.not.have.property('other');
    const acts = (await t.api('GET', `/engine-rest/history/activity-instance?processInstanceId=${inst.id}&activityId=call`)).body;
    expect(acts[0].calledProcessInstanceId).to.equal(children[0].id);
    expect(acts[0].endTime).to.be.a('string');
  });

  it('deleting a parent instance cancels its called child and their tasks', async () => {
    await deploy(t.api, {
      'p2.bpmn': bpmn('p2', `<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="call"/><bpmn:callActivity id="call" calledElement="c2"/><bpmn:sequenceFlow id="f1" sourceRef="call" targetRef="e"/><bpmn:endEvent id="e"/>`),
      'c2.bpmn': bpmn('c2', `<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="w"/><bpmn:userTask id="w"/><bpmn:sequenceFlow id="f1" sourceRef="w" targetRef="e"/><bpmn:endEvent id="e"/>`),
    });
    const inst = await start(t, 'p2');
    const [childInst] = (await t.api('GET', `/engine-rest/process-instance?superProcessInstance=${inst.id}`)).body;
    expect(await tasksOf(t, childInst.id)).to.have.length(1);
    expect((await t.api('DELETE', `/engine-rest/process-instance/${inst.id}`)).status).to.equal(204);
    expect(await stateOf(t, childInst.id)).to.equal('EXTERNALLY_TERMINATED');
    expect((await t.api('GET', '/engine-rest/task/count')).body.count).to.equal(0);
  });
  it('a call activity cancelled by a terminate end or an interrupting boundary event ends its called instance', async () => {
    await deploy(t.api, {
      'p3.bpmn': bpmn('p3', `<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="fork"/><bpmn:parallelGateway id="fork"/>
        <bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="call"/><bpmn:callActivity id="call" calledElement="c3"/><bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="e1"/><bpmn:endEvent id="e1"/>
        <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="a"/><bpmn:userTask id="a"/><bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="e2"/><bpmn:endEvent id="e2"><bpmn:terminateEventDefinition/></bpmn:endEvent>`),
      'p4.bpmn': bpmn('p4', `<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="call"/><bpmn:callActivity id="call" calledElement="c3"/><bpmn:sequenceFlow id="f1" sourceRef="call" targetRef="e"/><bpmn:endEvent id="e"/>
        <bpmn:boundaryEvent id="frist" attachedToRef="call"><bpmn:timerEventDefinition><bpmn:timeDuration>P7D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f2" sourceRef="frist" targetRef="spaet"/><bpmn:userTask id="spaet"/>`),
      'c3.bpmn': bpmn('c3', `<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="w"/><bpmn:userTask id="w"/><bpmn:sequenceFlow id="f1" sourceRef="w" targetRef="e"/><bpmn:endEvent id="e"/>`),
    });
    const terminated = await start(t, 'p3');
    const [child3] = (await t.api('GET', `/engine-rest/process-instance?superProcessInstance=${terminated.id}`)).body;
    await completeByKey(t, terminated.id, 'a');
    expect(await stateOf(t, terminated.id)).to.equal('COMPLETED');
    expect(await stateOf(t, child3.id)).to.equal('EXTERNALLY_TERMINATED');

    const interrupted = await start(t, 'p4');
    const [child4] = (await t.api('GET', `/engine-rest/process-instance?superProcessInstance=${interrupted.id}`)).body;
    t.clock.advance(8 * 24 * 3600 * 1000);
    await t.service.scheduler.runDue();
    expect((await tasksOf(t, interrupted.id)).map((x) => x.taskDefinitionKey)).to.deep.equal(['spaet']);
    expect(await stateOf(t, child4.id)).to.equal('EXTERNALLY_TERMINATED');
    expect((await t.api('GET', '/engine-rest/task/count')).body.count).to.equal(1);
  });
});
