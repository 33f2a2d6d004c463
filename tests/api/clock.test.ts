import { expect } from 'chai';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';
import { start, taskKeys } from '../helpers/flow.ts';

// A ladder of deadlines hanging off one date: reminders at D−90 and D−42 (FEEL over a variable).
const ladder = bpmn('ladder', `
  <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="fork"/>
  <bpmn:parallelGateway id="fork"/>
  <bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="t90"/><bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="t42"/>
  <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="work"/>
  <bpmn:intermediateCatchEvent id="t90"><bpmn:timerEventDefinition><bpmn:timeDate>=date and time(keyDeadline) - duration("P90D")</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  <bpmn:intermediateCatchEvent id="t42"><bpmn:timerEventDefinition><bpmn:timeDate>=date and time(keyDeadline) - duration("P42D")</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f4" sourceRef="t90" targetRef="level0"/><bpmn:userTask id="level0"/><bpmn:sequenceFlow id="f5" sourceRef="level0" targetRef="e1"/><bpmn:endEvent id="e1"/>
  <bpmn:sequenceFlow id="f6" sourceRef="t42" targetRef="level3"/><bpmn:userTask id="level3"/><bpmn:sequenceFlow id="f7" sourceRef="level3" targetRef="e2"/><bpmn:endEvent id="e2"/>
  <bpmn:userTask id="work"/><bpmn:sequenceFlow id="f8" sourceRef="work" targetRef="e3"/><bpmn:endEvent id="e3"/>`);

