import { expect } from 'chai';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';

const flow = bpmn(
  'simple',
  `<bpmn:startEvent id="start"/>
   <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
   <bpmn:userTask id="review" name="Prüfen" camunda:candidateGroups="cm-ki" camunda:dueDate="=date and time(arrival) + duration(&quot;P14D&quot;)" camunda:priority="70"/>
   <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="gw"/>
   <bpmn:exclusiveGateway id="gw" default="f4"/>
   <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="big"><bpmn:conditionExpression>=amount &gt; 1000</bpmn:conditionExpression></bpmn:sequenceFlow>
   <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="end"/>
   <bpmn:userTask id="big" name="Groß" camunda:assignee="=initiator"/>
   <bpmn:sequenceFlow id="f5" sourceRef="big" targetRef="end"/>
   <bpmn:endEvent id="end"/>`,
);

describe('feature: user tasks and an exclusive gateway', () => {
  let t: TestService;
  beforeEach(async () => {
    t = await startTestService();
  });
  afterEach(async () => {
    await t.close();
  });

  it('Given a deployed process, when started, then a candidate-group task exists with due date and priority', async () => {
    const dep = await deploy(t.api, { 'simple.bpmn': flow });
    expect(dep.status, JSON.stringify(dep.body)).to.equal(200);
    const start = await t.api('POST', '/engine-rest/process-definition/key/simple/start', {
      businessKey: 'HH-1',
      variables: { arrival: { value: '2026-03-01T08:00:00Z', type: 'String' }, amount: { value: 5000, type: 'Integer' }, initiator: { value: 'admin', type: 'String' } },
    });
    expect(start.status, JSON.stringify(start.body)).to.equal(200);
    const tasks = await t.api('GET', '/engine-rest/task?processInstanceBusinessKey=HH-1');
    expect(tasks.body).to.have.length(1);
    expect(tasks.body[0]).to.include({ taskDefinitionKey: 'review', name: 'Prüfen', priority: 70, assignee: null });
    expect(tasks.body[0].due).to.equal('2026-03-15T08:00:00.000+0000');
    expect(tasks.body[0].candidateGroups).to.deep.equal(['cm-ki']);

    t.clock.advance(3600_000);
    const done = await t.api('POST', `/engine-rest/task/${tasks.body[0].id}/complete`, { variables: { note: { value: 'ok', type: 'String' } } });
    expect(done.status, JSON.stringify(done.body)).to.equal(204);
    const next = await t.api('GET', `/engine-rest/task?processInstanceId=${start.body.id}`);
    expect(next.body.map((x: { taskDefinitionKey: string }) => x.taskDefinitionKey)).to.deep.equal(['big']);
    expect(next.body[0].assignee).to.equal('admin');

    // Stopped after a wait state → restarted → continues.
    await t.restart();
    const again = await t.api('GET', `/engine-rest/task?processInstanceId=${start.body.id}`);
    expect(again.body[0].id).to.equal(next.body[0].id);
    const done2 = await t.api('POST', `/engine-rest/task/${again.body[0].id}/complete`, {});
    expect(done2.status).to.equal(204);
    const hist = await t.api('GET', `/engine-rest/history/process-instance/${start.body.id}`);
    expect(hist.body.state).to.equal('COMPLETED');
    const acts = await t.api('GET', `/engine-rest/history/activity-instance?processInstanceId=${start.body.id}`);
    expect(acts.body.map((a: { activityId: string }) => a.activityId)).to.include.members(['start', 'review', 'gw', 'big', 'end']);
    // An activity ended by a later command keeps its start time.
    const review = acts.body.find((a: { activityId: string }) => a.activityId === 'review');
    expect(review).to.include({ startTime: '2026-03-01T08:00:00.000+0000', endTime: '2026-03-01T09:00:00.000+0000', durationInMillis: 3600_000, canceled: false });
    const vars = await t.api('GET', `/engine-rest/history/variable-instance?processInstanceId=${start.body.id}&variableName=note`);
    expect(vars.body[0]).to.include({ name: 'note', value: 'ok', type: 'String' });
  });
});