describe('api: the controlled clock (/api/clock)', () => {
  let t: TestService;
  afterEach(() => t?.close());

  it('does not exist unless CLOCK=controlled', async () => {
    t = await startTestService();
    expect((await t.api('GET', '/api/clock')).status).to.equal(404);
    expect((await t.api('POST', '/api/clock/advance', { duration: 'P1D' })).status).to.equal(404);
  });

  it('pins time, advances it firing each due timer once in due order, and keeps its time across a restart', async () => {
    t = await startTestService({ env: { CLOCK: 'controlled' } });
    const pinned = await t.api('POST', '/api/clock', { now: '2026-03-01T08:00:00Z' });
    expect(pinned.status).to.equal(200);
    expect(pinned.body).to.deep.equal({ now: '2026-03-01T08:00:00.000Z', controlled: true });
    await deploy(t.api, { 'ladder.bpmn': ladder });
    const inst = await start(t, 'ladder', { variables: { keyDeadline: { value: '2026-09-01T08:00:00Z', type: 'String' } } });
    expect(await taskKeys(t, inst.id)).to.deep.equal(['work']);

    // D−90 = 2026-06-03; D−42 = 2026-07-21.
    let r = await t.api('POST', '/api/clock/advance', { duration: 'P90D' });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body.now).to.equal('2026-05-30T08:00:00.000Z');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['work']);
    r = await t.api('POST', '/api/clock/advance', { duration: 'P5D' });
    expect(await taskKeys(t, inst.id)).to.deep.equal(['level0', 'work']);
    const level0 = (await t.api('GET', `/engine-rest/task?processInstanceId=${inst.id}&taskDefinitionKey=level0`)).body[0];
    // The timer fired with the clock at its due time, not at the end of the span.
    expect(level0.created).to.equal('2026-06-03T08:00:00.000+0000');

    await t.restart();
    expect((await t.api('GET', '/api/clock')).body.now).to.equal('2026-06-04T08:00:00.000Z');
    r = await t.api('POST', '/api/clock/advance', { duration: 'duration("P30D") + duration("P30D")' });
    expect(r.body.now).to.equal('2026-08-03T08:00:00.000Z');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['level0', 'level3', 'work']);
    r = await t.api('POST', '/api/clock/advance', { duration: 'P30D' });
    expect(await taskKeys(t, inst.id)).to.deep.equal(['level0', 'level3', 'work']);
  });

  it('catch-up: a case entering the ladder late gets every overdue step at once, in order, once', async () => {
    t = await startTestService({ env: { CLOCK: 'controlled' } });
    await t.api('POST', '/api/clock', { now: '2026-07-25T08:00:00Z' });
    await deploy(t.api, { 'ladder.bpmn': ladder });
    const inst = await start(t, 'ladder', { variables: { keyDeadline: { value: '2026-09-01T08:00:00Z', type: 'String' } } });
    expect(await taskKeys(t, inst.id)).to.deep.equal(['level0', 'level3', 'work']);
    const acts = (await t.api('GET', `/engine-rest/history/activity-instance?processInstanceId=${inst.id}&sortOrder=asc`)).body as Array<{ activityId: string }>;
    const order = acts.map((a) => a.activityId).filter((a) => a === 'level0' || a === 'level3');
    expect(order).to.deep.equal(['level0', 'level3']);
  });

  it('a non-interrupting boundary cycle (R3/PT1H) fires three times on the clock, then stops; a completed task cancels it', async () => {
    t = await startTestService({ env: { CLOCK: 'controlled' } });
    await t.api('POST', '/api/clock', { now: '2026-03-01T08:00:00Z' });
    await deploy(t.api, {
      'cyc.bpmn': bpmn('cyc', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="anmeldung"/>
        <bpmn:userTask id="anmeldung"/>
        <bpmn:boundaryEvent id="remind" attachedToRef="anmeldung" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="remind" targetRef="erinnerung"/><bpmn:userTask id="erinnerung"/><bpmn:sequenceFlow id="f2" sourceRef="erinnerung" targetRef="e1"/><bpmn:endEvent id="e1"/>
        <bpmn:sequenceFlow id="f3" sourceRef="anmeldung" targetRef="e"/><bpmn:endEvent id="e"/>`),
    });
    const a = await start(t, 'cyc');
    const b = await start(t, 'cyc');
    await t.api('POST', '/api/clock/advance', { duration: 'PT90M' });
    expect(await taskKeys(t, a.id)).to.deep.equal(['anmeldung', 'erinnerung']);
    const [task] = (await t.api('GET', `/engine-rest/task?processInstanceId=${b.id}&taskDefinitionKey=anmeldung`)).body;
    await t.api('POST', `/engine-rest/task/${task.id}/complete`, {});
    await t.api('POST', '/api/clock/advance', { duration: 'PT5H' });
    // bpmn-elements runs one token per activity at a time: the later reminders queue behind the first.
    let reminders = 0;
    for (;;) {
      const [r] = (await t.api('GET', `/engine-rest/task?processInstanceId=${a.id}&taskDefinitionKey=erinnerung`)).body;
      if (!r) break;
      reminders++;
      expect((await t.api('POST', `/engine-rest/task/${r.id}/complete`, {})).status).to.equal(204);
    }
    expect(reminders).to.equal(3);
    expect(await taskKeys(t, a.id)).to.deep.equal(['anmeldung']);
    expect(await taskKeys(t, b.id)).to.deep.equal(['erinnerung']);
    expect((await t.api('GET', '/engine-rest/job/count?jobType=timer')).body.count).to.equal(0);
  });

  it('any duration: a P3Y timer (past the 24.8-day setTimeout limit) fires after three years, not before', async () => {
    t = await startTestService({ env: { CLOCK: 'controlled' } });
    await t.api('POST', '/api/clock', { now: '2026-03-01T08:00:00Z' });
    await deploy(t.api, {
      'long.bpmn': bpmn('long', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="wait"/>
        <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>P3Y</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="wait" targetRef="loeschen"/><bpmn:userTask id="loeschen"/><bpmn:sequenceFlow id="f2" sourceRef="loeschen" targetRef="e"/><bpmn:endEvent id="e"/>`),
    });
    const inst = await start(t, 'long');
    expect((await t.api('GET', `/engine-rest/job?processInstanceId=${inst.id}`)).body[0].dueDate).to.equal('2029-03-01T08:00:00.000+0000');
    await t.api('POST', '/api/clock/advance', { duration: 'P2Y' });
    expect(await taskKeys(t, inst.id)).to.deep.equal([]);
    await t.api('POST', '/api/clock/advance', { duration: 'P1Y' });
    expect(await taskKeys(t, inst.id)).to.deep.equal(['loeschen']);
  });

  it('rejects bad input: a non-date now, a negative or unparseable duration (400), and non-coordinators (403)', async () => {
    t = await startTestService({ env: { CLOCK: 'controlled' } });
    expect((await t.api('POST', '/api/clock', { now: 'tomorrow' })).status).to.equal(400);
    expect((await t.api('POST', '/api/clock/advance', { duration: '-P1D' })).status).to.equal(400);
    expect((await t.api('POST', '/api/clock/advance', { duration: 'soon' })).status).to.equal(400);
    await t.api('POST', '/engine-rest/user/create', { profile: { id: 'cm1', firstName: 'A', lastName: 'B', email: 'a@example.org' }, credentials: { password: 'pw-secret-1' } });
    expect((await t.api.as('cm1', 'pw-secret-1')('POST', '/api/clock/advance', { duration: 'P1D' })).status).to.equal(403);
  });
  it('setting the clock computes timer-start schedules afresh from the new time', async () => {
    t = await startTestService({ env: { CLOCK: 'controlled' } });
    await deploy(t.api, { 'fk.bpmn': bpmn('fk', `
      <bpmn:startEvent id="s"><bpmn:timerEventDefinition><bpmn:timeCycle>R/2026-01-05T09:00:00+01:00/P14D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
      <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="agenda"/><bpmn:userTask id="agenda"/>`) });
    // Deployed while the clock still showed the wall-clock time; pinning it to March moves the schedule.
    expect((await t.api('POST', '/api/clock', { now: '2026-03-02T08:00:00Z' })).status).to.equal(200);
    const jobs = (await t.api('GET', '/engine-rest/job')).body as Array<{ dueDate: string }>;
    expect(jobs.map((j) => j.dueDate.slice(0, 16))).to.deep.equal(['2026-03-16T08:00']);
    await t.api('POST', '/api/clock/advance', { duration: 'P14D' });
    const started = (await t.api('GET', '/engine-rest/process-instance?processDefinitionKey=fk')).body;
    expect(started).to.have.length(1);
  });

  it("FEEL now() and today() read the controlled clock, not the wall clock", async () => {
    t = await startTestService({ env: { CLOCK: 'controlled' } });
    await t.api('POST', '/api/clock', { now: '2026-03-02T08:00:00Z' });
    await deploy(t.api, { 'heute.bpmn': bpmn('heute', `
      <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="aufgabe"/>
      <bpmn:userTask id="aufgabe" camunda:dueDate="=now() + duration(&quot;P1D&quot;)" camunda:followUpDate="=date and time(today(), time(&quot;12:00:00Z&quot;))"/>`) });
    const inst = await start(t, 'heute');
    const task = (await t.api('GET', `/engine-rest/task?processInstanceId=${inst.id}`)).body[0];
    expect(task.due.slice(0, 16)).to.equal('2026-03-03T08:00');
    expect(task.followUp.slice(0, 16)).to.equal('2026-03-02T12:00');
  });
});
